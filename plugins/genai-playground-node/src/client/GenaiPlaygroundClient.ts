import type { DiscoveryService } from '@backstage/backend-plugin-api';
import {
  AuthenticationError,
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ResponseError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { GenaiPlaygroundClient as HttpClient } from '@genai-portal/plugin-genai-playground-common';

/** @public */
export interface GenaiPlaygroundClientOptions {
  /** Where the plugin lives: `coreServices.discovery` in a backend module. */
  discovery: Pick<DiscoveryService, 'getBaseUrl'>;
  /** Defaults to the global fetch. */
  fetchApi?: { fetch: typeof fetch };
}

/**
 * The genai-playground HTTP API for backend modules (scaffolder actions, the catalog provider):
 * the client of -common, with backend-style errors.
 * Pass the token to act with in each call, e.g. from
 * `auth.getPluginRequestToken({ onBehalfOf, targetPluginId: 'genai-playground' })`.
 *
 * Error answers are thrown as the matching `@backstage/errors` class with the server's message
 * (`InputError`, `NotAllowedError`, `NotFoundError`, `ConflictError`, `ServiceUnavailableError`,
 * `AuthenticationError`); anything else as a `ResponseError`.
 * @public
 */
export class GenaiPlaygroundClient extends HttpClient {
  constructor(options: GenaiPlaygroundClientOptions) {
    super({
      discoveryApi: options.discovery,
      fetchApi: options.fetchApi,
      toError: async response =>
        toKnownError(await ResponseError.fromResponse(response)),
    });
  }
}

/**
 * Rethrows the server's error as the class it was thrown as there, with its message, so that
 * callers (the scaffolder's task log) show e.g. "team ml-research may hold 16 GPUs ..." rather than
 * "Request failed with 400 Bad Request".
 */
function toKnownError(error: ResponseError): Error {
  const message = error.body?.error?.message ?? error.message;
  // No `cause`: CustomErrorBase would append "; caused by ResponseError: ..." to the message.
  const byName: Record<string, new (message: string) => Error> = {
    InputError,
    NotAllowedError,
    NotFoundError,
    ConflictError,
    ServiceUnavailableError,
    AuthenticationError,
  };
  const byStatus: Record<number, (typeof byName)[string]> = {
    400: InputError,
    401: AuthenticationError,
    403: NotAllowedError,
    404: NotFoundError,
    409: ConflictError,
    503: ServiceUnavailableError,
  };
  const ErrorClass =
    byName[error.body?.error?.name ?? ''] ?? byStatus[error.statusCode];
  return ErrorClass ? new ErrorClass(message) : error;
}
