import { ResponseError } from '@backstage/errors';
import type {
  CreateEnvironmentRequest,
  Environment,
  EnvironmentEvent,
  ExtendEnvironmentRequest,
} from './environment';
import type { GpuPoolUsage, TeamQuotaUsage } from './quota';
import type {
  CancelJobRequest,
  Job,
  JobLogsQuery,
  JobWithDetails,
  ListJobsQuery,
  SubmitJobRequest,
} from './jobs';
import type {
  ApiKey,
  ApiKeyWithUsage,
  CreateApiKeyRequest,
  CreatedApiKey,
  DeployInferenceServiceRequest,
  InferenceService,
} from './inference';
import type { PlaygroundSettings } from './settings';
import type {
  EnvironmentWithDetails,
  GenaiPlaygroundApi,
  ListEnvironmentsQuery,
  RequestOptions,
} from './api';

/** @public */
export interface GenaiPlaygroundClientOptions {
  /** Where the plugin lives: the frontend's `discoveryApi` or a backend's `coreServices.discovery`. */
  discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
  /** The frontend's `fetchApi`, which adds the signed-in user's token. Defaults to the global fetch. */
  fetchApi?: { fetch: typeof fetch };
  /**
   * Turns a non-2xx answer into the error to throw. Defaults to `ResponseError.fromResponse`, which
   * keeps the backend's error name, message and status code for the UI.
   */
  toError?: (response: Response) => Promise<Error>;
}

/** The backend plugin's id, as discovery knows it. */
const PLUGIN_ID = 'genai-playground';

type QueryValue = string | number | boolean | undefined;

/**
 * The {@link GenaiPlaygroundApi} as JSON over HTTP to the backend plugin, for the browser and for
 * backend modules alike. Backend callers pass the token to act with in each call's options.
 *
 * @public
 */
export class GenaiPlaygroundClient implements GenaiPlaygroundApi {
  private readonly discoveryApi: GenaiPlaygroundClientOptions['discoveryApi'];
  private readonly fetchApi: { fetch: typeof fetch };
  private readonly toError: (response: Response) => Promise<Error>;

  constructor(options: GenaiPlaygroundClientOptions) {
    this.discoveryApi = options.discoveryApi;
    // Looked up at call time, so that a fetch patched later (tests, polyfills) is the one used.
    this.fetchApi = options.fetchApi ?? { fetch: (...args) => fetch(...args) };
    this.toError = options.toError ?? ResponseError.fromResponse;
  }

  async getSettings(options?: RequestOptions): Promise<PlaygroundSettings> {
    return this.request('GET', '/settings', { options });
  }

  async createEnvironment(
    request: CreateEnvironmentRequest,
    options?: RequestOptions,
  ): Promise<Environment> {
    return this.request('POST', '/environments', { body: request, options });
  }

  async listEnvironments(
    query: ListEnvironmentsQuery = {},
    options?: RequestOptions,
  ): Promise<{ items: Environment[] }> {
    return this.request('GET', '/environments', {
      query: {
        team: query.team,
        owner: query.owner,
        gpuPool: query.gpuPool,
        includeDeleted: query.includeDeleted,
      },
      options,
    });
  }

  async getEnvironment(
    id: string,
    options?: RequestOptions,
  ): Promise<EnvironmentWithDetails> {
    return this.request('GET', `/environments/${encodeURIComponent(id)}`, {
      options,
    });
  }

  async getEnvironmentHistory(
    id: string,
    options?: RequestOptions,
  ): Promise<{ items: EnvironmentEvent[] }> {
    return this.request(
      'GET',
      `/environments/${encodeURIComponent(id)}/history`,
      { options },
    );
  }

  async extendEnvironment(
    id: string,
    request: ExtendEnvironmentRequest,
    options?: RequestOptions,
  ): Promise<Environment> {
    return this.request(
      'POST',
      `/environments/${encodeURIComponent(id)}/extend`,
      { body: request, options },
    );
  }

  async deleteEnvironment(
    id: string,
    options?: RequestOptions,
  ): Promise<Environment> {
    return this.request('DELETE', `/environments/${encodeURIComponent(id)}`, {
      options,
    });
  }

  async getTeamQuotas(
    query: { team?: string } = {},
    options?: RequestOptions,
  ): Promise<{ items: TeamQuotaUsage[] }> {
    return this.request('GET', '/quota/teams', {
      query: { team: query.team },
      options,
    });
  }

  async getPoolUsage(
    options?: RequestOptions,
  ): Promise<{ items: GpuPoolUsage[] }> {
    return this.request('GET', '/quota/pools', { options });
  }

  async submitJob(
    request: SubmitJobRequest,
    options?: RequestOptions & { idempotencyKey?: string },
  ): Promise<Job> {
    return this.request('POST', '/jobs', {
      body: request,
      options,
      headers: options?.idempotencyKey
        ? { 'Idempotency-Key': options.idempotencyKey }
        : undefined,
    });
  }

