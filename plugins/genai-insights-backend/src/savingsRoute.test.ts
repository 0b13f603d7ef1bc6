import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { LedgerRow } from '@genai-portal/plugin-genai-insights-common';
import request from 'supertest';
import { databases, type DatabaseId } from './__testUtils__/database';
import { APPS, ML, RATE_CONFIG } from './__testUtils__/fixtures';
import { realPolicyPermissions } from './__testUtils__/realPolicy';
import { DatabaseLedgerStore } from './ledger/DatabaseLedgerStore';
import { genaiInsightsPlugin } from './plugin';

jest.setTimeout(120_000);

/**
 * `GET /cost/savings` through the plugin's real router, behind the portal's real permission
 * policy: the contract's and the schema's 400s, the 403 for a team outside the caller's scope,
 * and the answer scoped to the caller's teams.
 */
const API = '/api/genai-insights';
const RANGE = 'from=2026-11-10&to=2026-11-11';
const H = '2026-11-10T10:00:00.000Z';

const USERS = {
  member: 'user:default/lena.fischer',
  admin: 'user:default/priya.raman',
  loner: 'user:default/new.hire',
};
type Who = keyof typeof USERS | 'service';

function gpuRow(overrides: Partial<LedgerRow>): LedgerRow {
  return {
    hour: H,
    environment: 'ml-a',
    team: ML,
    costCenter: 'CC-100',
    pool: 'mi300x',
    category: 'gpu',
    unit: 'gpu-hours',
    model: '',
    basis: 'reserved',
    capacity: 'on-demand',
    quantity: 8,
    rateMicros: 2_900_000,
    ratePer: 1,
    costMicros: 23_200_000,
    ...overrides,
  };
}

async function start(databaseId: DatabaseId) {
  const knex = await databases.init(databaseId);
  const { server } = await startTestBackend({
    features: [
      genaiInsightsPlugin,
      mockServices.rootConfig.factory({ data: { genaiInsights: RATE_CONFIG } }),
      mockServices.database.factory({ knex }),
      realPolicyPermissions({
        membership: {
          [USERS.member]: [ML],
          [USERS.admin]: ['group:default/platform-team'],
        },
      }).factory,
    ],
  });
  const ledger = await DatabaseLedgerStore.create({
    database: mockServices.database({ knex }),
  });
  // ml-a: 8 GPUs held for an hour, 2 busy; apps-a: 4 held, none busy.
  await ledger.replaceHours({ from: H, to: '2026-11-10T11:00:00.000Z' }, [
    gpuRow({}),
    gpuRow({ basis: 'used', quantity: 2, costMicros: 5_800_000 }),
    gpuRow({
      environment: 'apps-a',
      team: APPS,
      quantity: 4,
      costMicros: 11_600_000,
    }),
  ]);
  return (who: Who, query: string) =>
    request(server)
      .get(`${API}/cost/savings?${query}`)
      .set(
        'Authorization',
        who === 'service'
          ? mockCredentials.service.header()
          : mockCredentials.user.header(USERS[who]),
      );
}

describe.each(databases.eachSupportedId())(
  'GET /cost/savings on %p',
  databaseId => {
    it('refuses bad input with a 400 naming the field', async () => {
      const get = await start(databaseId);
      const bad: Array<[string, RegExp]> = [
        ['to=2026-11-11', /from/],
        ['from=soon&to=2026-11-11', /from: must be an ISO 8601/],
        ['from=2026-11-11&to=2026-11-10', /to: must be after from/],
        ['from=2020-01-01&to=2026-11-10', /to: must be at most 400 days/],
        [`${RANGE}&limit=0`, /limit/],
        [`${RANGE}&limit=101`, /limit/],
        [`${RANGE}&limit=1.5`, /limit/],
        [`${RANGE}&teams=user:default/x`, /teams/],
        [`${RANGE}&teams=,`, /teams/],
        [`${RANGE}&basis=used`, /basis/],
      ];
      for (const [query, message] of bad) {
        const res = await get('admin', query);
        expect({ query, status: res.status }).toEqual({ query, status: 400 });
        expect(res.body.error.message).toMatch(message);
      }
    });

    it("refuses a team outside the caller's scope with a 403 naming it", async () => {
      const get = await start(databaseId);
      for (const teams of ['genai-apps', APPS, `${ML},${APPS}`]) {
        const res = await get('member', `${RANGE}&teams=${teams}`).expect(403);
        expect(res.body.error.message).toBe(
          `Not allowed: genai-insights.cost.read on ${APPS}`,
        );
      }
      await get('loner', `${RANGE}&teams=${ML}`).expect(403);
    });

    it("answers the caller's teams, the most idle first", async () => {
      const get = await start(databaseId);
      const own = await get('member', RANGE).expect(200);
      expect(own.body).toMatchObject({
        currency: 'USD',
        from: '2026-11-10T00:00:00.000Z',
        to: '2026-11-11T00:00:00.000Z',
        totals: {
          gpuReservedMicros: 23_200_000,
          gpuIdleMicros: 17_400_000,
          gpuIdleRatio: 0.75,
          savingMicros: 17_400_000,
        },
      });
      expect(own.body.items).toEqual([
        expect.objectContaining({
          environment: 'ml-a',
          team: ML,
          idleMicros: 17_400_000,
          recommendation: {
            currentGpus: 8,
            peakUsedGpus: 2,
            recommendedGpus: 2,
            savingMicros: 17_400_000,
          },
        }),
      ]);
      expect(own.body.items[0].gpu.utilization).toBe(0.25);

      for (const who of ['admin', 'service'] as const) {
        const all = await get(who, RANGE).expect(200);
        expect(all.body.items.map((i: any) => i.environment)).toEqual([
          'ml-a',
          'apps-a',
        ]);
        const top = await get(who, `${RANGE}&limit=1`).expect(200);
        expect(top.body.items.map((i: any) => i.environment)).toEqual(['ml-a']);
        expect(top.body.totals.savingMicros).toBe(17_400_000 + 11_600_000);
      }

      const none = await get('loner', RANGE).expect(200);
      expect(none.body.items).toEqual([]);
      expect(none.body.totals.gpuIdleRatio).toBeNull();
    });
  },
);
