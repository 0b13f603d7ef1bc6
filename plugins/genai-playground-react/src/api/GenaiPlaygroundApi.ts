import { createApiRef } from '@backstage/core-plugin-api';
import type {
  GenaiPlaygroundApi,
  InferenceModel,
} from '@genai-portal/plugin-genai-playground-common';
import type {
  ChatCompletionRequest,
  ChatUsage,
  StreamChatCompletionOptions,
} from './chat';

export type {
  GenaiPlaygroundApi,
  ListEnvironmentsQuery,
  EnvironmentWithDetails,
  RequestOptions,
} from '@genai-portal/plugin-genai-playground-common';

/**
 * What the frontend asks of the genai-playground backend: the shared
 * {@link @genai-portal/plugin-genai-playground-common#GenaiPlaygroundApi}, plus the gateway calls
 * the inference playground makes as the signed-in user.
 *
 * @public
 */
export interface GenaiPlaygroundFrontendApi extends GenaiPlaygroundApi {
  /** The models the signed-in user may call (`GET /v1/models`). */
  listModels(): Promise<{ data: InferenceModel[] }>;
  /**
   * Streams a chat completion (`POST /v1/chat/completions`): `onChunk` gets each piece of the
   * answer as it arrives; resolves with the usage once the stream is done, rejects with the
   * gateway's error message, and stops when `signal` aborts.
   */
  streamChatCompletion(
    request: ChatCompletionRequest,
    options: StreamChatCompletionOptions,
  ): Promise<{ usage?: ChatUsage }>;
}

/**
 * The frontend's handle on the genai-playground backend (`/api/genai-playground`).
 *
 * @remarks
 *
 * The interface, {@link GenaiPlaygroundFrontendApi}, extends the contract shared with the backend:
 * playground environments (create, list, read, extend, delete, history), quota usage per team and
 * GPU pool, jobs, API keys, the settings (rate card, lease bounds, team caps) the frontend needs
 * to price and validate a request before it is sent, and the gateway's chat. The default
 * implementation is {@link GenaiPlaygroundFrontendClient}; tests pass a fake through
 * `TestApiProvider`.
 *
 * @public
 */
export const genaiPlaygroundApiRef = createApiRef<GenaiPlaygroundFrontendApi>({
  id: 'plugin.genai-playground.service',
});
