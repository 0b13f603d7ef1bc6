import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import request from 'supertest';
import { databases, type DatabaseId } from '../__testUtils__/database';
import {
  APPS,
  event,
  job,
  ML,
  RATE_CONFIG,
  testConfig,
  tokens,
} from '../__testUtils__/fixtures';
import { realPolicyPermissions } from '../__testUtils__/realPolicy';
import { DatabaseFactStore } from '../facts/DatabaseFactStore';
import { DatabaseLedgerStore } from '../ledger/DatabaseLedgerStore';
import { LedgerService } from '../ledger/LedgerService';
import { genaiInsightsPlugin } from '../plugin';

jest.setTimeout(120_000);

/**
 * The plugin behind the portal's real permission policy (GenaiPlaygroundPermissionPolicy, not a
 * mock), called as each kind of caller would, attacker included: a member of ml-research, its
 * lead, a lead of ml-research who is not a member, a member of genai-apps, an admin of
 * platform-team, a user in no team, and a service.
 */
const API = '/api/genai-insights';
const RANGE = 'from=2026-11-10&to=2026-11-12';

const USERS = {
  member: 'user:default/lena.fischer',
  lead: 'user:default/marco.rossi',
  outsideLead: 'user:default/sofia.costa',
  otherTeam: 'user:default/kenji.sato',
  admin: 'user:default/priya.raman',
  loner: 'user:default/new.hire',
};
type Who = keyof typeof USERS | 'service';

const MEMBERSHIP = {
  [USERS.member]: [ML],
  [USERS.lead]: [ML],
  [USERS.outsideLead]: ['group:default/data-office'],
  [USERS.otherTeam]: [APPS],
  [USERS.admin]: ['group:default/platform-team'],
};
const LEADS = {
  [USERS.lead]: [ML],
  [USERS.outsideLead]: [ML],
};

function auth(who: Who): string {
  return who === 'service'
    ? mockCredentials.service.header()
    : mockCredentials.user.header(USERS[who]);
}

/** The plugin on a fresh database, with a day of ml-research and of genai-apps in its ledger. */
async function start(databaseId: DatabaseId) {
  const knex = await databases.init(databaseId);
  const { server } = await startTestBackend({
    features: [
      genaiInsightsPlugin,
      mockServices.rootConfig.factory({ data: { genaiInsights: RATE_CONFIG } }),
      mockServices.database.factory({ knex }),
      realPolicyPermissions({ membership: MEMBERSHIP, leads: LEADS }).factory,
    ],
  });
  const database = mockServices.database({ knex });
  const facts = await DatabaseFactStore.create({ database });
  const ledger = await DatabaseLedgerStore.create({ database });
  const at = '2026-11-10T00:00:00Z';
  await facts.add({
    environmentEvents: [
      event({ id: 'e-ml', environmentId: 'ml-a', at, monthlyBudget: 10 }),
      event({
        id: 'e-apps',
        environmentId: 'apps-a',
        team: APPS,
        costCenter: 'CC-300',
        at,
        monthlyBudget: 20,
      }),
    ],
    jobs: [
      job({ jobId: 'j-ml', environmentId: 'ml-a', start: at }),
      job({
        jobId: 'j-apps',
        environmentId: 'apps-a',
        team: APPS,
        costCenter: 'CC-300',
        start: at,
      }),
    ],
    tokens: [
      tokens({ id: 't-ml', environmentId: 'ml-a', at }),
      tokens({ id: 't-apps', environmentId: 'apps-a', team: APPS, at }),
    ],
  });
  await new LedgerService({
    facts,
    ledger,
    rateCard: testConfig().rateCard,
  }).recomputeHours(
    at,
    '2026-11-11T00:00:00Z',
    new Date('2026-11-11T00:00:00Z'),
  );

  const get = (who: Who, path: string) =>
    request(server).get(`${API}${path}`).set('Authorization', auth(who));
  const put = (who: Who, body: object) =>
    request(server)
      .put(`${API}/budgets`)
      .set('Authorization', auth(who))
      .send(body);
  // Budgets of both teams and a cost center, set by the admin.
  for (const body of [
    { scope: 'team', subject: 'ml-research', monthlyAmount: 1000 },
    { scope: 'team', subject: 'genai-apps', monthlyAmount: 2000 },
    { scope: 'cost-center', subject: 'CC-300', monthlyAmount: 3000 },
  ]) {
    await put('admin', body).expect(200);
  }
  return { get, put };
}

