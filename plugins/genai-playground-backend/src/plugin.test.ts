import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { notificationService } from '@backstage/plugin-notifications-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { startKubeSim, type KubeSim } from '@genai-portal/kube-sim';
import request from 'supertest';
import { orgServiceFactories } from './__testUtils__/testBackend';
import { genaiPlaygroundPlugin } from './plugin';
import {
  createRequest,
  MARCO,
  ORG_GROUPS,
  simApis,
  testConfigData,
} from './__testUtils__/harness';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('genaiPlaygroundPlugin', () => {
  let sim: KubeSim;
  beforeAll(async () => {
    sim = await startKubeSim({ port: 0, tickMs: 50, timeScale: 20 });
  });
  afterAll(() => sim.close());

  it('starts in a backend and creates an environment on the cluster', async () => {
    const send = jest.fn(async () => {});
    const { server } = await startTestBackend({
      features: [
        genaiPlaygroundPlugin,
        mockServices.rootConfig.factory({
          data: testConfigData(sim.url, sim.token),
        }),
        mockServices.database.factory({
          knex: await databases.init('SQLITE_3'),
        }),
        ...orgServiceFactories({ send }),
      ],
    });

    // health needs no identity; everything else does
    await request(server)
      .get('/api/genai-playground/health')
      .set('Authorization', mockCredentials.none.header())
      .expect(200, { status: 'ok' });
    await request(server)
      .get('/api/genai-playground/settings')
      .set('Authorization', mockCredentials.none.header())
      .expect(401);

    const res = await request(server)
      .post('/api/genai-playground/environments')
      .set('Authorization', mockCredentials.user.header(MARCO))
      .send(createRequest({ name: 'wired', gpus: 1 }))
      .expect(201);
    expect(res.body).toMatchObject({
      id: 'ml-research-wired',
      status: 'ready',
      owner: MARCO,
      team: 'group:default/ml-research',
    });
    const ns = await simApis(sim).core.readNamespace({
      name: 'ml-research-wired',
    });
    expect(ns.metadata?.labels?.['genai-playground.io/owner']).toBe(
      'marco.rossi',
    );

    // the resource type and its rules are registered for the permission backend
    const metadata = await request(server)
      .get('/api/genai-playground/.well-known/backstage/permissions/metadata')
      .set('Authorization', mockCredentials.service.header())
      .expect(200);
    expect(
      metadata.body.permissions.map((p: { name: string }) => p.name).sort(),
    ).toEqual([
      'genai-playground.apikey.create',
      'genai-playground.apikey.read',
      'genai-playground.apikey.revoke',
      'genai-playground.environment.create',
      'genai-playground.environment.delete',
      'genai-playground.environment.read',
      'genai-playground.environment.update',
      'genai-playground.environment.use',
      'genai-playground.facts.read',
      'genai-playground.inference.deploy',
      'genai-playground.inference.usage.read',
      'genai-playground.inference.use',
      'genai-playground.job.cancel',
      'genai-playground.job.create',
      'genai-playground.job.read',
      'genai-playground.metrics.read',
      'genai-playground.quota.read',
    ]);
    expect(
      metadata.body.rules.map((r: { name: string; resourceType: string }) => [
        r.name,
        r.resourceType,
      ]),
    ).toEqual([
      ['IS_IN_TEAM', 'genai-playground-environment'],
      ['IS_OWNER', 'genai-playground-environment'],
    ]);

    // and conditions are applied to environments loaded by id
    const applied = await request(server)
      .post(
        '/api/genai-playground/.well-known/backstage/permissions/apply-conditions',
      )
      .set('Authorization', mockCredentials.service.header())
      .send({
        items: [
          {
            id: '1',
            resourceRef: 'ml-research-wired',
            resourceType: 'genai-playground-environment',
            conditions: {
              rule: 'IS_IN_TEAM',
              resourceType: 'genai-playground-environment',
              params: { teams: ['ml-research'] },
            },
          },
          {
            id: '2',
            resourceRef: 'ml-research-wired',
            resourceType: 'genai-playground-environment',
            conditions: {
              rule: 'IS_OWNER',
              resourceType: 'genai-playground-environment',
              params: { owners: ['user:default/lena.fischer'] },
            },
          },
        ],
      })
      .expect(200);
    expect(applied.body.items).toEqual([
      { id: '1', result: AuthorizeResult.ALLOW },
      { id: '2', result: AuthorizeResult.DENY },
    ]);
  });

  it('stops at start-up with the config key at fault', async () => {
    await expect(
      startTestBackend({
        features: [
          genaiPlaygroundPlugin,
          mockServices.rootConfig.factory({
            data: testConfigData(sim.url, sim.token, {
              cluster: 'prod-cluster',
            }),
          }),
          catalogServiceMock.factory({ entities: ORG_GROUPS }),
          createServiceFactory({
            service: notificationService,
            deps: {},
            factory: () => ({ send: async () => {} }),
          }),
        ],
      }),
    ).rejects.toThrow(
      "Invalid config at genaiPlayground.cluster: no cluster named 'prod-cluster' in kubernetes.clusterLocatorMethods (type config); configured clusters: kube-sim",
    );
  });
});
