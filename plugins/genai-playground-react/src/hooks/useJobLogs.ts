import { useApi } from '@backstage/core-plugin-api';
import { useEffect, useState } from 'react';
import { genaiPlaygroundApiRef } from '../api';

/** Logs kept in memory; older text is dropped past this. */
const MAX_CHARS = 512 * 1024;

/** @public */
export interface JobLogsState {
  /** The text so far. */
  text: string;
  /** True while the stream is open (the pod's container runs). */
  following: boolean;
  /** Why the logs could not be read (no pods yet, the pod is gone, ...); retried while live. */
  error?: Error;
}

/**
 * Follows the logs of one pod of a job (the first by default) while `live`: the text grows as
 * the pod writes it, the stream ends when the container ends. Until the pod has started, it asks
 * again every `retryMs`. When the job has ended the logs are read once, in full.
 * @public
 */
export function useJobLogs(
  id: string | undefined,
  options: {
    pod?: string;
    live: boolean;
    tailLines?: number;
    retryMs?: number;
  },
): JobLogsState {
  const api = useApi(genaiPlaygroundApiRef);
  const [state, setState] = useState<JobLogsState>({
    text: '',
    following: false,
  });
  const { pod, live, tailLines } = options;
  const retryMs = options.retryMs ?? 3000;

  useEffect(() => {
    if (!id) {
      return undefined;
    }
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      setState({ text: '', following: live });
      try {
        if (!live) {
          const text = await api.getJobLogs(id, { pod, tailLines });
          if (!controller.signal.aborted) {
            setState({ text: text.slice(-MAX_CHARS), following: false });
          }
          return;
        }
        let text = '';
        for await (const chunk of api.followJobLogs(
          id,
          { pod, tailLines },
          { signal: controller.signal },
        )) {
          text = (text + chunk).slice(-MAX_CHARS);
          setState({ text, following: true });
        }
        if (!controller.signal.aborted) {
          setState({ text, following: false });
        }
      } catch (error) {
        if (controller.signal.aborted) {
          return;
        }
        setState(previous => ({
          text: previous.text,
          following: false,
          error: error as Error,
        }));
        if (live) {
          timer = setTimeout(run, retryMs);
        }
      }
    };
    run();
    return () => {
      controller.abort();
      if (timer) {
        clearTimeout(timer);
      }
    };
  }, [api, id, pod, live, tailLines, retryMs]);

  return state;
}
