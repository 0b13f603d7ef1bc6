import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  CreateEnvironmentRequest,
  Environment,
  EnvironmentEvent,
  EnvironmentWithDetails,
  ExtendEnvironmentRequest,
  GenaiPlaygroundApi,
  GpuPoolUsage,
  ListEnvironmentsQuery,
  PlaygroundSettings,
  RequestOptions,
  TeamQuotaUsage,
} from '@genai-portal/plugin-genai-playground-common';

/** The backend plugin's id, as `discoveryApi` knows it. */
const PLUGIN_ID = 'genai-playground';

type QueryValue = string | number | boolean | undefined;

/**
 * The default {@link GenaiPlaygroundApi}: JSON over HTTP to the backend plugin, with the signed-in
 * user's token added by `fetchApi`. Non-2xx answers are thrown as `ResponseError`, which keeps the
 * backend's error name, message and status code for the UI.
 *
 * @public
 */
export class GenaiPlaygroundClient implements GenaiPlaygroundApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
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

  private async request<T>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    init: {
      query?: Record<string, QueryValue>;
      body?: unknown;
      options?: RequestOptions;
    } = {},
  ): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl(PLUGIN_ID);
    const headers: Record<string, string> = { Accept: 'application/json' };
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
      },
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}

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
