import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import express from 'express';
import request from 'supertest';
import {
  environmentRuleset,
  realPolicyPermissions,
} from '../__testUtils__/realPolicy';
import { PermissionGate } from '../permissions/PermissionGate';
import { DatabaseUsageStore } from './DatabaseUsageStore';
import { createUsageRouter } from './router';
import { UsageService } from './UsageService';
import type { UsageRecord } from './UsageStore';
import { migrateDatabase } from '../lib/migrateDatabase';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const ML = 'group:default/ml-research';
const APPS = 'group:default/genai-apps';
const MARCO = 'user:default/marco.rossi';
const PRIYA = 'user:default/priya.raman';
const GROUPS: Record<string, string[]> = {
  [MARCO]: [ML],
  [PRIYA]: ['group:default/platform-team'],
};

const rec = (team: string, at: string, cost: number): UsageRecord => ({
  at,
  team,
  model: 'llama',
  endpoint: 'chat',
  inputTokens: 1,
  outputTokens: 1,
  cost,
  latencyMs: 1,
  status: 200,
  stream: false,
});

async function setup(deny = false) {
  const knex = await databases.init('SQLITE_3');
  const database = mockServices.database({ knex });
  await migrateDatabase(database);
  const store = await DatabaseUsageStore.create({ database });
  await store.insert([
    rec(ML, '2025-06-01T10:00:00.000Z', 1),
    rec(ML, '2025-06-03T10:00:00.000Z', 2),
    rec(APPS, '2025-06-02T10:00:00.000Z', 4),
  ]);
  const usage = new UsageService({
    store,
    gate: new PermissionGate({
      permissions: deny
        ? mockServices.permissions.mock({
            authorizeConditional: async r =>
              r.map(() => ({ result: AuthorizeResult.DENY })),
          })
        : realPolicyPermissions({
            environments: { get: async () => undefined },
            membership: GROUPS,
          }),
      ruleset: environmentRuleset,
    }),
    currency: 'USD',
    clock: { now: () => new Date('2025-06-20T00:00:00.000Z') },
  });
  const app = express();
  app.use(createUsageRouter({ httpAuth: mockServices.httpAuth(), usage }));
  app.use(mockErrorHandler());
  return app;
}

const as = (user: string) => ({
  Authorization: mockCredentials.user.header(user),
});

describe('GET /usage', () => {
  it('shows a member their teams only, from the start of the month by default', async () => {
    const app = await setup();
    const res = await request(app)
      .get('/usage?groupBy=team')
      .set(as(MARCO))
      .expect(200);
    expect(res.body).toEqual({
      groupBy: 'team',
      from: '2025-06-01T00:00:00.000Z',
      to: '2025-06-20T00:00:00.000Z',
      currency: 'USD',
      items: [expect.objectContaining({ group: ML, requests: 2, cost: 3 })],
    });
    await request(app).get('/usage?team=genai-apps').set(as(MARCO)).expect(403);
  });

  it('shows admins and services every team, by day', async () => {
    const app = await setup();
    const admin = await request(app)
      .get('/usage?groupBy=day')
      .set(as(PRIYA))
      .expect(200);
    expect(admin.body.items.map((r: any) => [r.group, r.cost])).toEqual([
      ['2025-06-01', 1],
      ['2025-06-02', 4],
      ['2025-06-03', 2],
    ]);
    const service = await request(app)
      .get(
        '/usage?groupBy=team&team=genai-apps&from=2025-06-01T00:00:00Z&to=2025-06-30T00:00:00Z',
      )
      .set({ Authorization: mockCredentials.service.header() })
      .expect(200);
    expect(service.body.items).toEqual([
      expect.objectContaining({ group: APPS, cost: 4 }),
    ]);
  });

  it('refuses bad queries and callers without the permission', async () => {
    const app = await setup();
    const status = async (path: string, target = app) =>
      (await request(target).get(path).set(as(MARCO))).status;
    expect(await status('/usage?groupBy=color')).toBe(400);
    expect(await status('/usage?from=yesterday')).toBe(400);
    expect(
      await status('/usage?from=2025-06-10T00:00:00Z&to=2025-06-01T00:00:00Z'),
    ).toBe(400);
    expect(await status('/usage', await setup(true))).toBe(403);
  });
});
