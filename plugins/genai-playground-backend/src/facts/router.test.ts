import type {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ServerPermissionClient } from '@backstage/plugin-permission-node';
import { startKubeSim, type KubeSim } from '@genai-portal/kube-sim';
import {
  createEnvironmentRequestSchema,
  factsReadPermission,
  metricsReadPermission,
  type FactsPage,
} from '@genai-portal/plugin-genai-playground-common';
import Ajv from 'ajv';
import express from 'express';
import type { Knex } from 'knex';
import request from 'supertest';
import {
  createRequest,
  createServices,
  MARCO,
  MEMBERSHIP,
  PRIYA,
} from '../__testUtils__/harness';
import { realPolicyPermissions } from '../__testUtils__/realPolicy';
import { DatabaseJobStore } from '../jobs/DatabaseJobStore';
import { DatabaseUsageStore } from '../metering/DatabaseUsageStore';
import type { UsageRecord } from '../metering/UsageStore';
import { PermissionGate } from '../permissions/PermissionGate';
import { environmentRuleset } from '../permissions/rules';
import { loadOpenApiSpec } from '../schema/openapiSpec';
import { createFactsCapability } from './createFactsCapability';
import { encodeCursor } from './cursor';

jest.setTimeout(90_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const ML = 'group:default/ml-research';
/** Leads ml-research without being a member (a manager). */
const LEAD = 'user:default/olga.lead';
const SETTLE_SECONDS = 10;
const FLUSH_MS = 1000;

/** The answers against the document's FactsPage: the shapes insights consumes. */
const spec = loadOpenApiSpec();
const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
ajv.addSchema(spec, 'spec');
const validPage = ajv.compile({ $ref: 'spec#/components/schemas/FactsPage' });

let sim: KubeSim;
beforeAll(async () => {
  sim = await startKubeSim({ port: 0, tickMs: 25, timeScale: 20 });
});
afterAll(() => sim.close());

/** A clock the test moves by hand (whole milliseconds from a fixed start). */
function testClock() {
  let now = Date.parse('2026-03-02T09:00:00.000Z');
  return {
    now: () => new Date(now),
    advanceSeconds(seconds: number) {
      now += seconds * 1000;
    },
  };
}

/**
 * Permissions as the portal decides them: users by its real policy; service principals by
 * Backstage's permission client from their token's access restrictions (the policy is never asked
 * for them), so a token restricted to metrics.read (the scraper's) is denied everything else.
 */
function portalPermissions(
  environments: Parameters<typeof realPolicyPermissions>[0]['environments'],
): PermissionsService {
  const policy = realPolicyPermissions({
    environments,
    membership: MEMBERSHIP,
    leads: { [LEAD]: [ML] },
  });
  const services = ServerPermissionClient.fromConfig(
    new ConfigReader({ permission: { enabled: true } }),
    { discovery: mockServices.discovery(), auth: mockServices.auth() },
  );
  const isService = (options?: { credentials?: BackstageCredentials }) =>
    (options?.credentials?.principal as { type?: string } | undefined)?.type ===
    'service';
  return {
    authorize: (requests, options) =>
      (isService(options as any) ? services : policy).authorize(
        requests,
        options,
      ),
    authorizeConditional: (requests, options) =>
      (isService(options as any) ? services : policy).authorizeConditional(
        requests,
        options,
      ),
  };
}

async function makeFeed() {
  const clock = testClock();
  const knex: Knex = await databases.init('SQLITE_3');
  // The real environment service (on kube-sim) writes the history the feed reads.
  const s = await createServices({ sim, knex, clock });
  const database = mockServices.database({ knex });
  const jobs = await DatabaseJobStore.create({ database });
  const usage = await DatabaseUsageStore.create({ database });
  const gate = new PermissionGate({
    permissions: portalPermissions(s.store),
    ruleset: environmentRuleset,
  });

  /** The feed as one backend instance serves it; each call is a fresh instance (a restart). */
  async function appAs(credentials: BackstageCredentials) {
    const facts = await createFactsCapability({
      database,
      httpAuth: mockServices.httpAuth({ defaultCredentials: credentials }),
      gate,
      rootConfig: new ConfigReader({
        genaiPlayground: { factsFeed: { settleSeconds: SETTLE_SECONDS } },
      }),
      usageFlushMs: FLUSH_MS,
      clock,
    });
    const app = express();
    app.use(...facts.routes!);
    app.use(mockErrorHandler());
    return app;
  }

  const insights = mockCredentials.service('plugin:genai-insights');
  const get = async (app: express.Express, query = '') => {
    const res = await request(app).get(`/facts${query}`);
    if (res.status === 200) {
      const valid = validPage(res.body);
      expect({ errors: valid ? [] : validPage.errors }).toEqual({ errors: [] });
    }
    return res;
  };

  const record = (overrides: Partial<UsageRecord> = {}): UsageRecord => ({
    at: clock.now().toISOString(),
    team: ML,
    model: 'llama',
    endpoint: 'chat',
    inputTokens: 100,
    outputTokens: 50,
    cost: 0.001,
    latencyMs: 250,
    status: 200,
    stream: false,
    ...overrides,
  });

  return { clock, s, jobs, usage, appAs, insights, get, record };
}

const as = (user: string) => ({ credentials: mockCredentials.user(user) });

describe('GET /facts', () => {
  it('answers service tokens and admins; members, leads, the scrape token and anonymous callers are refused', async () => {
    const f = await makeFeed();
    const callers: Array<[string, BackstageCredentials, number]> = [
      ['the insights service', f.insights, 200],
      [
        'a service token restricted to facts.read',
        mockCredentials.service('external:insights', {
          permissionNames: [factsReadPermission.name],
        }),
        200,
      ],
      ['an admin', mockCredentials.user(PRIYA), 200],
      ['a member', mockCredentials.user(MARCO), 403],
      ['a lead', mockCredentials.user(LEAD), 403],
      [
        'the metrics scrape token',
        mockCredentials.service('external:prometheus', {
          permissionNames: [metricsReadPermission.name],
        }),
        403,
      ],
      ['nobody', mockCredentials.none(), 401],
    ];
    const answers = [];
    for (const [who, credentials] of callers) {
      const res = await f.get(await f.appAs(credentials));
      answers.push([who, res.status, res.body.error?.message]);
    }
    expect(answers).toEqual(
      callers.map(([who, , status]) => [
        who,
        status,
        {
          200: undefined,
          401: 'Missing credentials',
          403: 'not allowed: genai-playground.facts.read',
        }[status],
      ]),
    );
  });

  it('delivers every fact exactly once across pages and a restart, once settled; a job again when it ends', async () => {
    const f = await makeFeed();
    let app = await f.appAs(f.insights);

    const env = await f.s.environments.create(
      createEnvironmentRequestSchema.parse(
        createRequest({ name: 'ledger', gpus: 4, cpu: 16 }),
      ),
      as(MARCO),
    );
    const createdAt = f.clock.now().toISOString();
    await f.usage.insert([
      f.record({ keyId: 'k-1', environmentId: env.id }),
      f.record({ userRef: MARCO }),
      f.record({ environmentId: env.id, model: 'qwen' }),
    ]);
    const job = {
      id: 'jledger1',
      name: 'lora',
      environmentId: env.id,
      namespace: env.namespace,
      cluster: env.cluster,
      team: env.team,
      owner: MARCO,
      costCenter: env.costCenter,
      gpuPool: env.gpuPool,
      kubernetesName: 'bp-jledger1',
      image: 'registry.example.com/genai/trainer:1.0',
      env: [],
      gpus: 2,
      pods: 2,
      cpu: 8,
      memoryGi: 32,
      maxRuntimeHours: 2,
      retries: 0,
      status: 'Pending' as const,
      submittedAt: createdAt,
    };
    await f.jobs.insert(job, { at: createdAt, status: 'Pending' });
    await f.jobs.apply(job.id, {
      status: 'Running',
      startedAt: createdAt,
      now: createdAt,
    });

    // Fresh rows are held back for the settle window.
    const fresh = await f.get(app);
    expect(fresh.status).toBe(200);
    expect(fresh.body).toEqual({
      facts: { environmentEvents: [], jobs: [], tokens: [] },
      cursor: encodeCursor({ environmentEvents: 0, jobTimeline: 0, usage: 0 }),
      more: false,
    });
    f.clock.advanceSeconds(SETTLE_SECONDS - 1);
    expect((await f.get(app)).body.facts.tokens).toEqual([]);

    f.clock.advanceSeconds(2 + FLUSH_MS / 1000);
    const pages: FactsPage[] = [];
    let cursor: string | undefined;
    const drain = async () => {
      for (;;) {
        const res = await f.get(
          app,
          `?limit=2${cursor ? `&after=${cursor}` : ''}`,
        );
        expect(res.status).toBe(200);
        pages.push(res.body);
        cursor = res.body.cursor;
        if (!res.body.more) return;
      }
    };
    await drain();
    expect(pages.length).toBe(2); // three usage records, two a page

    const running = {
      jobId: job.id,
      environmentId: env.id,
      team: ML,
      costCenter: 'CC-2100',
      pool: 'mi300x',
      gpus: 4,
      start: createdAt,
    };
    expect(pages[0].facts.environmentEvents).toEqual([
      {
        id: 'env-event-1',
        environmentId: env.id,
        type: 'created',
        team: ML,
        costCenter: 'CC-2100',
        pool: 'mi300x',
        quota: { gpus: 4, cpu: 16, memoryGi: 64, storageGi: 100 },
        monthlyBudget: 5000,
        at: createdAt,
      },
    ]);
    expect(pages[0].facts.jobs).toEqual([running]);
    expect(pages[0].facts.tokens[0]).toEqual({
      id: 'usage-1',
      environmentId: env.id,
      team: ML,
      costCenter: 'CC-2100',
      pool: 'mi300x',
      keyId: 'k-1',
      model: 'llama',
      inputTokens: 100,
      outputTokens: 50,
      at: createdAt,
    });

    // A restart: a new instance goes on from the cursor the consumer kept.
    app = await f.appAs(f.insights);
    f.clock.advanceSeconds(600);
    await f.s.environments.extend(env.id, { ttlHours: 24 }, as(MARCO));
    const endedAt = f.clock.now().toISOString();
    await f.jobs.apply(job.id, {
      status: 'Succeeded',
      finishedAt: endedAt,
      gpuSeconds: 4 * 600,
      now: endedAt,
    });
    await f.usage.insert([f.record({ keyId: 'k-1', environmentId: env.id })]);
    await f.s.environments.delete(env.id, as(MARCO));
    f.clock.advanceSeconds(SETTLE_SECONDS + FLUSH_MS / 1000 + 1);
    await drain();

    const all = pages.flatMap(p => [
      ...p.facts.environmentEvents.map(e => `${e.id} ${e.type}`),
      ...p.facts.tokens.map(t => t.id),
    ]);
    expect(all.sort()).toEqual([
      'env-event-1 created',
      'env-event-2 extended',
      'env-event-3 deleted',
      'usage-1',
      'usage-2',
      'usage-3',
      'usage-4',
    ]);
    // The job: running, then again once it ended, with its end.
    expect(pages.flatMap(p => p.facts.jobs)).toEqual([
      running,
      { ...running, end: endedAt },
    ]);
    // Nothing more, however often it is asked.
    const last = await f.get(app, `?after=${cursor}`);
    expect(last.body).toEqual({
      facts: { environmentEvents: [], jobs: [], tokens: [] },
      cursor,
      more: false,
    });
  });

  it.each([
    [
      'an after of other characters',
      '?after=not%20a%20cursor',
      /^Invalid query: after: must match pattern/,
    ],
    [
      'a cursor of another version',
      '?after=djIuMS4yLjM',
      /^Invalid query: after: not a cursor of this feed/,
    ], // v2.1.2.3
    [
      'an after that is no cursor',
      '?after=eHl6',
      /^Invalid query: after: not a cursor of this feed/,
    ], // xyz
    [
      'a cursor spelt otherwise',
      '?after=djEuMDEuMi4z',
      /^Invalid query: after: not a cursor of this feed/,
    ], // v1.01.2.3
    [
      'a too long after',
      `?after=${'A'.repeat(201)}`,
      /^Invalid query: after: must NOT have more/,
    ],
    ['a limit of 0', '?limit=0', /^Invalid query: limit: must be >= 1$/],
    [
      'a limit above 5000',
      '?limit=5001',
      /^Invalid query: limit: must be <= 5000$/,
    ],
    [
      'a limit that is no number',
      '?limit=ten',
      /^Invalid query: limit: must be integer$/,
    ],
    [
      'an unknown parameter',
      '?since=1',
      /^Invalid query: since: unknown query parameter$/,
    ],
  ])(
    'refuses %s with a 400 naming the parameter',
    async (_what, query, message) => {
      const f = await makeFeed();
      const res = await f.get(await f.appAs(f.insights), query);
      expect({ status: res.status, message: res.body.error?.message }).toEqual({
        status: 400,
        message: expect.stringMatching(message),
      });
    },
  );

  it('passes other paths on untouched', async () => {
    const f = await makeFeed();
    const app = await f.appAs(f.insights);
    app.get('/environments', (_req, res) => {
      res.json({ reached: true });
    });
    const res = await request(app).get('/environments?anything=1');
    expect({ status: res.status, body: res.body }).toEqual({
      status: 200,
      body: { reached: true },
    });
  });
});
