import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { startKubeSim, type KubeSim } from '@genai-portal/kube-sim';
import request from 'supertest';
import { orgServiceFactories } from '../__testUtils__/testBackend';
import { genaiPlaygroundPlugin } from '../plugin';
import { createRequest, MARCO, testConfigData } from '../__testUtils__/harness';
import {
  TEST_JOBS_CONFIG,
  TRAINER_IMAGE,
  waitFor,
} from '../__testUtils__/jobs';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('jobs in the plugin', () => {
  let sim: KubeSim;
  beforeAll(async () => {
    sim = await startKubeSim({ port: 0, tickMs: 25, timeScale: 20 });
  });
  afterAll(() => sim.close());

  it('serves /jobs, their settings and permissions from a backend', async () => {
    const { server } = await startTestBackend({
      features: [
        genaiPlaygroundPlugin,
        mockServices.rootConfig.factory({
          data: testConfigData(sim.url, sim.token, { jobs: TEST_JOBS_CONFIG }),
        }),
        mockServices.database.factory({
          knex: await databases.init('SQLITE_3'),
        }),
        ...orgServiceFactories(),
      ],
    });
    const asMarco = { Authorization: mockCredentials.user.header(MARCO) };
    const base = '/api/genai-playground';

    const settings = await request(server)
      .get(`${base}/settings`)
      .set(asMarco)
      .expect(200);
    expect(settings.body.jobs).toEqual({
      allowedRegistries: TEST_JOBS_CONFIG.allowedRegistries,
      allowedPools: ['mi300x'],
      defaultRuntimeHours: 2,
      maxRuntimeHours: 24,
      maxPods: 4,
      maxRetries: 3,
      priorityClasses: ['genai-blueprint'],
    });

    const metadata = await request(server)
      .get(`${base}/.well-known/backstage/permissions/metadata`)
      .set('Authorization', mockCredentials.service.header())
      .expect(200);
    expect(
      metadata.body.permissions.map((p: { name: string }) => p.name),
    ).toEqual(
      expect.arrayContaining([
        'genai-playground.job.create',
        'genai-playground.job.read',
        'genai-playground.job.cancel',
      ]),
    );

    const env = await request(server)
      .post(`${base}/environments`)
      .set(asMarco)
      .send(createRequest({ name: 'wired-jobs', gpus: 1 }))
      .expect(201);
    const job = await request(server)
      .post(`${base}/jobs`)
      .set(asMarco)
      .set('Idempotency-Key', 'wired-1')
      .send({
        environment: env.body.id,
        image: TRAINER_IMAGE,
        gpus: 1,
        env: [{ name: 'KUBE_SIM_RUN_SECONDS', value: '10' }],
      })
      .expect(201);
    // Reads bring the record in step with the cluster even before the watcher's first session.
    await waitFor(async () => {
      const res = await request(server)
        .get(`${base}/jobs/${job.body.id}`)
        .set(asMarco)
        .expect(200);
      return res.body.status === 'Succeeded';
    }, 20_000);
    await request(server)
      .get(`${base}/jobs`)
      .set('Authorization', mockCredentials.none.header())
      .expect(401);
  });
});
