import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import type { Knex } from 'knex';
import { databases, type DatabaseId } from './__testUtils__/database';
import {
  event,
  job,
  ML,
  RATE_CONFIG,
  testConfig,
  tokens,
} from './__testUtils__/fixtures';
import { DatabaseFactStore } from './facts/DatabaseFactStore';
import { DatabaseLedgerStore } from './ledger/DatabaseLedgerStore';
import { LedgerService } from './ledger/LedgerService';
import { genaiInsightsPlugin } from './plugin';

jest.setTimeout(120_000);

const API = '/api/genai-insights';
const RANGE = 'from=2026-11-10&to=2026-11-12';

/** The plugin in a backend on a fresh database, with a day of one environment in its ledger. */
async function start(
  databaseId: DatabaseId,
  options?: { denyBudgets?: boolean },
) {
  const knex = await databases.init(databaseId);
  const features: any[] = [
    genaiInsightsPlugin,
    mockServices.rootConfig.factory({ data: { genaiInsights: RATE_CONFIG } }),
    mockServices.database.factory({ knex }),
  ];
  if (options?.denyBudgets) {
    // A policy that denies budget.manage (on every team) and allows the rest.
    const decide = (requests: Array<{ permission: { name: string } }>) =>
      requests.map(r => ({
        result:
          r.permission.name === 'genai-insights.budget.manage'
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
      })) as any;
    features.push(
      mockServices.permissions.mock({
        authorize: async requests => decide(requests),
        authorizeConditional: async requests => decide(requests),
      }).factory,
    );
  }
  const { server } = await startTestBackend({ features });
  // The plugin migrated the database; fill the ledger through the same stores it uses.
  const stores = await makeStoresOn(knex);
  await stores.facts.add({
    environmentEvents: [
      event({
        id: 'e',
        environmentId: 'ml-a',
        at: '2026-11-10T00:00:00Z',
        monthlyBudget: 10,
      }),
    ],
    jobs: [
      job({
        jobId: 'j',
        environmentId: 'ml-a',
        start: '2026-11-10T00:00:00Z',
        end: '2026-11-10T12:00:00Z',
      }),
    ],
    tokens: [
      tokens({
        id: 't',
        environmentId: 'ml-a',
        at: '2026-11-10T10:00:00Z',
        inputTokens: 2_000_000,
      }),
    ],
  });
  await stores.service.recomputeHours(
    '2026-11-10T00:00:00Z',
    '2026-11-11T00:00:00Z',
    new Date('2026-11-11T00:00:00Z'),
  );
  return server;
}

/** The plugin's fact store and ledger service on the backend's database. */
async function makeStoresOn(knex: Knex) {
  const database = mockServices.database({ knex });
  const facts = await DatabaseFactStore.create({ database });
  const ledger = await DatabaseLedgerStore.create({ database });
  return {
    facts,
    service: new LedgerService({
      facts,
      ledger,
      rateCard: testConfig().rateCard,
    }),
  };
}

