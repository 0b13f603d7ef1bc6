import { useApi } from '@backstage/core-plugin-api';
import type {
  Environment,
  ListEnvironmentsQuery,
} from '@genai-portal/plugin-genai-playground-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { genaiPlaygroundApiRef } from '../api';
import type { AsyncResource } from './types';

/**
 * The environments matching a query (`team`, `owner`, `gpuPool`, `includeDeleted`). Pass
 * `undefined` to wait, for example until the signed-in user's identity is known.
 * @public
 */
export function useEnvironments(
  query: ListEnvironmentsQuery | undefined,
): AsyncResource<Environment[]> {
  const api = useApi(genaiPlaygroundApiRef);
  const ready = query !== undefined;
  const { team, owner, gpuPool, includeDeleted } = query ?? {};
  return useAsyncRetry(async () => {
    if (!ready) {
      return undefined;
    }
    const { items } = await api.listEnvironments({
      team,
      owner,
      gpuPool,
      includeDeleted,
    });
    return items;
  }, [api, ready, team, owner, gpuPool, includeDeleted]);
}
