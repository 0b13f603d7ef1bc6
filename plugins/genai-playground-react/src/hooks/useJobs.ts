import { useApi } from '@backstage/core-plugin-api';
import type {
  Job,
  ListJobsQuery,
} from '@genai-portal/plugin-genai-playground-common';
import { useEffect } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { genaiPlaygroundApiRef } from '../api';
import type { AsyncResource } from './types';

/**
 * The jobs matching a query (`environment`, `team`, `owner`, `status`, `limit`), newest first.
 * Pass `undefined` to wait. With `pollMs`, loads again that often while a listed job has not
 * ended, so statuses move on their own.
 * @public
 */
export function useJobs(
  query: ListJobsQuery | undefined,
  options: { pollMs?: number } = {},
): AsyncResource<Job[]> {
  const api = useApi(genaiPlaygroundApiRef);
  const ready = query !== undefined;
  const { environment, team, owner, limit } = query ?? {};
  const status = Array.isArray(query?.status)
    ? query?.status.join(',')
    : query?.status;
  const state = useAsyncRetry(async () => {
    if (!ready) {
      return undefined;
    }
    const { items } = await api.listJobs({
      environment,
      team,
      owner,
      limit,
      status: status
        ? (status.split(',') as ListJobsQuery['status'])
        : undefined,
    });
    return items;
  }, [api, ready, environment, team, owner, limit, status]);
  const { pollMs } = options;
  const unfinished = (state.value ?? []).some(
    j => j.status === 'Pending' || j.status === 'Running',
  );
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
