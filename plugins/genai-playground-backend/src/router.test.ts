import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { startKubeSim, type KubeSim } from '@genai-portal/kube-sim';
import express from 'express';
import request from 'supertest';
import { toSettings } from './config';
import { QuotaReader } from './quota/QuotaReader';
import { createRouter } from './router';
import {
  createRequest,
  createServices,
  LENA,
  MARCO,
  PRIYA,
  simApis,
  waitFor,
} from './__testUtils__/harness';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

let sim: KubeSim;
let counter = 0;
const unique = (base: string) => `${base}-${++counter}`;

beforeAll(async () => {
  sim = await startKubeSim({ port: 0, tickMs: 50, timeScale: 20 });
});
afterAll(() => sim.close());

async function makeApp(
  options: {
    permissions?: Parameters<typeof createServices>[0]['permissions'];
  } = {},
) {
  const s = await createServices({
    sim,
    knex: await databases.init('SQLITE_3'),
    permissions: options.permissions,
  });
  const app = express();
  app.use(
    await createRouter({
      httpAuth: mockServices.httpAuth({
        defaultCredentials: mockCredentials.user(MARCO),
      }),
      auditor: s.auditor,
      environments: s.environments,
      quota: QuotaReader.create({ permissions: s.permissions, quota: s.quota }),
      settings: toSettings(s.config),
    }),
  );
  app.use(mockErrorHandler());
  return { app, ...s };
}

// Schema errors are answered by the spec's validator (src/schema/openapi.yaml), naming the field.
const DNS_MESSAGE =
  'Invalid request: name: must match pattern "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"';

const asUser = (user: string) => ({
  Authorization: mockCredentials.user.header(user),
});