describe.each(databases.eachSupportedId())(
  'genaiInsightsPlugin on %p',
  databaseId => {
    it('serves the ledger queries to an identity, and nothing without one', async () => {
      const server = await start(databaseId);
      await request(server)
        .get(`${API}/health`)
        .set('Authorization', mockCredentials.none.header())
        .expect(200, { status: 'ok' });
      await request(server)
        .get(`${API}/cost?${RANGE}`)
        .set('Authorization', mockCredentials.none.header())
        .expect(401);

      const auth = mockCredentials.user.header('user:default/lead');
      const cost = await request(server)
        .get(`${API}/cost?${RANGE}&stackBy=category`)
        .set('Authorization', auth)
        .expect(200);
      // A day of 2 GPUs, 16 cores, 128 GiB, 500 GiB of storage, and 2M input and 500 output tokens of llama.
      const day = [
        { period: '2026-11-10', key: 'cpu', costMicros: 24 * 16 * 40_000 },
        { period: '2026-11-10', key: 'gpu', costMicros: 24 * 2 * 2_900_000 },
        { period: '2026-11-10', key: 'memory', costMicros: 24 * 128 * 5_000 },
        {
          period: '2026-11-10',
          key: 'storage',
          costMicros: expect.any(Number),
        },
        { period: '2026-11-10', key: 'tokens', costMicros: 300_300 },
      ];
      expect(cost.body).toEqual({
        currency: 'USD',
        basis: 'reserved',
        interval: 'day',
        stackBy: 'category',
        points: day,
      });

      const compare = await request(server)
        .get(`${API}/cost/compare?from=2026-11-10&to=2026-11-11&basis=used`)
        .set('Authorization', auth)
        .expect(200);
      expect(compare.body).toMatchObject({
        basis: 'used',
        current: {
          from: '2026-11-10T00:00:00.000Z',
          to: '2026-11-11T00:00:00.000Z',
          costMicros: 12 * 2_900_000 + 300_300,
        },
        previous: { from: '2026-11-09T00:00:00.000Z', costMicros: 0 },
        changeRatio: null,
      });

      const top = await request(server)
        .get(`${API}/cost/top?${RANGE}&by=model&limit=3`)
        .set('Authorization', auth)
        .expect(200);
      expect(top.body.items).toEqual([
        { key: 'llama', team: '', costMicros: 300_300 },
      ]);

      // A caller the policy allows everything reads every team the ledger knows.
      const scope = await request(server)
        .get(`${API}/scope`)
        .set('Authorization', auth)
        .expect(200);
      expect(scope.body).toEqual({
        currency: 'USD',
        chargeback: 'reserved',
        all: true,
        teams: [ML],
        manageableTeams: [ML],
        canManageAll: true,
      });

      const idle = await request(server)
        .get(`${API}/cost/idle?${RANGE}&teams=${ML}`)
        .set('Authorization', auth)
        .expect(200);
      expect(idle.body.items.find((i: any) => i.category === 'gpu')).toEqual({
        category: 'gpu',
        reservedMicros: 24 * 2 * 2_900_000,
        usedMicros: 12 * 2_900_000,
        idleMicros: 36 * 2_900_000,
        reservedQuantity: 48,
        usedQuantity: 12,
      });
    });

    it('refuses bad input with a 400 naming the field', async () => {
      const server = await start(databaseId);
      const auth = mockCredentials.user.header();
      const bad = async (path: string, message: RegExp) => {
        const res = await request(server)
          .get(`${API}${path}`)
          .set('Authorization', auth)
          .expect(400);
        expect(res.body.error.message).toMatch(message);
      };
      await bad(
        '/cost?from=2026-11-12&to=2026-11-10',
        /to: must be after from/,
      );
      await bad('/cost?from=soon&to=2026-11-10', /from: must be an ISO 8601/);
      await bad('/cost?to=2026-11-10', /from/);
      await bad(`/cost?${RANGE}&interval=year`, /interval/);
      await bad(`/cost/top?${RANGE}&limit=1000`, /limit/);
      await bad(`/cost?${RANGE}&colour=red`, /colour/);
      await bad('/budgets?month=2026-13', /month/);
      await bad(`/cost?${RANGE}&teams=user:default/x`, /teams/);
      await bad(`/cost?${RANGE}&teams=,`, /teams: must name at least one team/);
      await bad('/scope?teams=ml-research', /teams/);
      const put = await request(server)
        .put(`${API}/budgets`)
        .set('Authorization', auth)
        .send({ scope: 'team', subject: ML, monthlyAmount: -5 })
        .expect(400);
      expect(put.body.error.message).toMatch(/monthlyAmount/);
      // Not JSON, or over 10 kB: the caller's mistake, never a 500.
      await request(server)
        .put(`${API}/budgets`)
        .set('Authorization', auth)
        .set('content-type', 'application/json')
        .send('{"scope": "team",')
        .expect(400);
      await request(server)
        .put(`${API}/budgets`)
        .set('Authorization', auth)
        .send({ scope: 'team', subject: 'x'.repeat(20_000), monthlyAmount: 1 })
        .expect(400);
    });

    it('sets budgets and reports them; exports the ledger and FOCUS as CSV', async () => {
      const server = await start(databaseId);
      const auth = mockCredentials.user.header('user:default/lead');
      const put = await request(server)
        .put(`${API}/budgets`)
        .set('Authorization', auth)
        .send({ scope: 'team', subject: 'ml-research', monthlyAmount: 1234.5 })
        .expect(200);
      expect(put.body.budget).toMatchObject({
        subject: ML,
        monthlyMicros: 1_234_500_000,
        updatedBy: 'user:default/lead',
      });
      const budgets = await request(server)
        .get(`${API}/budgets?month=2026-11&teams=${ML}`)
        .set('Authorization', auth)
        .expect(200);
      expect(
        budgets.body.items.map((b: any) => [
          b.scope,
          b.subject,
          b.budgetMicros,
        ]),
      ).toEqual([
        ['team', ML, 1_234_500_000],
        ['environment', 'ml-a', 10_000_000],
      ]);
      expect(budgets.body.items[1].thresholds).toContain('actual-100');

      const csv = await request(server)
        .get(`${API}/export/csv?${RANGE}`)
        .set('Authorization', auth)
        .expect(200);
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      const lines = csv.text.trim().split('\r\n');
      expect(lines[0]).toMatch(/^hour,environment,team/);
      expect(lines.length).toBeGreaterThan(24 * 4);

      const focus = await request(server)
        .get(`${API}/export/focus?${RANGE}`)
        .set('Authorization', auth)
        .expect(200);
      const [header, first] = focus.text.split('\r\n');
      expect(header.split(',').slice(0, 5)).toEqual([
        'BilledCost',
        'EffectiveCost',
        'ListCost',
        'ContractedCost',
        'BillingCurrency',
      ]);
      expect(first).toContain('Usage');
      // FOCUS is one bill: the chargeback basis only.
      expect(focus.text).not.toContain(',used,');
    });

    it('registers the team resource type, so the permission backend can decide a team', async () => {
      const server = await start(databaseId);
      const service = mockCredentials.service.header();
      const metadata = await request(server)
        .get(`${API}/.well-known/backstage/permissions/metadata`)
        .set('Authorization', service)
        .expect(200);
      expect(metadata.body.permissions.map((p: any) => p.name).sort()).toEqual([
        'genai-insights.budget.manage',
        'genai-insights.compliance.read',
        'genai-insights.compliance.waive',
        'genai-insights.cost-center-budget.manage',
        'genai-insights.cost.read',
        'genai-insights.gpu.read',
      ]);
      expect(metadata.body.rules).toEqual([
        expect.objectContaining({
          name: 'IS_TEAM',
          resourceType: 'genai-insights-team',
        }),
      ]);
      const isTeam = (teams: string[]) => ({
        rule: 'IS_TEAM',
        resourceType: 'genai-insights-team',
        params: { teams },
      });
      const applied = await request(server)
        .post(`${API}/.well-known/backstage/permissions/apply-conditions`)
        .set('Authorization', service)
        .send({
          items: [
            ['1', ML, isTeam(['ml-research'])],
            ['2', ML, isTeam(['genai-apps'])],
            ['3', 'group:default/ML-Research', isTeam([ML])],
            ['4', 'user:default/lena', isTeam([ML])],
          ].map(([id, resourceRef, conditions]) => ({
            id,
            resourceRef,
            resourceType: 'genai-insights-team',
            conditions,
          })),
        })
        .expect(200);
      expect(applied.body.items).toEqual([
        { id: '1', result: AuthorizeResult.ALLOW },
        { id: '2', result: AuthorizeResult.DENY },
        { id: '3', result: AuthorizeResult.ALLOW },
        { id: '4', result: AuthorizeResult.DENY },
      ]);
    });

    it('asks the policy: a caller without budget.manage cannot set a budget', async () => {
      const server = await start(databaseId, { denyBudgets: true });
      const auth = mockCredentials.user.header();
      const denied = await request(server)
        .put(`${API}/budgets`)
        .set('Authorization', auth)
        .send({ scope: 'team', subject: ML, monthlyAmount: 1 })
        .expect(403);
      expect(denied.body.error.message).toMatch(/genai-insights.budget.manage/);
      const allowed = await request(server)
        .get(`${API}/budgets`)
        .set('Authorization', auth)
        .expect(200);
      expect(allowed.body.items).toEqual([
        expect.objectContaining({ scope: 'environment', subject: 'ml-a' }),
      ]);
    });
  },
);