/** The teams an answer of `GET /cost?stackBy=team` holds. */
async function teamsIn(res: request.Response): Promise<string[]> {
  return [...new Set<string>(res.body.points.map((p: any) => p.key))].sort();
}

/** Every read route, with the range it needs. */
const READS = [
  `/cost?${RANGE}`,
  `/cost/compare?${RANGE}`,
  `/cost/top?${RANGE}`,
  `/cost/idle?${RANGE}`,
  '/budgets?month=2026-11',
  `/export/csv?${RANGE}`,
  `/export/focus?${RANGE}`,
];

describe.each(databases.eachSupportedId())(
  'genai-insights behind the real policy on %p',
  databaseId => {
    it("shows a member their team's costs and refuses another team's, on every read", async () => {
      const { get } = await start(databaseId);
      const own = await get('member', `/cost?${RANGE}&stackBy=team`).expect(
        200,
      );
      expect(await teamsIn(own)).toEqual([ML]);
      const asked = await get(
        'member',
        `/cost?${RANGE}&stackBy=team&teams=ml-research`,
      ).expect(200);
      expect(await teamsIn(asked)).toEqual([ML]);

      for (const path of READS) {
        const sep = path.includes('?') ? '&' : '?';
        for (const teams of [
          'genai-apps',
          APPS,
          `${ML},${APPS}`,
          'group:default/Genai-Apps',
        ]) {
          const res = await get('member', `${path}${sep}teams=${teams}`);
          expect({ path, teams, status: res.status }).toEqual({
            path,
            teams,
            status: 403,
          });
          expect(res.body.error.message).toMatch(
            /^Not allowed: genai-insights\.cost\.read on group:default\/genai-apps$/i,
          );
        }
        // Without teams: the member's team only.
        await get('member', path).expect(200);
      }

      const top = await get('member', `/cost/top?${RANGE}`).expect(200);
      expect(top.body.items.map((i: any) => i.team)).toEqual([ML]);
      const compare = await get(
        'admin',
        `/cost/compare?${RANGE}&teams=${ML}`,
      ).expect(200);
      const memberCompare = await get(
        'member',
        `/cost/compare?${RANGE}`,
      ).expect(200);
      expect(memberCompare.body.current.costMicros).toBe(
        compare.body.current.costMicros,
      );

      const budgets = await get('member', '/budgets?month=2026-11').expect(200);
      expect(budgets.body.items.map((b: any) => [b.scope, b.subject])).toEqual([
        ['team', ML],
        ['environment', 'ml-a'],
      ]);

      const csv = await get('member', `/export/csv?${RANGE}`).expect(200);
      expect(csv.text).toContain(ML);
      expect(csv.text).not.toContain(APPS);
      expect(csv.text).not.toContain('apps-a');
      const focus = await get('member', `/export/focus?${RANGE}`).expect(200);
      expect(focus.text).toContain('ml-a');
      expect(focus.text).not.toContain('apps-a');

      expect((await get('member', '/scope').expect(200)).body).toEqual({
        currency: 'USD',
        chargeback: 'reserved',
        all: false,
        teams: [ML],
        manageableTeams: [],
        canManageAll: false,
      });
    });

    it("lets a lead set their team's budget, not another team's; a member sets none", async () => {
      const { get, put } = await start(databaseId);
      const set = await put('lead', {
        scope: 'team',
        subject: 'ml-research',
        monthlyAmount: 1500,
      }).expect(200);
      expect(set.body.budget).toMatchObject({
        subject: ML,
        monthlyMicros: 1_500_000_000,
        updatedBy: USERS.lead,
      });
      for (const subject of ['genai-apps', APPS, 'group:default/GENAI-APPS']) {
        const refused = await put('lead', {
          scope: 'team',
          subject,
          monthlyAmount: 1,
        }).expect(403);
        expect(refused.body.error.message).toMatch(
          /^Not allowed: genai-insights\.budget\.manage on group:default\/genai-apps$/,
        );
      }
      // Nor remove it.
      await put('lead', {
        scope: 'team',
        subject: APPS,
        monthlyAmount: null,
      }).expect(403);
      const cc = await put('lead', {
        scope: 'cost-center',
        subject: 'CC-100',
        monthlyAmount: 1,
      }).expect(403);
      expect(cc.body.error.message).toBe(
        'Not allowed: genai-insights.cost-center-budget.manage',
      );

      for (const who of ['member', 'otherTeam', 'loner'] as const) {
        for (const subject of [ML, APPS]) {
          await put(who, {
            scope: 'team',
            subject,
            monthlyAmount: 1,
          }).expect(403);
        }
      }
      // A member cannot widen their reach by naming their team differently.
      await put('member', {
        scope: 'team',
        subject: 'group:default/ML-RESEARCH',
        monthlyAmount: 1,
      }).expect(403);

      // What stands: the lead's ml-research budget, the admin's genai-apps budget.
      const all = await get('admin', '/budgets?month=2026-11').expect(200);
      expect(
        all.body.items
          .filter((b: any) => b.scope === 'team')
          .map((b: any) => [b.subject, b.budgetMicros]),
      ).toEqual([
        [APPS, 2_000_000_000],
        [ML, 1_500_000_000],
      ]);

      expect((await get('lead', '/scope').expect(200)).body).toMatchObject({
        all: false,
        teams: [ML],
        manageableTeams: [ML],
        canManageAll: false,
      });
    });

    it('lets a lead who is not a member read and budget the team they lead', async () => {
      const { get, put } = await start(databaseId);
      const res = await get(
        'outsideLead',
        `/cost?${RANGE}&stackBy=team`,
      ).expect(200);
      expect(await teamsIn(res)).toEqual([ML]);
      await put('outsideLead', {
        scope: 'team',
        subject: ML,
        monthlyAmount: 5,
      }).expect(200);
      await get('outsideLead', `/cost?${RANGE}&teams=${APPS}`).expect(403);
      expect(
        (await get('outsideLead', '/scope').expect(200)).body,
      ).toMatchObject({
        teams: ['group:default/data-office', ML],
        manageableTeams: [ML],
      });
    });

    it('shows a user in no team nothing, and no team at all', async () => {
      const { get } = await start(databaseId);
      const cost = await get('loner', `/cost?${RANGE}`).expect(200);
      expect(cost.body.points).toEqual([]);
      const budgets = await get('loner', '/budgets?month=2026-11').expect(200);
      expect(budgets.body.items).toEqual([]);
      const csv = await get('loner', `/export/csv?${RANGE}`).expect(200);
      expect(csv.text.trim().split('\r\n')).toHaveLength(1);
      await get('loner', `/cost?${RANGE}&teams=${ML}`).expect(403);
      expect((await get('loner', '/scope').expect(200)).body).toMatchObject({
        all: false,
        teams: [],
        manageableTeams: [],
      });
    });

    it.each(['admin', 'service'] as const)(
      'lets the %s see and set every team',
      async who => {
        const { get, put } = await start(databaseId);
        const res = await get(who, `/cost?${RANGE}&stackBy=team`).expect(200);
        expect(await teamsIn(res)).toEqual([APPS, ML]);
        const apps = await get(
          who,
          `/cost?${RANGE}&stackBy=team&teams=${APPS}`,
        ).expect(200);
        expect(await teamsIn(apps)).toEqual([APPS]);
        for (const path of READS) await get(who, path).expect(200);
        const budgets = await get(who, '/budgets?month=2026-11').expect(200);
        expect(
          budgets.body.items.map((b: any) => [b.scope, b.subject]),
        ).toEqual([
          ['cost-center', 'CC-300'],
          ['team', APPS],
          ['team', ML],
          ['environment', 'apps-a'],
          ['environment', 'ml-a'],
        ]);
        const csv = await get(who, `/export/csv?${RANGE}`).expect(200);
        expect(csv.text).toContain('apps-a');
        expect(csv.text).toContain('ml-a');

        await put(who, {
          scope: 'team',
          subject: APPS,
          monthlyAmount: 7,
        }).expect(200);
        await put(who, {
          scope: 'cost-center',
          subject: 'CC-100',
          monthlyAmount: 8,
        }).expect(200);

        expect((await get(who, '/scope').expect(200)).body).toEqual({
          currency: 'USD',
          chargeback: 'reserved',
          all: true,
          teams: [APPS, ML],
          manageableTeams: [APPS, ML],
          canManageAll: true,
        });
      },
    );

    it('keeps cost-center budgets, which span teams, from team-scoped readers', async () => {
      const { get } = await start(databaseId);
      for (const who of ['member', 'lead', 'otherTeam'] as const) {
        const res = await get(who, '/budgets?month=2026-11').expect(200);
        expect(res.body.items.map((b: any) => b.scope)).not.toContain(
          'cost-center',
        );
      }
      const apps = await get('otherTeam', '/budgets?month=2026-11').expect(200);
      expect(apps.body.items.map((b: any) => b.subject)).toEqual([
        APPS,
        'apps-a',
      ]);
    });
  },
);
