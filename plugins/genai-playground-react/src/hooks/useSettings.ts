import { useApi } from '@backstage/core-plugin-api';
import type { PlaygroundSettings } from '@genai-portal/plugin-genai-playground-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { genaiPlaygroundApiRef } from '../api';
import type { AsyncResource } from './types';

/** The rate card, lease bounds, GPU pools and team caps from `GET /settings`. @public */
export function useSettings(): AsyncResource<PlaygroundSettings> {
  const api = useApi(genaiPlaygroundApiRef);
  return useAsyncRetry(() => api.getSettings(), [api]);
}