  async listJobs(
    query: ListJobsQuery = {},
    options?: RequestOptions,
  ): Promise<{ items: Job[] }> {
    const { status } = query;
    return this.request('GET', '/jobs', {
      query: {
        environment: query.environment,
        team: query.team,
        owner: query.owner,
        status: Array.isArray(status) ? status.join(',') : status,
        limit: query.limit,
      },
      options,
    });
  }

  async getJob(id: string, options?: RequestOptions): Promise<JobWithDetails> {
    return this.request('GET', `/jobs/${encodeURIComponent(id)}`, {
      options,
    });
  }

  async getJobLogs(
    id: string,
    query: JobLogsQuery = {},
    options?: RequestOptions,
  ): Promise<string> {
    const response = await this.send(
      'GET',
      `/jobs/${encodeURIComponent(id)}/logs`,
      { query: logsQuery(query), options, accept: 'text/plain' },
    );
    return response.text();
  }

  async *followJobLogs(
    id: string,
    query: JobLogsQuery = {},
    options?: RequestOptions & { signal?: AbortSignal },
  ): AsyncIterable<string> {
    const response = await this.send(
      'GET',
      `/jobs/${encodeURIComponent(id)}/logs`,
      {
        query: { ...logsQuery(query), follow: true },
        options,
        accept: 'text/plain',
        signal: options?.signal,
      },
    );
    if (!response.body) {
      // No streaming body (old browsers, some test fetches): the whole text at once.
      const text = await response.text();
      if (text) {
        yield text;
      }
      return;
    }
    const decoder = new TextDecoder();
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) {
          break;
        }
        const text = decoder.decode(value, { stream: true });
        if (text) {
          yield text;
        }
      }
    } finally {
      reader.releaseLock();
    }
  }

  async cancelJob(
    id: string,
    request: CancelJobRequest = {},
    options?: RequestOptions,
  ): Promise<Job> {
    return this.request('POST', `/jobs/${encodeURIComponent(id)}/cancel`, {
      body: request,
      options,
    });
  }

  async createApiKey(
    environmentId: string,
    request: CreateApiKeyRequest,
    options?: RequestOptions,
  ): Promise<CreatedApiKey> {
    return this.request(
      'POST',
      `/environments/${encodeURIComponent(environmentId)}/keys`,
      { body: request, options },
    );
  }

  async listApiKeys(
    environmentId: string,
    options?: RequestOptions,
  ): Promise<{ items: ApiKeyWithUsage[] }> {
    return this.request(
      'GET',
      `/environments/${encodeURIComponent(environmentId)}/keys`,
      { options },
    );
  }

  async revokeApiKey(
    environmentId: string,
    keyId: string,
    options?: RequestOptions,
  ): Promise<ApiKey> {
    return this.request(
      'DELETE',
      `/environments/${encodeURIComponent(
        environmentId,
      )}/keys/${encodeURIComponent(keyId)}`,
      { options },
    );
  }

  async deployInferenceService(
    environmentId: string,
    request: DeployInferenceServiceRequest,
    options?: RequestOptions,
  ): Promise<InferenceService> {
    return this.request(
      'POST',
      `/environments/${encodeURIComponent(environmentId)}/inference-services`,
      { body: request, options },
    );
  }

  private async request<T>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    init: {
      query?: Record<string, QueryValue>;
      body?: unknown;
      options?: RequestOptions;
      headers?: Record<string, string>;
    } = {},
  ): Promise<T> {
    const response = await this.send(method, path, init);
    return (await response.json()) as T;
  }

  private async send(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    init: {
      query?: Record<string, QueryValue>;
      body?: unknown;
      options?: RequestOptions;
      headers?: Record<string, string>;
      accept?: string;
      signal?: AbortSignal;
    } = {},
  ): Promise<Response> {
    const baseUrl = await this.discoveryApi.getBaseUrl(PLUGIN_ID);
    const headers: Record<string, string> = {
      Accept: init.accept ?? 'application/json',
      ...init.headers,
    };
    if (init.body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    // A backend caller acting for a user passes that user's token; in the browser fetchApi adds it.
    if (init.options?.token) {
      headers.Authorization = `Bearer ${init.options.token}`;
    }
    const response = await this.fetchApi.fetch(
      `${baseUrl}${path}${toQueryString(init.query)}`,
      {
        method,
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: init.signal,
      },
    );
    if (!response.ok) {
      throw await this.toError(response);
    }
    return response;
  }
}

/** Only the known parameters: a caller's extra fields must not reach the URL. */
function logsQuery(query: JobLogsQuery): Record<string, QueryValue> {
  return {
    pod: query.pod,
    container: query.container,
    tailLines: query.tailLines,
  };
}

/** Leaves out parameters that are not set, so that the backend applies its defaults. */
function toQueryString(query?: Record<string, QueryValue>): string {
  if (!query) {
    return '';
  }
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') {
      params.append(key, String(value));
    }
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}
