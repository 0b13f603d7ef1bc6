import { useApi } from '@backstage/core-plugin-api';
import type {
  Environment,
  EnvironmentWithDetails,
} from '@genai-portal/plugin-genai-playground-common';
import { genaiPlaygroundApiRef } from '@genai-portal/plugin-genai-playground-react';
import useAsync from 'react-use/esm/useAsync';

/**
 * Live details (quota usage) of the live environments in a list, by id. The list answer carries
 * only the sized quota; the bars in the table show usage once these arrive. An environment whose
 * details fail keeps showing its sized quota.
 */
export function useEnvironmentDetails(
  environments: Environment[] | undefined,
): Record<string, EnvironmentWithDetails> {
  const api = useApi(genaiPlaygroundApiRef);
  const ids = (environments ?? [])
    .filter(e => e.status === 'ready' || e.status === 'creating')
    .map(e => e.id);
  const key = ids.join(',');
  const { value } = useAsync(async () => {
    const results = await Promise.allSettled(
      ids.map(id => api.getEnvironment(id)),
    );
    const details: Record<string, EnvironmentWithDetails> = {};
    results.forEach(result => {
      if (result.status === 'fulfilled') {
        details[result.value.id] = result.value;
      }
    });
    return details;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, key]);
  return value ?? {};
}
