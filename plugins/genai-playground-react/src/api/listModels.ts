import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import type { InferenceModel } from '@genai-portal/plugin-genai-playground-common';
import { readGatewayError } from './readGatewayError';

/** The models the signed-in user may call (`GET /v1/models`). */
export async function listModels(apis: {
  discoveryApi: DiscoveryApi;
  fetchApi: FetchApi;
}): Promise<{ data: InferenceModel[] }> {
  const baseUrl = await apis.discoveryApi.getBaseUrl('genai-playground');
  const response = await apis.fetchApi.fetch(`${baseUrl}/v1/models`, {
    headers: { Accept: 'application/json' },
  });
  if (!response.ok) {
    throw await readGatewayError(response);
  }
  const body = (await response.json()) as { data?: InferenceModel[] };
  return { data: body.data ?? [] };
}
