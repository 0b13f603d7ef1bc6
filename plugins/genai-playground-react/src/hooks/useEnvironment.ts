import { useApi } from '@backstage/core-plugin-api';
import type { EnvironmentWithDetails } from '@genai-portal/plugin-genai-playground-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { genaiPlaygroundApiRef } from '../api';
import type { AsyncResource } from './types';

/**
 * One environment with its live quota usage and pods. `refresh` loads it again (after an extend,
 * say); the previous value stays visible while it loads.
 * @public
 */
export function useEnvironment(
  id: string | undefined,
): AsyncResource<EnvironmentWithDetails> & { refresh: () => void } {
  const api = useApi(genaiPlaygroundApiRef);
  const state = useAsyncRetry(
    async () => (id ? api.getEnvironment(id) : undefined),
    [api, id],
  );
  return { ...state, refresh: state.retry };
}
