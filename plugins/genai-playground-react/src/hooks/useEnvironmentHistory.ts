import { useApi } from '@backstage/core-plugin-api';
import type { EnvironmentEvent } from '@genai-portal/plugin-genai-playground-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { genaiPlaygroundApiRef } from '../api';
import type { AsyncResource } from './types';

/** An environment's history, oldest first as the backend returns it. @public */
export function useEnvironmentHistory(
  id: string | undefined,
): AsyncResource<EnvironmentEvent[]> {
  const api = useApi(genaiPlaygroundApiRef);
  return useAsyncRetry(async () => {
    if (!id) {
      return undefined;
    }
    const { items } = await api.getEnvironmentHistory(id);
    return items;
  }, [api, id]);
}
