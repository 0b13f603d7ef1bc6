import { useApi } from '@backstage/core-plugin-api';
import type { GpuPoolUsage } from '@genai-portal/plugin-genai-playground-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { genaiPlaygroundApiRef } from '../api';
import type { AsyncResource } from './types';

/** Allocatable, requested and quota-committed GPUs of every GPU pool. @public */
export function usePoolUsage(): AsyncResource<GpuPoolUsage[]> {
  const api = useApi(genaiPlaygroundApiRef);
  return useAsyncRetry(async () => {
    const { items } = await api.getPoolUsage();
    return items;
  }, [api]);
}
