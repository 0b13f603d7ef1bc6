import { ResponseError } from '@backstage/errors';
import type { GenaiPlaygroundApi, RequestOptions } from './api';
import type { UsageQuery, UsageReport } from './inference';
import type { JobLogsQuery } from './jobs';

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
 * A method's parameters and answer, as GenaiPlaygroundApi declares them: the interface is the one
 * place the client's types are written (and a test checks them against the OpenAPI document).
 */
type Args<M extends keyof GenaiPlaygroundApi> = Parameters<
  GenaiPlaygroundApi[M]
>;
type Answer<M extends keyof GenaiPlaygroundApi> = ReturnType<
  GenaiPlaygroundApi[M]
>;

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

  async getSettings(...[options]: Args<'getSettings'>): Answer<'getSettings'> {
    return this.request('GET', '/settings', { options });
  }

  async createEnvironment(
    ...[request, options]: Args<'createEnvironment'>
  ): Answer<'createEnvironment'> {
    return this.request('POST', '/environments', { body: request, options });
  }

  async listEnvironments(
    ...[query = {}, options]: Args<'listEnvironments'>
  ): Answer<'listEnvironments'> {
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
    ...[id, options]: Args<'getEnvironment'>
  ): Answer<'getEnvironment'> {
    return this.request('GET', `/environments/${encodeURIComponent(id)}`, {
      options,
    });
  }

  async getEnvironmentHistory(
    ...[id, options]: Args<'getEnvironmentHistory'>
  ): Answer<'getEnvironmentHistory'> {
    return this.request(
      'GET',
      `/environments/${encodeURIComponent(id)}/history`,
      { options },
    );
  }

  async extendEnvironment(
    ...[id, request, options]: Args<'extendEnvironment'>
  ): Answer<'extendEnvironment'> {
    return this.request(
      'POST',
      `/environments/${encodeURIComponent(id)}/extend`,
      { body: request, options },
    );
  }

  async deleteEnvironment(
    ...[id, options]: Args<'deleteEnvironment'>
  ): Answer<'deleteEnvironment'> {
    return this.request('DELETE', `/environments/${encodeURIComponent(id)}`, {
      options,
    });
  }

  async getTeamQuotas(
    ...[query = {}, options]: Args<'getTeamQuotas'>
  ): Answer<'getTeamQuotas'> {
    return this.request('GET', '/quota/teams', {
      query: { team: query.team },
      options,
    });
  }

  async getPoolUsage(
    ...[options]: Args<'getPoolUsage'>
  ): Answer<'getPoolUsage'> {
    return this.request('GET', '/quota/pools', { options });
  }

  async submitJob(
    ...[request, options]: Args<'submitJob'>
  ): Answer<'submitJob'> {
    return this.request('POST', '/jobs', {
      body: request,
      options,
      headers: options?.idempotencyKey
        ? { 'Idempotency-Key': options.idempotencyKey }
        : undefined,
    });
  }

  async listJobs(
    ...[query = {}, options]: Args<'listJobs'>
  ): Answer<'listJobs'> {
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

  async getJob(...[id, options]: Args<'getJob'>): Answer<'getJob'> {
    return this.request('GET', `/jobs/${encodeURIComponent(id)}`, {
      options,
    });
  }

  async getJobLogs(
    ...[id, query = {}, options]: Args<'getJobLogs'>
  ): Answer<'getJobLogs'> {
    const response = await this.send(
      'GET',
      `/jobs/${encodeURIComponent(id)}/logs`,
      { query: logsQuery(query), options, accept: 'text/plain' },
    );
    return response.text();
  }

  async *followJobLogs(
    ...[id, query = {}, options]: Args<'followJobLogs'>
  ): Answer<'followJobLogs'> {
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
    ...[id, request = {}, options]: Args<'cancelJob'>
  ): Answer<'cancelJob'> {
    return this.request('POST', `/jobs/${encodeURIComponent(id)}/cancel`, {
      body: request,
      options,
    });
  }

  async createApiKey(
    ...[environmentId, request, options]: Args<'createApiKey'>
  ): Answer<'createApiKey'> {
    return this.request(
      'POST',
      `/environments/${encodeURIComponent(environmentId)}/keys`,
      { body: request, options },
    );
  }

  async listApiKeys(
    ...[environmentId, options]: Args<'listApiKeys'>
  ): Answer<'listApiKeys'> {
    return this.request(
      'GET',
      `/environments/${encodeURIComponent(environmentId)}/keys`,
      { options },
    );
  }

  async revokeApiKey(
    ...[environmentId, keyId, options]: Args<'revokeApiKey'>
  ): Answer<'revokeApiKey'> {
    return this.request(
      'DELETE',
      `/environments/${encodeURIComponent(
        environmentId,
      )}/keys/${encodeURIComponent(keyId)}`,
      { options },
    );
  }

  async deployInferenceService(
    ...[environmentId, request, options]: Args<'deployInferenceService'>
  ): Answer<'deployInferenceService'> {
    return this.request(
      'POST',
      `/environments/${encodeURIComponent(environmentId)}/inference-services`,
      { body: request, options },
    );
  }

  async getUsage(
    query: UsageQuery = {},
    options?: RequestOptions,
  ): Promise<UsageReport> {
    return this.request('GET', '/usage', {
      query: {
        groupBy: query.groupBy,
        from: query.from,
        to: query.to,
        team: query.team,
        environment: query.environment,
        model: query.model,
      },
      options,
    });
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
