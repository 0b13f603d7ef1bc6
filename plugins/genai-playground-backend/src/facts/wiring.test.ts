import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { startKubeSim, type KubeSim } from '@genai-portal/kube-sim';
import request from 'supertest';
import { createRequest, MARCO, testConfigData } from '../__testUtils__/harness';
import { orgServiceFactories } from '../__testUtils__/testBackend';
import { genaiPlaygroundPlugin } from '../plugin';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('the facts feed in the plugin', () => {
  let sim: KubeSim;
  beforeAll(async () => {
    sim = await startKubeSim({ port: 0, tickMs: 25, timeScale: 20 });
  });
  afterAll(() => sim.close());

  it('serves /facts and registers its permission, next to the other routes', async () => {
    const { server } = await startTestBackend({
      features: [
        genaiPlaygroundPlugin,
        mockServices.rootConfig.factory({
          // No settle window: what was just written is delivered at once.
          data: testConfigData(sim.url, sim.token, {
            factsFeed: { settleSeconds: 0 },
            inference: { metering: { flushIntervalMs: 1 } },
          }),
        }),
        mockServices.database.factory({
          knex: await databases.init('SQLITE_3'),
        }),
        ...orgServiceFactories(),
      ],
    });
    const base = '/api/genai-playground';
    const asService = { Authorization: mockCredentials.service.header() };

    const metadata = await request(server)
      .get(`${base}/.well-known/backstage/permissions/metadata`)
      .set(asService)
      .expect(200);
    expect(
      metadata.body.permissions.find(
        (p: { name: string }) => p.name === 'genai-playground.facts.read',
      ),
    ).toEqual({
      type: 'basic',
      name: 'genai-playground.facts.read',
      attributes: { action: 'read' },
    });

    await request(server)
      .post(`${base}/environments`)
      .set('Authorization', mockCredentials.user.header(MARCO))
      .send(createRequest({ name: 'fed', gpus: 1 }))
      .expect(201);
    const page = await request(server)
      .get(`${base}/facts?limit=10`)
      .set(asService)
      .expect(200);
    expect(page.body).toEqual({
      facts: {
        environmentEvents: [
          expect.objectContaining({
            id: 'env-event-1',
            environmentId: 'ml-research-fed',
            type: 'created',
          }),
        ],
        jobs: [],
        tokens: [],
      },
      cursor: expect.any(String),
      more: false,
    });

    await request(server)
      .get(`${base}/facts`)
      .set('Authorization', mockCredentials.none.header())
      .expect(401);
    await request(server)
      .get(`${base}/facts?limit=0`)
      .set(asService)
      .expect(400);
    // The routes mounted after it still validate and answer as before.
    await request(server)
      .get(`${base}/jobs?limit=0`)
      .set(asService)
      .expect(400);
    await request(server)
      .get(`${base}/environments`)
      .set(asService)
      .expect(200);
  });
});
