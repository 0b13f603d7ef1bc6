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
import type {
  CancelJobRequest,
  CreateEnvironmentRequest,
  DeployInferenceServiceRequest,
  Environment,
  EnvironmentEvent,
  EnvironmentWithDetails,
  ExtendEnvironmentRequest,
  GenaiPlaygroundApi,
  GpuPoolUsage,
  InferenceService,
  Job,
  JobLogsQuery,
  JobWithDetails,
  ListEnvironmentsQuery,
  ListJobsQuery,
  PlaygroundSettings,
  RequestOptions,
  SubmitJobRequest,
  TeamQuotaUsage,
} from '@genai-portal/plugin-genai-playground-common';

/** @public */
export interface GenaiPlaygroundClientOptions {
  /** Where the plugin lives: `coreServices.discovery` in a backend module. */
  discovery: Pick<DiscoveryService, 'getBaseUrl'>;
  /** Defaults to the global fetch. */
  fetchApi?: { fetch: typeof fetch };
}

const PLUGIN_ID = 'genai-playground';

/**
 * The genai-playground HTTP API for backend modules (scaffolder actions, the catalog provider).
 * Pass the token to act with in each call, e.g. from
 * `auth.getPluginRequestToken({ onBehalfOf, targetPluginId: 'genai-playground' })`.
 *
 * Error answers are thrown as the matching `@backstage/errors` class with the server's message
 * (`InputError`, `NotAllowedError`, `NotFoundError`, `ConflictError`, `ServiceUnavailableError`,
 * `AuthenticationError`); anything else as a `ResponseError`.
 * @public
 */
export class GenaiPlaygroundClient implements GenaiPlaygroundApi {
  readonly #discovery: Pick<DiscoveryService, 'getBaseUrl'>;
  readonly #fetch: typeof fetch;

  constructor(options: GenaiPlaygroundClientOptions) {
    this.#discovery = options.discovery;
    this.#fetch = options.fetchApi
      ? options.fetchApi.fetch.bind(options.fetchApi)
      : (...args) => fetch(...args);
  }

  getSettings(options?: RequestOptions): Promise<PlaygroundSettings> {
    return this.#request('GET', '/settings', options);
  }

  createEnvironment(
    request: CreateEnvironmentRequest,
    options?: RequestOptions,
  ): Promise<Environment> {
    return this.#request('POST', '/environments', options, request);
  }

