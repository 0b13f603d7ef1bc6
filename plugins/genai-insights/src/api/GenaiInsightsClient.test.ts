import { ResponseError } from '@backstage/errors';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  backendError,
  baseUrl,
  activity,
  costOverTime,
  fleet,
  idleList,
  makeClient,
  ML,
  scope,
  serveBackend,
  TOKEN,
} from '../__testUtils__/fixtures';

describe('GenaiInsightsClient', () => {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());

  const client = makeClient();

  it('reads the scope with the user token', async () => {
    const seen = serveBackend(server);
    await expect(client.getScope()).resolves.toEqual(scope);
    expect(seen[0].auth).toBe(`Bearer ${TOKEN}`);
  });

  it('sends the range, teams (comma-separated), interval and stacking', async () => {
    const seen = serveBackend(server);
    await expect(
      client.getCostOverTime({
        from: '2026-11-01T00:00:00.000Z',
        to: '2026-12-01T00:00:00.000Z',
        teams: [ML, 'group:default/genai-apps'],
        interval: 'week',
        stackBy: 'pool',
      }),
    ).resolves.toMatchObject({ points: costOverTime.points });
    const { url } = seen[0];
    expect(url.pathname).toBe('/api/genai-insights/cost');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-12-01T00:00:00.000Z',
      teams: `${ML},group:default/genai-apps`,
      interval: 'week',
      stackBy: 'pool',
    });
  });

  it('leaves out what is not set, so the backend applies its defaults', async () => {
    const seen = serveBackend(server);
    await client.getCostComparison({ from: 'a', to: 'b', teams: [] });
    await client.getTopCosts({ from: 'a', to: 'b', by: 'model', limit: 5 });
    await client.getIdleCost({ from: 'a', to: 'b' });
    await client.getBudgets();
    expect(seen.map(s => `${s.url.pathname}${s.url.search}`)).toEqual([
      '/api/genai-insights/cost/compare?from=a&to=b',
      '/api/genai-insights/cost/top?from=a&to=b&by=model&limit=5',
      '/api/genai-insights/cost/idle?from=a&to=b',
      '/api/genai-insights/budgets',
    ]);
  });

  it('reads the savings with the range, teams and limit', async () => {
    const seen: URL[] = [];
    server.use(
      http.get(`${baseUrl}/cost/savings`, ({ request }) => {
        seen.push(new URL(request.url));
        return HttpResponse.json({ currency: 'USD', items: [] });
      }),
    );
    await expect(
      client.getSavings({ from: 'a', to: 'b', teams: [ML], limit: 20 }),
    ).resolves.toEqual({ currency: 'USD', items: [] });
    await client.getSavings({ from: 'a', to: 'b' });
    expect(seen.map(u => `${u.pathname}${u.search}`)).toEqual([
      `/api/genai-insights/cost/savings?from=a&to=b&teams=${encodeURIComponent(
        ML,
      )}&limit=20`,
      '/api/genai-insights/cost/savings?from=a&to=b',
    ]);
  });

  it('puts a budget, and removes one with null', async () => {
    const seen = serveBackend(server);
    await client.setBudget({ scope: 'team', subject: ML, monthlyAmount: 5000 });
    await client.setBudget({ scope: 'team', subject: ML, monthlyAmount: null });
    expect(seen.map(s => [s.method, s.body])).toEqual([
      ['PUT', { scope: 'team', subject: ML, monthlyAmount: 5000 }],
      ['PUT', { scope: 'team', subject: ML, monthlyAmount: null }],
    ]);
  });

  it('downloads an export with the token, and the name the backend gave it', async () => {
    const seen = serveBackend(server);
    const file = await client.downloadExport('focus', {
      from: '2026-11-01',
      to: '2026-12-01',
      teams: [ML],
    });
    expect(file.filename).toBe('genai-focus-test.csv');
    expect(await file.blob.text()).toBe('hour,cost\n');
    expect(seen[0].url.pathname).toBe('/api/genai-insights/export/focus');
    expect(seen[0].url.searchParams.get('teams')).toBe(ML);
    expect(seen[0].auth).toBe(`Bearer ${TOKEN}`);
  });

  it('reads the GPU fleet, usage, breakdown, idle list and activity', async () => {
    const seen = serveBackend(server);
    await expect(
      client.getGpuFleet({ teams: [ML], pools: ['mi355x', 'mi300x'] }),
    ).resolves.toEqual(fleet);
    await expect(client.getGpuIdle({ teams: [ML] })).resolves.toEqual(idleList);
    await client.getGpuUsage({ from: 'a', to: 'b', pools: ['mi355x'] });
    await expect(
      client.getGpuBreakdown({ from: 'a', to: 'b', by: 'model', teams: [ML] }),
    ).resolves.toMatchObject({ by: 'model' });
    await expect(
      client.getGpuActivity({ from: 'a', to: 'b', environment: 'env-1' }),
    ).resolves.toEqual(activity);
    await client.getGpuActivity({ from: 'a', to: 'b', job: 'job-7' });
    await client.getGpuActivity({ from: 'a', to: 'b', teams: [ML] });
    const team = encodeURIComponent(ML);
    expect(seen.map(s => `${s.url.pathname}${s.url.search}`)).toEqual([
      `/api/genai-insights/gpu/fleet?teams=${team}&pools=mi355x%2Cmi300x`,
      `/api/genai-insights/gpu/idle?teams=${team}`,
      '/api/genai-insights/gpu/usage?from=a&to=b&pools=mi355x',
      `/api/genai-insights/gpu/breakdown?from=a&to=b&by=model&teams=${team}`,
      '/api/genai-insights/gpu/activity?from=a&to=b&environment=env-1',
      '/api/genai-insights/gpu/activity?from=a&to=b&job=job-7',
      `/api/genai-insights/gpu/activity?from=a&to=b&teams=${team}`,
    ]);
    expect(seen.every(s => s.auth === `Bearer ${TOKEN}`)).toBe(true);
  });

  it('leaves out GPU parameters that are not set', async () => {
    const seen = serveBackend(server);
    await client.getGpuFleet();
    await client.getGpuIdle();
    await client.getGpuBreakdown({ from: 'a', to: 'b' });
    expect(seen.map(s => `${s.url.pathname}${s.url.search}`)).toEqual([
      '/api/genai-insights/gpu/fleet',
      '/api/genai-insights/gpu/idle',
      '/api/genai-insights/gpu/breakdown?from=a&to=b',
    ]);
  });

  it('rejects a GPU query with the field the backend names', async () => {
    serveBackend(server, {
      'GET /gpu/usage': () =>
        backendError(
          400,
          'InputError',
          'Invalid query: to: must be at most 31 days after from',
        ),
    });
    const error = await client
      .getGpuUsage({ from: 'a', to: 'b' })
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(400);
    expect(error.cause.message).toMatch(/to: must be at most 31 days/);
  });

  it("rejects with a ResponseError carrying the backend's message", async () => {
    serveBackend(server, {
      'GET /cost/compare': () =>
        backendError(
          403,
          'NotAllowedError',
          'Not allowed: genai-insights.cost.read',
        ),
    });
    const error = await client
      .getCostComparison({ from: 'a', to: 'b', teams: [ML] })
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(403);
    expect(error.cause).toMatchObject({
      name: 'NotAllowedError',
      message: 'Not allowed: genai-insights.cost.read',
    });
  });
});
