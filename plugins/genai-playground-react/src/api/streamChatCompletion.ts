import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ENVIRONMENT_HEADER } from '@genai-portal/plugin-genai-playground-common';
import type {
  ChatCompletionRequest,
  ChatUsage,
  StreamChatCompletionOptions,
} from './chat';
import { readGatewayError } from './readGatewayError';
import { readSseData } from './readSseData';

/**
 * Streams a chat completion from the gateway as the signed-in user: calls `onChunk` with each
 * piece of text as it arrives and resolves with the usage chunk (if the gateway sent one) after
 * `[DONE]`. The usage is always asked for: the playground shows each answer's tokens and cost.
 */
export async function streamChatCompletion(
  apis: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  request: ChatCompletionRequest,
  options: StreamChatCompletionOptions,
): Promise<{ usage?: ChatUsage }> {
  const baseUrl = await apis.discoveryApi.getBaseUrl('genai-playground');
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    Accept: 'text/event-stream',
  };
  if (options.environment) {
    headers[ENVIRONMENT_HEADER] = options.environment;
  }
  const response = await apis.fetchApi.fetch(`${baseUrl}/v1/chat/completions`, {
    method: 'POST',
    headers,
    signal: options.signal,
    body: JSON.stringify({
      ...request,
      stream: true,
      stream_options: { include_usage: true },
    }),
  });
  if (!response.ok) {
    throw await readGatewayError(response);
  }
  if (!response.body) {
    throw new Error('The gateway answered without a body');
  }
  let usage: ChatUsage | undefined;
  for await (const data of readSseData(response.body)) {
    if (data === '[DONE]') {
      break;
    }
    if (!data) {
      continue;
    }
    const chunk = JSON.parse(data);
    if (chunk.error) {
      throw new Error(chunk.error.message ?? 'The model server failed');
    }
    const text = chunk.choices?.[0]?.delta?.content;
    if (typeof text === 'string' && text) {
      options.onChunk(text);
    }
    if (chunk.usage) {
      usage = chunk.usage;
    }
  }
  return { usage };
}
