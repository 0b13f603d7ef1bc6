import { ResponseError } from '@backstage/errors';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  backendError,
  baseUrl,
  costOverTime,
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