  listEnvironments(
    query?: ListEnvironmentsQuery,
    options?: RequestOptions,
  ): Promise<{ items: Environment[] }> {
    return this.#request(
      'GET',
      `/environments${queryString({
        team: query?.team,
        owner: query?.owner,
        gpuPool: query?.gpuPool,
        includeDeleted:
          query?.includeDeleted === undefined
            ? undefined
            : String(query.includeDeleted),
      })}`,
      options,
    );
  }

  getEnvironment(
    id: string,
    options?: RequestOptions,
  ): Promise<EnvironmentWithDetails> {
    return this.#request('GET', `/environments/${enc(id)}`, options);
  }

  getEnvironmentHistory(
    id: string,
    options?: RequestOptions,
  ): Promise<{ items: EnvironmentEvent[] }> {
    return this.#request('GET', `/environments/${enc(id)}/history`, options);
  }

  extendEnvironment(
    id: string,
    request: ExtendEnvironmentRequest,
    options?: RequestOptions,
  ): Promise<Environment> {
    return this.#request(
      'POST',
      `/environments/${enc(id)}/extend`,
      options,
      request,
    );
  }

  deleteEnvironment(
    id: string,
    options?: RequestOptions,
  ): Promise<Environment> {
    return this.#request('DELETE', `/environments/${enc(id)}`, options);
  }

  getTeamQuotas(
    query?: { team?: string },
    options?: RequestOptions,
  ): Promise<{ items: TeamQuotaUsage[] }> {
    return this.#request(
      'GET',
      `/quota/teams${queryString({ team: query?.team })}`,
      options,
    );
  }

  getPoolUsage(options?: RequestOptions): Promise<{ items: GpuPoolUsage[] }> {
    return this.#request('GET', '/quota/pools', options);
  }

  submitJob(
    request: SubmitJobRequest,
    options?: RequestOptions & { idempotencyKey?: string },
  ): Promise<Job> {
    const headers: Record<string, string> = {};
    if (options?.idempotencyKey) {
      headers['Idempotency-Key'] = options.idempotencyKey;
    }
    return this.#request('POST', '/jobs', options, request, headers);
  }

  listJobs(
    query?: ListJobsQuery,
    options?: RequestOptions,
  ): Promise<{ items: Job[] }> {
    const status = query?.status;
    return this.#request(
      'GET',
      `/jobs${queryString({
        environment: query?.environment,
        team: query?.team,
        owner: query?.owner,
        status: Array.isArray(status) ? status.join(',') : status,
        limit: query?.limit === undefined ? undefined : String(query.limit),
      })}`,
      options,
    );
  }

  getJob(id: string, options?: RequestOptions): Promise<JobWithDetails> {
    return this.#request('GET', `/jobs/${enc(id)}`, options);
  }

  async getJobLogs(
    id: string,
    query?: JobLogsQuery,
    options?: RequestOptions,
  ): Promise<string> {
    const response = await this.#send(
      'GET',
      `/jobs/${enc(id)}/logs${logsQuery(query, false)}`,
      options,
    );
    return response.text();
  }

  async *followJobLogs(
    id: string,
    query?: JobLogsQuery,
    options?: RequestOptions & { signal?: AbortSignal },
  ): AsyncIterable<string> {
    const response = await this.#send(
      'GET',
      `/jobs/${enc(id)}/logs${logsQuery(query, true)}`,
      options,
      undefined,
      {},
      options?.signal,
    );
    if (!response.body) return;
    const decoder = new TextDecoder();
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        const text = decoder.decode(value, { stream: true });
        if (text) yield text;
      }
    } finally {
      reader.releaseLock();
    }
  }

  cancelJob(
    id: string,
    request?: CancelJobRequest,
    options?: RequestOptions,
  ): Promise<Job> {
    return this.#request(
      'POST',
      `/jobs/${enc(id)}/cancel`,
      options,
      request ?? {},
    );
  }

  deployInferenceService(
    environmentId: string,
    request: DeployInferenceServiceRequest,
    options?: RequestOptions,
  ): Promise<InferenceService> {
    return this.#request(
      'POST',
      `/environments/${enc(environmentId)}/inference-services`,
      options,
      request,
    );
  }

  async #request<T>(
    method: string,
    path: string,
    options: RequestOptions | undefined,
    body?: unknown,
    extraHeaders: Record<string, string> = {},
  ): Promise<T> {
    const response = await this.#send(
      method,
      path,
      options,
      body,
      extraHeaders,
    );
    return (await response.json()) as T;
  }

  async #send(
    method: string,
    path: string,
    options: RequestOptions | undefined,
    body?: unknown,
    extraHeaders: Record<string, string> = {},
    signal?: AbortSignal,
  ): Promise<Response> {
    const baseUrl = await this.#discovery.getBaseUrl(PLUGIN_ID);
    const headers: Record<string, string> = { ...extraHeaders };
    if (options?.token) headers.Authorization = `Bearer ${options.token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await this.#fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
    if (!response.ok) {
      throw toKnownError(await ResponseError.fromResponse(response));
    }
    return response;
  }
}

function logsQuery(query: JobLogsQuery | undefined, follow: boolean) {
  return queryString({
    pod: query?.pod,
    container: query?.container,
    tailLines:
      query?.tailLines === undefined ? undefined : String(query.tailLines),
    follow: follow ? 'true' : undefined,
  });
}

function enc(id: string) {
  return encodeURIComponent(id);
}

function queryString(params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined) search.set(key, value);
  }
  const s = search.toString();
  return s ? `?${s}` : '';
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
