import {
  coreServices,
  createBackendModule,
  createServiceFactory,
  type SchedulerServiceTaskInvocationDefinition,
  type SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  notificationService,
  type NotificationSendOptions,
} from '@backstage/plugin-notifications-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { genaiInsightsFactsExtensionPoint } from '@genai-portal/plugin-genai-insights-node';
// The joint test runs both plugins in one backend, the real feed between them.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import genaiPlaygroundPlugin from '@genai-portal/plugin-genai-playground-backend';
import { startSim } from '@genai-portal/test-utils';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import request from 'supertest';
import { event, ML, RATE_CONFIG } from '../__testUtils__/fixtures';
import { genaiInsightsPlugin } from '../plugin';
import { FakeFeed } from './__testUtils__/FakeFeed';

jest.setTimeout(120_000);

type Task = SchedulerServiceTaskScheduleDefinition &
  SchedulerServiceTaskInvocationDefinition;

/** A scheduler that only records the tasks: the test runs them. */
function recordingScheduler() {
  const tasks = new Map<string, Task>();
  const factory = mockServices.scheduler.mock({
    scheduleTask: async (task: Task) => {
      tasks.set(task.id, task);
    },
  }).factory;
  const run = async (id: string) => {
    const task = tasks.get(id);
    if (!task) throw new Error(`no task ${id}; tasks: ${[...tasks.keys()]}`);
    await task.fn(new AbortController().signal);
  };
  return { tasks, factory, run };
}

/** A notifications service that records what is sent. */
function recordingNotifications() {
  const sent: NotificationSendOptions[] = [];
  const factory = createServiceFactory({
    service: notificationService,
    deps: {},
    factory: () => ({
      send: async (options: NotificationSendOptions) => {
        sent.push(options);
      },
    }),
  });
  return { sent, factory };
}

const group = (name: string, annotations?: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default', annotations },
  spec: { type: 'team', children: [] },
});

const API = '/api/genai-insights';

describe('the collector in the plugin', () => {
  it('collects the feed and a module source, and schedules the notifications', async () => {
    const feed = await FakeFeed.start();
    try {
      feed.append({
        environmentEvents: [
          event({
            id: 'e1',
            environmentId: 'ml-a',
            at: '2026-12-01T00:00:00Z',
          }),
          event({
            id: 'e2',
            environmentId: 'ml-a',
            type: 'deleted',
            at: '2026-12-01T10:00:00Z',
          }),
        ],
      });
      const scheduler = recordingScheduler();
      const notifications = recordingNotifications();
      const since: Array<string | undefined> = [];
      const { server } = await startTestBackend({
        features: [
          genaiInsightsPlugin,
          createBackendModule({
            pluginId: 'genai-insights',
            moduleId: 'test-facts',
            register(reg) {
              reg.registerInit({
                deps: { facts: genaiInsightsFactsExtensionPoint },
                async init({ facts }) {
                  facts.addFactSource({
                    id: 'gateway-tokens',
                    collect: async options => {
                      since.push(options.since);
                      return {
                        tokens: [
                          {
                            id: 'call-1',
                            environmentId: 'ml-a',
                            team: ML,
                            model: 'llama',
                            inputTokens: 1_000_000,
                            outputTokens: 0,
                            at: '2026-12-01T05:00:00Z',
                          },
                        ],
                      };
                    },
                  });
                },
              });
            },
          }),
          mockServices.rootConfig.factory({
            data: {
              genaiInsights: {
                ...RATE_CONFIG,
                collector: { frequencySeconds: 10 },
              },
            },
          }),
          createServiceFactory({
            service: coreServices.discovery,
            deps: {},
            factory: () => ({
              getBaseUrl: async (pluginId: string) =>
                pluginId === 'genai-playground'
                  ? feed.baseUrl
                  : `http://localhost/api/${pluginId}`,
              getExternalBaseUrl: async (pluginId: string) =>
                `http://localhost/api/${pluginId}`,
            }),
          }),
          scheduler.factory,
          notifications.factory,
          catalogServiceMock.factory({ entities: [group('ml-research')] }),
        ],
      });
      expect([...scheduler.tasks.values()]).toEqual([
        expect.objectContaining({
          id: 'genai-insights-collector',
          frequency: { seconds: 10 },
          scope: 'global',
        }),
        expect.objectContaining({
          id: 'genai-insights-budget-notifications',
          frequency: { minutes: 5 },
          scope: 'global',
        }),
        expect.objectContaining({
          id: 'genai-insights-compliance-waiver-expiry',
          frequency: { hours: 1 },
          scope: 'global',
        }),
      ]);

      await scheduler.run('genai-insights-collector');
      await scheduler.run('genai-insights-collector');
      expect(since).toEqual([undefined, expect.any(String)]);
      const cost = await request(server)
        .get(`${API}/cost?from=2026-12-01&to=2026-12-02&stackBy=category`)
        .set('Authorization', mockCredentials.user.header())
        .expect(200);
      expect(cost.body.points).toEqual(
        expect.arrayContaining([
          // 10 hours of 2 mi300x GPUs at December's 3.50.
          { period: '2026-12-01', key: 'gpu', costMicros: 70_000_000 },
          // The module's million input tokens of llama at 0.20.
          { period: '2026-12-01', key: 'tokens', costMicros: 200_000 },
        ]),
      );
      await scheduler.run('genai-insights-budget-notifications');
      expect(notifications.sent).toEqual([]);
    } finally {
      await feed.close();
    }
  });
});

