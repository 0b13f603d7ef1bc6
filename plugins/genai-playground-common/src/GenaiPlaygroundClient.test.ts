import { ResponseError } from '@backstage/errors';
import type { Environment } from './environment';
import type { PlaygroundSettings } from './settings';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { GenaiPlaygroundClient } from './GenaiPlaygroundClient';

const baseUrl = 'http://backstage.test/api/genai-playground';

const environment: Environment = {
  id: 'ml-research-llama',
  name: 'llama',
  team: 'group:default/ml-research',
  owner: 'user:default/guest',
  cluster: 'kube-sim',
  namespace: 'ml-research-llama',
  gpuPool: 'mi300x',
  quota: {
    gpus: 8,
    cpu: 16,
    memoryGi: 128,
    storageGi: 100,
    pods: 20,
    persistentVolumeClaims: 5,
  },
  costCenter: 'CC-2100',
  currency: 'USD',
  dataClassification: 'internal',
  securityLevel: 'medium',
  status: 'ready',
  createdAt: '2025-01-01T00:00:00Z',
  updatedAt: '2025-01-01T00:00:00Z',
  expiresAt: '2025-01-04T00:00:00Z',
};

describe('GenaiPlaygroundClient', () => {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());

  const client = new GenaiPlaygroundClient({
    discoveryApi: { getBaseUrl: async () => baseUrl },
  });

  /** Records the requests the server received, for assertions on method, URL and body. */
  function record() {
    const seen: {
      method: string;
      url: URL;
      body?: unknown;
      auth?: string;
      accept?: string;
      contentType?: string;
    }[] = [];
    server.events.on('request:start', async ({ request }) => {
      const text = await request.clone().text();
      seen.push({
        method: request.method,
        url: new URL(request.url),
        body: text ? JSON.parse(text) : undefined,
        auth: request.headers.get('authorization') ?? undefined,
        accept: request.headers.get('accept') ?? undefined,
        contentType: request.headers.get('content-type') ?? undefined,
      });
    });
    return seen;
  }

  afterEach(() => server.events.removeAllListeners());

  it('reads the settings', async () => {
    const settings = { lease: { defaultTtlHours: 72, maxTtlHours: 336 } };
    server.use(
      http.get(`${baseUrl}/settings`, () => HttpResponse.json(settings)),
    );
    await expect(client.getSettings()).resolves.toEqual(
      settings as unknown as PlaygroundSettings,
    );
  });

  it('lists environments with only the query parameters that are set', async () => {
    const seen = record();
    server.use(
      http.get(`${baseUrl}/environments`, () =>
        HttpResponse.json({ items: [environment] }),
      ),
    );

    await expect(
      client.listEnvironments({
        team: 'group:default/ml-research',
        includeDeleted: true,
      }),
    ).resolves.toEqual({ items: [environment] });
    await client.listEnvironments();

    expect(seen[0].url.searchParams.get('team')).toBe(
      'group:default/ml-research',
    );
    expect(seen[0].url.searchParams.get('includeDeleted')).toBe('true');
    expect(seen[0].url.searchParams.has('owner')).toBe(false);
    expect(seen[0].url.searchParams.has('gpuPool')).toBe(false);
    expect(seen[1].url.search).toBe('');
  });

  it('reads one environment, its history, and encodes the id', async () => {
    const seen = record();
    server.use(
      http.get(`${baseUrl}/environments/:id`, ({ params }) =>
        HttpResponse.json({ ...environment, id: params.id, pods: [] }),
      ),
      http.get(`${baseUrl}/environments/:id/history`, () =>
        HttpResponse.json({ items: [] }),
      ),
    );

    const details = await client.getEnvironment('ml-research-llama');
    expect(details).toMatchObject({ id: 'ml-research-llama', pods: [] });
    await expect(
      client.getEnvironmentHistory('ml-research-llama'),
    ).resolves.toEqual({ items: [] });
    await client.getEnvironment('a/b');

    expect(seen.map(r => r.url.pathname)).toEqual([
      '/api/genai-playground/environments/ml-research-llama',
      '/api/genai-playground/environments/ml-research-llama/history',
      '/api/genai-playground/environments/a%2Fb',
    ]);
  });

  it('creates an environment with a JSON body', async () => {
    const seen = record();
    server.use(
      http.post(`${baseUrl}/environments`, () =>
        HttpResponse.json(environment, { status: 201 }),
      ),
    );
    const request = {
      name: 'llama',
      team: 'ml-research',
      gpuPool: 'mi300x' as const,
      gpus: 8,
      cpu: 16,
      memoryGi: 128,
      ttlHours: 72,
      costCenter: 'CC-2100',
      dataClassification: 'internal' as const,
      securityLevel: 'medium' as const,
    };
    await expect(client.createEnvironment(request)).resolves.toEqual(
      environment,
    );
    expect(seen[0]).toMatchObject({ method: 'POST', body: request });
  });

  it('extends and deletes', async () => {
    const seen = record();
    server.use(
      http.post(`${baseUrl}/environments/:id/extend`, () =>
        HttpResponse.json(environment),
      ),
      http.delete(`${baseUrl}/environments/:id`, () =>
        HttpResponse.json({ ...environment, status: 'deleted' }),
      ),
    );
    await client.extendEnvironment('ml-research-llama', { ttlHours: 24 });
    const deleted = await client.deleteEnvironment('ml-research-llama');

    expect(deleted.status).toBe('deleted');
    expect(seen[0]).toMatchObject({
      method: 'POST',
      body: { ttlHours: 24 },
    });
    expect(seen[0].url.pathname).toBe(
      '/api/genai-playground/environments/ml-research-llama/extend',
    );
    expect(seen[1]).toMatchObject({ method: 'DELETE', body: undefined });
  });

  it('reads team quotas and pool usage', async () => {
    const seen = record();
    server.use(
      http.get(`${baseUrl}/quota/teams`, () =>
        HttpResponse.json({ items: [] }),
      ),
      http.get(`${baseUrl}/quota/pools`, () =>
        HttpResponse.json({ items: [] }),
      ),
    );
    await client.getTeamQuotas({ team: 'group:default/ml-research' });
    await client.getTeamQuotas();
    await client.getPoolUsage();

    expect(seen.map(r => `${r.url.pathname}${r.url.search}`)).toEqual([
      '/api/genai-playground/quota/teams?team=group%3Adefault%2Fml-research',
      '/api/genai-playground/quota/teams',
      '/api/genai-playground/quota/pools',
    ]);
  });

  it('sends the token a backend caller passes', async () => {
    const seen = record();
    server.use(
      http.get(`${baseUrl}/quota/pools`, () =>
        HttpResponse.json({ items: [] }),
      ),
    );
    await client.getPoolUsage({ token: 'user-token' });
    await client.getPoolUsage();
    expect(seen.map(r => r.auth)).toEqual(['Bearer user-token', undefined]);
    expect(seen[1]).toMatchObject({
      accept: 'application/json',
      contentType: undefined,
    });
  });

  it('deploys an inference service into an environment', async () => {
    const seen = record();
    server.use(
      http.post(`${baseUrl}/environments/:id/inference-services`, () =>
        HttpResponse.json({ name: 'llama-8b', objects: [] }, { status: 201 }),
      ),
    );
    const request = {
      name: 'llama-8b',
      model: 'meta-llama/Llama-3.1-8B-Instruct',
    };
    await expect(
      client.deployInferenceService('ml-research-serving', request, {
        token: 'tok',
      }),
    ).resolves.toEqual({ name: 'llama-8b', objects: [] });
    expect(seen).toEqual([
      {
        method: 'POST',
        url: new URL(
          `${baseUrl}/environments/ml-research-serving/inference-services`,
        ),
        body: request,
        auth: 'Bearer tok',
        accept: 'application/json',
        contentType: 'application/json',
      },
    ]);
  });

  it('uses the given fetchApi and throws what toError makes of an error answer', async () => {
    const fetchMock = jest.fn(
      async (_url: string, _init?: RequestInit) =>
        new Response('{}', { status: 418 }),
    );
    const custom = new GenaiPlaygroundClient({
      discoveryApi: { getBaseUrl: async () => baseUrl },
      fetchApi: { fetch: fetchMock as unknown as typeof fetch },
      toError: async response => new Error(`status ${response.status}`),
    });
    await expect(custom.listEnvironments({ owner: '' })).rejects.toThrow(
      'status 418',
    );
    // Empty query values are left out, like undefined ones.
    expect(fetchMock).toHaveBeenCalledWith(
      `${baseUrl}/environments`,
      expect.objectContaining({ method: 'GET' }),
    );
  });

  it.each([
    [400, 'InputError', 'ttlHours: must be at most 336'],
    [403, 'NotAllowedError', 'not a member of group:default/ml-research'],
    [404, 'NotFoundError', 'no environment ml-research-nope'],
    [409, 'ConflictError', 'environment is being deleted'],
    [503, 'ServiceUnavailableError', 'cluster unreachable'],
  ])(
    'throws a ResponseError for %i with the backend error',
    async (status, name, message) => {
      server.use(
        http.post(`${baseUrl}/environments/:id/extend`, () =>
          HttpResponse.json(
            {
              error: { name, message },
              request: { method: 'POST', url: '/environments/x/extend' },
              response: { statusCode: status },
            },
            { status },
          ),
        ),
      );

      const error = await client
        .extendEnvironment('x', { ttlHours: 999 })
        .catch(e => e);
      expect(error).toBeInstanceOf(ResponseError);
      expect(error.statusCode).toBe(status);
      expect(error.body.error).toEqual({ name, message });
      // The backend's error survives as the cause, for the UI to show.
      expect(error.cause).toMatchObject({ name, message });
    },
  );

  it('throws a ResponseError when the error body is not JSON', async () => {
    server.use(
      http.get(
        `${baseUrl}/settings`,
        () => new HttpResponse('Bad gateway', { status: 502 }),
      ),
    );
    const error = await client.getSettings().catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(502);
  });
});
