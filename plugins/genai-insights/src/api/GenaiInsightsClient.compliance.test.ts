import { ResponseError } from '@backstage/errors';
import { HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { backendError, makeClient, ML, TOKEN } from '../__testUtils__/fixtures';
import {
  environmentCompliance,
  history,
  LLAMA,
  mistralWaiver,
  NEW_WAIVER_ID,
  scorecards,
  serveCompliance,
  WAIVER_ID,
} from '../__testUtils__/compliance';

describe('GenaiInsightsClient (compliance)', () => {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());

  const client = makeClient();

  it('reads the scorecards, for teams or for all, with the user token', async () => {
    const seen = serveCompliance(server);
    await expect(client.getComplianceScorecards()).resolves.toEqual(
      scorecards(),
    );
    await client.getComplianceScorecards({ teams: [ML, 'genai-apps'] });
    expect(seen.map(s => `${s.url.pathname}${s.url.search}`)).toEqual([
      '/api/genai-insights/compliance/scorecards',
      `/api/genai-insights/compliance/scorecards?teams=${encodeURIComponent(
        `${ML},genai-apps`,
      )}`,
    ]);
    expect(seen[0].auth).toBe(`Bearer ${TOKEN}`);
  });

  it("reads one environment's checks", async () => {
    const seen = serveCompliance(server);
    await expect(client.getEnvironmentCompliance(LLAMA)).resolves.toEqual(
      environmentCompliance(LLAMA),
    );
    expect(seen[0].url.pathname).toBe(
      `/api/genai-insights/compliance/environments/${LLAMA}`,
    );
  });

  it('reads the history with only the parameters given', async () => {
    const seen = serveCompliance(server);
    await expect(client.getComplianceHistory()).resolves.toEqual(history);
    await client.getComplianceHistory({
      teams: [ML],
      environment: LLAMA,
      from: '2026-11-01',
      to: '2026-12-01',
    });
    expect(seen.map(s => Object.fromEntries(s.url.searchParams))).toEqual([
      {},
      { teams: ML, environment: LLAMA, from: '2026-11-01', to: '2026-12-01' },
    ]);
  });

  it('lists, grants and revokes waivers', async () => {
    const seen = serveCompliance(server);
    await expect(
      client.getComplianceWaivers({ teams: [ML], state: 'all' }),
    ).resolves.toEqual({ items: [mistralWaiver] });
    const request = {
      checkId: 'pod-security-restricted',
      environment: LLAMA,
      justification: 'Root is needed until the driver update',
      expiresAt: '2027-01-04T00:00:00.000Z',
    };
    await expect(client.createComplianceWaiver(request)).resolves.toMatchObject(
      { id: NEW_WAIVER_ID, state: 'active', ...request },
    );
    await expect(
      client.revokeComplianceWaiver(WAIVER_ID),
    ).resolves.toBeUndefined();
    expect(
      seen.map(s => `${s.method} ${s.url.pathname}${s.url.search}`),
    ).toEqual([
      `GET /api/genai-insights/compliance/waivers?teams=${encodeURIComponent(
        ML,
      )}&state=all`,
      'POST /api/genai-insights/compliance/waivers',
      `DELETE /api/genai-insights/compliance/waivers/${WAIVER_ID}`,
    ]);
    expect(seen[1].body).toEqual(request);
    expect(seen[2].auth).toBe(`Bearer ${TOKEN}`);
  });

  it('takes a revoke answered 200 with the waiver', async () => {
    serveCompliance(server, {
      'DELETE /compliance/waivers': () =>
        HttpResponse.json({ ...mistralWaiver, state: 'revoked' }),
    });
    await expect(
      client.revokeComplianceWaiver(WAIVER_ID),
    ).resolves.toBeUndefined();
  });

  it("rejects with the backend's message and status", async () => {
    serveCompliance(server, {
      'POST /compliance/waivers': () =>
        backendError(
          409,
          'ConflictError',
          'An active waiver already covers pod-security-restricted in ml-research-llama',
        ),
      'GET /compliance/scorecards': () =>
        backendError(403, 'NotAllowedError', 'Not allowed'),
    });
    const error = await client
      .createComplianceWaiver({
        checkId: 'pod-security-restricted',
        environment: LLAMA,
        justification: 'Root is needed for now',
        expiresAt: '2027-01-04',
      })
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(409);
    expect(error.body.error.message).toMatch(/already covers/);
    await expect(client.getComplianceScorecards()).rejects.toMatchObject({
      statusCode: 403,
    });
  });
});