describe('router', () => {
  it('answers /health and /settings', async () => {
    const { app } = await makeApp();
    await request(app).get('/health').expect(200, { status: 'ok' });
    const settings = await request(app).get('/settings').expect(200);
    expect(settings.body).toMatchObject({
      lease: { defaultTtlHours: 72, maxTtlHours: 720 },
      defaultTeamLimits: { gpus: 16, environments: 10 },
      teamLimits: { 'ml-research': { gpus: 16, environments: 3 } },
      rateCard: { currency: 'USD', gpuHour: { mi355x: 4.1, mi300x: 2.9 } },
    });
  });

  it('creates, reads, lists, extends and deletes an environment, auditing the writes', async () => {
    const { app, auditor } = await makeApp();
    const name = unique('flow');
    const committed = async () =>
      (await request(app).get('/quota/pools').expect(200)).body.items.find(
        (p: { pool: string }) => p.pool === 'mi300x',
      ).quotaCommitted;
    expect(await committed()).toBe(0);
    const created = await request(app)
      .post('/environments')
      .send(createRequest({ name }))
      .expect(201);
    const id = created.body.id;
    expect(created.body).toMatchObject({
      id: `ml-research-${name}`,
      status: 'ready',
    });
    // the pool summary is read again after a create, not served from the cache
    expect(await committed()).toBe(2);
    expect(auditor.createEvent).toHaveBeenCalledWith(
      expect.objectContaining({
        eventId: 'environment-create',
        severityLevel: 'medium',
        meta: { team: 'ml-research', name, gpuPool: 'mi300x', gpus: 2 },
      }),
    );
    const createAudit = await (auditor.createEvent as jest.Mock).mock.results[0]
      .value;
    expect(createAudit.success).toHaveBeenCalledWith({
      meta: { environmentId: id, status: 'ready' },
    });

    const got = await request(app).get(`/environments/${id}`).expect(200);
    expect(got.body).toMatchObject({
      id,
      pods: [],
      quotaUsage: { hard: { 'requests.amd.com/gpu': '2' } },
    });

    const list = await request(app)
      .get('/environments?team=ml-research&gpuPool=mi300x')
      .expect(200);
    expect(list.body.items.map((e: { id: string }) => e.id)).toEqual([id]);
    expect(
      (await request(app).get('/environments?gpuPool=mi355x').expect(200)).body
        .items,
    ).toEqual([]);

    const extended = await request(app)
      .post(`/environments/${id}/extend`)
      .send({ ttlHours: 100 })
      .expect(200);
    expect(Date.parse(extended.body.expiresAt) - Date.now()).toBeGreaterThan(
      99 * 3600_000,
    );

    const deleted = await request(app)
      .delete(`/environments/${id}`)
      .expect(200);
    expect(deleted.body.status).toBe('deleted');
    expect(await committed()).toBe(0);
    const history = await request(app)
      .get(`/environments/${id}/history`)
      .expect(200);
    expect(history.body.items.map((e: { action: string }) => e.action)).toEqual(
      ['create', 'extend', 'delete'],
    );
    expect(
      (auditor.createEvent as jest.Mock).mock.calls.map(c => c[0].eventId),
    ).toEqual([
      'environment-create',
      'environment-extend',
      'environment-delete',
    ]);
  });

  describe('refuses bad input with a 4xx naming the field', () => {
    let app: express.Express;
    let auditor: Awaited<ReturnType<typeof makeApp>>['auditor'];
    beforeAll(async () => {
      ({ app, auditor } = await makeApp());
    });

    it.each([
      ['a name that is not DNS-1123', { name: 'Bad_Name' }, DNS_MESSAGE],
      ['a name ending in a dash', { name: 'bad-' }, DNS_MESSAGE],
      [
        'an unknown pool',
        { gpuPool: 'h100' },
        'Invalid request: gpuPool: must be equal to one of the allowed values: mi355x, mi300x',
      ],
      [
        'a negative GPU count',
        { gpus: -1 },
        'Invalid request: gpus: must be >= 0',
      ],
      [
        'a huge GPU count',
        { gpus: 1000 },
        'Invalid request: gpus: must be <= 64',
      ],
      ['"two" GPUs', { gpus: 'two' }, 'Invalid request: gpus: must be integer'],
      ['half a GPU', { gpus: 0.5 }, 'Invalid request: gpus: must be integer'],
      [
        'a TTL above the maximum',
        { ttlHours: 900 },
        'Invalid request: ttlHours 900 is above the maximum lease of 720 hours',
      ],
      [
        'an unknown team',
        { team: 'quantum' },
        "Invalid request: team: unknown team 'quantum': there is no group group:default/quantum in the catalog",
      ],
      [
        'a team that is not a group',
        { team: 'user:default/marco.rossi' },
        "Invalid request: team: 'user:default/marco.rossi' is not a group name or group ref",
      ],
      [
        'a missing field',
        { costCenter: undefined },
        'Invalid request: costCenter: is required',
      ],
    ])('%s', async (_what, overrides, message) => {
      const audits = (auditor.createEvent as jest.Mock).mock.results;
      const before = audits.length;
      const res = await request(app)
        .post('/environments')
        .send(createRequest({ name: unique('bad'), ...overrides }))
        .expect(400);
      expect(res.body.error.name).toBe('InputError');
      expect(res.body.error.message).toBe(message);
      // Schema errors stop before the write starts; later refusals are audited as failures.
      for (const result of audits.slice(before)) {
        const event = await result.value;
        expect(event.success).not.toHaveBeenCalled();
        expect(event.fail).toHaveBeenCalledWith({
          error: expect.objectContaining({ name: 'InputError', message }),
        });
      }
    });

    it('malformed JSON', async () => {
      const res = await request(app)
        .post('/environments')
        .set('Content-Type', 'application/json')
        .send('{"name": "x",')
        .expect(400);
      expect(res.body.error.name).toBe('InputError');
      expect(res.body.error.message).toMatch(
        /^Invalid request: the body is not valid JSON/,
      );
    });

    it('a body over 100kb', async () => {
      const res = await request(app)
        .post('/environments')
        .send({ ...createRequest(), description: 'x'.repeat(200_000) })
        .expect(400);
      expect(res.body.error.message).toMatch(/larger than/);
    });

    it('a user from another team (403)', async () => {
      const res = await request(app)
        .post('/environments')
        .set(asUser(LENA))
        .send(createRequest({ name: unique('other') }))
        .expect(403);
      expect(res.body.error.name).toBe('NotAllowedError');
      expect(res.body.error.message).toBe(
        'team: user:default/lena.fischer may not create environments for group:default/ml-research (genai-playground.environment.create): only its members and admins may',
      );
    });

    it('a bad list query', async () => {
      const res = await request(app)
        .get('/environments?gpuPool=h100')
        .expect(400);
      expect(res.body.error.message).toMatch(
        /^Invalid query: gpuPool: must be equal to one of the allowed values/,
      );
    });

    it('a bad extension', async () => {
      const res = await request(app)
        .post('/environments/whatever/extend')
        .send({ ttlHours: 'soon' })
        .expect(400);
      expect(res.body.error.message).toBe(
        'Invalid request: ttlHours: must be integer',
      );
    });
  });

  it('refuses a request over the team cap, naming the numbers', async () => {
    const { app } = await makeApp();
    await request(app)
      .post('/environments')
      .send(createRequest({ name: unique('big'), gpus: 12 }))
      .expect(201);
    const res = await request(app)
      .post('/environments')
      .send(createRequest({ name: unique('more'), gpus: 8 }))
      .expect(400);
    expect(res.body.error.message).toBe(
      'Invalid request: gpus: team ml-research may hold 16 GPUs; it holds 12 and this asks for 8: 4 over',
    );
    const cpu = await request(app)
      .post('/environments')
      .send(createRequest({ name: unique('cpu'), gpus: 0, cpu: 125 }))
      .expect(400);
    expect(cpu.body.error.message).toBe(
      'Invalid request: cpu: team ml-research may hold 128 CPU cores; it holds 8 and this asks for 125: 5 over',
    );
  });

  it('refuses more environments than the team may hold', async () => {
    const { app } = await makeApp();
    for (let i = 0; i < 3; i++) {
      await request(app)
        .post('/environments')
        .send(createRequest({ name: unique('n'), gpus: 0 }))
        .expect(201);
    }
    const res = await request(app)
      .post('/environments')
      .send(createRequest({ name: unique('n'), gpus: 0 }))
      .expect(400);
    expect(res.body.error.message).toBe(
      'Invalid request: team ml-research may hold 3 environments; it holds 3',
    );
  });

  it('refuses more GPUs than the pool has free', async () => {
    const { app } = await makeApp();
    const apis = simApis(sim);
    await apis.core.createNamespace({ body: { metadata: { name: 'fill' } } });
    const gpuPod = (name: string) => ({
      metadata: { name },
      spec: {
        nodeSelector: { 'gpu-type': 'mi355x' },
        tolerations: [
          { key: 'amd.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
        ],
        containers: [
          {
            name: 'vllm',
            image: 'vllm/vllm-openai-rocm',
            resources: {
              requests: { 'amd.com/gpu': name === 'a' ? '8' : '5' },
              limits: { 'amd.com/gpu': name === 'a' ? '8' : '5' },
            },
          },
        ],
      },
    });
    try {
      await apis.core.createNamespacedPod({
        namespace: 'fill',
        body: gpuPod('a'),
      });
      await apis.core.createNamespacedPod({
        namespace: 'fill',
        body: gpuPod('b'),
      });
      await waitFor(async () => {
        const pods = await apis.core.listNamespacedPod({ namespace: 'fill' });
        return pods.items.every(p => p.spec?.nodeName);
      });
      const res = await request(app)
        .post('/environments')
        .send(
          createRequest({ name: unique('pool'), gpuPool: 'mi355x', gpus: 4 }),
        )
        .expect(400);
      expect(res.body.error.message).toBe(
        'Invalid request: gpus: pool mi355x has 3 free GPUs (16 allocatable, 13 requested by running pods); this asks for 4',
      );
      const pools = await request(app).get('/quota/pools').expect(200);
      expect(pools.body.items).toContainEqual(
        expect.objectContaining({
          pool: 'mi355x',
          allocatable: 16,
          requested: 13,
          free: 3,
          nodes: 2,
        }),
      );
      await request(app)
        .post('/environments')
        .send(
          createRequest({ name: unique('pool'), gpuPool: 'mi355x', gpus: 3 }),
        )
        .expect(201);
    } finally {
      await apis.core.deleteNamespace({ name: 'fill' });
    }
  });

  it('answers 404 for an unknown environment', async () => {
    const { app } = await makeApp();
    // An admin learns it does not exist; anyone else is refused alike whether it exists or not.
    const res = await request(app)
      .get('/environments/nope')
      .set(asUser(PRIYA))
      .expect(404);
    expect(res.body.error.name).toBe('NotFoundError');
    await request(app).get('/environments/nope').expect(403);
  });

  it('answers 403 when the permission policy denies, and lists nothing', async () => {
    const permissions = mockServices.permissions.mock({
      authorize: async requests =>
        requests.map(() => ({ result: AuthorizeResult.DENY })),
      authorizeConditional: async requests =>
        requests.map(() => ({ result: AuthorizeResult.DENY })),
    });
    const { app, auditor } = await makeApp({ permissions });
    const create = await request(app)
      .post('/environments')
      .send(createRequest({ name: unique('deny') }))
      .expect(403);
    expect(create.body.error.message).toBe(
      'not allowed: genai-playground.environment.create',
    );
    const createAudit = await (auditor.createEvent as jest.Mock).mock.results[0]
      .value;
    expect(createAudit.fail).toHaveBeenCalledWith({
      error: expect.objectContaining({ name: 'NotAllowedError' }),
    });
    await request(app).get('/environments/x').expect(403);
    await request(app).get('/environments/x/history').expect(403);
    await request(app)
      .post('/environments/x/extend')
      .send({ ttlHours: 1 })
      .expect(403);
    await request(app).delete('/environments/x').expect(403);
    await request(app).get('/quota/teams').expect(403);
    await request(app).get('/quota/pools').expect(403);
    await request(app).get('/environments').expect(403);
  });

  it('serves team quotas', async () => {
    const { app } = await makeApp();
    await request(app)
      .post('/environments')
      .send(createRequest({ name: unique('tq'), gpus: 1 }))
      .expect(201);
    const res = await request(app)
      .get('/quota/teams?team=ml-research')
      .expect(200);
    expect(res.body.items).toEqual([
      expect.objectContaining({
        team: 'group:default/ml-research',
        environments: 1,
        gpus: { hard: 1, used: 0, cap: 16 },
      }),
    ]);
    const all = await request(app).get('/quota/teams').expect(200);
    expect(all.body.items.map((t: { team: string }) => t.team)).toEqual([
      'group:default/ml-research',
    ]);
    await request(app).get('/quota/teams?team=user:default/x').expect(400);
  });

  it('needs a user for writes', async () => {
    const { app } = await makeApp();
    const anonymous = await request(app)
      .post('/environments')
      .set('Authorization', mockCredentials.none.header())
      .send(createRequest())
      .expect(401);
    expect(anonymous.body.error.name).toBe('AuthenticationError');
    const service = await request(app)
      .post('/environments')
      .set('Authorization', mockCredentials.service.header())
      .send(createRequest())
      .expect(403);
    expect(service.body.error.name).toBe('NotAllowedError');
  });
});
