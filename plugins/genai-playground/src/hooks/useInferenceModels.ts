import { useApi } from '@backstage/core-plugin-api';
import type { InferenceModel } from '@genai-portal/plugin-genai-playground-common';
import { genaiPlaygroundApiRef } from '@genai-portal/plugin-genai-playground-react';
import useAsync from 'react-use/esm/useAsync';

/** The gateway's models the signed-in user may call (`GET /v1/models`). */
export function useInferenceModels() {
  const api = useApi(genaiPlaygroundApiRef);
  return useAsync(
    async (): Promise<InferenceModel[]> => (await api.listModels()).data,
    [api],
  );
}
