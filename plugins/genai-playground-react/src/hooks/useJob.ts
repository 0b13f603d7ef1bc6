import { useApi } from '@backstage/core-plugin-api';
import type { JobWithDetails } from '@genai-portal/plugin-genai-playground-common';
import { useEffect } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { genaiPlaygroundApiRef } from '../api';
import type { AsyncResource } from './types';

/**
 * One job with its timeline, pods and events. While it has not ended it is loaded again every
 * `pollMs` (default 3 seconds); the previous value stays visible while it loads.
 * @public
 */
export function useJob(
  id: string | undefined,
  options: { pollMs?: number } = {},
): AsyncResource<JobWithDetails> {
  const api = useApi(genaiPlaygroundApiRef);
  const state = useAsyncRetry(
    async () => (id ? api.getJob(id) : undefined),
    [api, id],
  );
  const pollMs = options.pollMs ?? 3000;
  const status = state.value?.status;
  const unfinished = status === 'Pending' || status === 'Running';
  const { retry } = state;
  useEffect(() => {
    if (!pollMs || !unfinished) {
      return undefined;
    }
    const timer = setInterval(retry, pollMs);
    return () => clearInterval(timer);
  }, [pollMs, unfinished, retry]);
  return state;
}