const TOKEN = 'wiring-test-token';
const MARCO = 'user:default/marco.rossi';

describe('the collector on the real playground feed', () => {
  let sim: { url: string; stop(): Promise<void> };
  beforeAll(async () => {
    sim = await startSim('kube-sim', [
      '--port',
      '0',
      '--token',
      TOKEN,
      '--tick-ms',
      '20',
    ]);
  });
  afterAll(() => sim?.stop());

  it('fills the ledger from an environment the playground made, and the pods in it', async () => {
    const scheduler = recordingScheduler();
    const notifications = recordingNotifications();
    const { server } = await startTestBackend({
      features: [
        genaiPlaygroundPlugin,
        genaiInsightsPlugin,
        mockServices.rootConfig.factory({
          data: {
            kubernetes: {
              clusterLocatorMethods: [
                {
                  type: 'config',
                  clusters: [
                    {
                      name: 'kube-sim',
                      url: sim.url,
                      authProvider: 'serviceAccount',
                      serviceAccountToken: TOKEN,
                    },
                  ],
                },
              ],
            },
            genaiPlayground: {
              cluster: 'kube-sim',
              adminGroups: ['group:default/platform-team'],
              gatewayNamespace: 'genai-portal',
              kubernetes: {
                requestTimeoutMs: 5000,
                retries: 1,
                retryBaseDelayMs: 10,
              },
              // What was just written is delivered at once.
              factsFeed: { settleSeconds: 0 },
            },
            // The playground's default prices; the cluster is the playground's.
          },
        }),
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        mockServices.userInfo.mock({
          getUserInfo: async credentials => {
            const ref = (credentials.principal as { userEntityRef: string })
              .userEntityRef;
            return {
              userEntityRef: ref,
              ownershipEntityRefs: [ref, 'group:default/ml-research'],
            };
          },
        }).factory,
        catalogServiceMock.factory({
          entities: [
            group('ml-research', {
              'genai-playground.io/leads': 'marco.rossi',
            }),
            group('platform-team'),
          ],
        }),
        scheduler.factory,
        notifications.factory,
      ],
    });

    const created = await request(server)
      .post('/api/genai-playground/environments')
      .set('Authorization', mockCredentials.user.header(MARCO))
      .send({
        name: 'fed',
        team: 'ml-research',
        gpuPool: 'mi300x',
        gpus: 1,
        cpu: 8,
        memoryGi: 64,
        storageGi: 100,
        ttlHours: 72,
        costCenter: 'CC-2100',
        monthlyBudget: 5000,
        dataClassification: 'internal',
        securityLevel: 'medium',
        description: 'feed test',
      })
      .expect(201);
    const namespace: string = created.body.namespace;

    // A notebook in the environment: outside jobs, counted from the cluster.
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'sim', server: sim.url, skipTLSVerify: true }],
      users: [{ name: 'u', token: TOKEN }],
      contexts: [{ name: 'sim', cluster: 'sim', user: 'u' }],
      currentContext: 'sim',
    });
    const core = kc.makeApiClient(CoreV1Api);
    await core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: 'notebook' },
        spec: {
          containers: [
            {
              name: 'main',
              image: 'registry.example/notebook:1',
              resources: {
                requests: { cpu: '1', memory: '2Gi' },
                limits: { cpu: '2', memory: '4Gi' },
              },
            },
          ],
        },
      },
    });
    for (let i = 0; ; i++) {
      const pod = await core.readNamespacedPod({ namespace, name: 'notebook' });
      if (pod.status?.phase === 'Running') break;
      if (i > 600) throw new Error('the notebook did not start');
      await new Promise(r => setTimeout(r, 50));
    }

    const before = Date.now();
    await scheduler.run('genai-insights-collector');
    const after = Date.now();

    const day = new Date().toISOString().slice(0, 10);
    const next = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const idle = await request(server)
      .get(`${API}/cost/idle?from=${day}&to=${next}`)
      .set('Authorization', mockCredentials.user.header(MARCO))
      .expect(200);
    const item = (category: string) =>
      idle.body.items.find(
        (c: { category: string }) => c.category === category,
      );
    const gpu = item('gpu');
    const cpu = item('cpu');
    // The environment's GPU, reserved from when it was ready (its event in the feed) up to the
    // collector's run.
    const feedPage = await request(server)
      .get('/api/genai-playground/facts')
      .set('Authorization', mockCredentials.service.header())
      .expect(200);
    expect(feedPage.body.facts.environmentEvents).toEqual([
      expect.objectContaining({ environmentId: namespace, type: 'created' }),
    ]);
    const createdAt = Date.parse(feedPage.body.facts.environmentEvents[0].at);
    expect(gpu.reservedQuantity).toBeGreaterThan(0);
    expect(gpu.reservedQuantity).toBeGreaterThanOrEqual(
      (before - createdAt) / 3_600_000 - 1e-6,
    );
    expect(gpu.reservedQuantity).toBeLessThanOrEqual(
      (after - createdAt) / 3_600_000 + 1e-6,
    );
    // The notebook's core, used since it started (a pod's times are whole seconds).
    const pod = await core.readNamespacedPod({ namespace, name: 'notebook' });
    const started = pod.status!.startTime!.getTime();
    expect(cpu.usedQuantity).toBeGreaterThanOrEqual(
      (before - started) / 3_600_000 - 1e-6,
    );
    expect(cpu.usedQuantity).toBeLessThanOrEqual(
      (after - started) / 3_600_000 + 1e-6,
    );
  });
});
