import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import {
  GenaiPlaygroundClient,
  InferenceModel,
} from '@genai-portal/plugin-genai-playground-common';
import type {
  ChatCompletionRequest,
  ChatUsage,
  StreamChatCompletionOptions,
} from './chat';
import type { GenaiPlaygroundFrontendApi } from './GenaiPlaygroundApi';
import { listModels } from './listModels';
import { streamChatCompletion } from './streamChatCompletion';

/**
 * The {@link GenaiPlaygroundFrontendApi} over `discoveryApi` and `fetchApi`: the shared client
 * of -common plus the gateway calls, which keep OpenAI's shapes and errors.
 *
 * @public
 */
export class GenaiPlaygroundFrontendClient
  extends GenaiPlaygroundClient
  implements GenaiPlaygroundFrontendApi
{
  private readonly apis: { discoveryApi: DiscoveryApi; fetchApi: FetchApi };

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    super(options);
    this.apis = options;
  }

  async listModels(): Promise<{ data: InferenceModel[] }> {
    return listModels(this.apis);
  }

  async streamChatCompletion(
    request: ChatCompletionRequest,
    options: StreamChatCompletionOptions,
  ): Promise<{ usage?: ChatUsage }> {
    return streamChatCompletion(this.apis, request, options);
  }
}
