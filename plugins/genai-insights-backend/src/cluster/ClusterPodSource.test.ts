import { mockServices } from '@backstage/backend-test-utils';
import { startSim } from '@genai-portal/test-utils';
import {
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  KubeConfig,
  type V1Pod,
} from '@kubernetes/client-node';
import { databases, makeStores } from '../__testUtils__/database';
import { testConfig } from '../__testUtils__/fixtures';
import { createCollectorCapability } from '../collect/createCollectorCapability';
import { FakeFeed } from '../collect/__testUtils__/FakeFeed';
import { ClusterPodSource } from './ClusterPodSource';
import { DatabaseClusterPodStore } from './ClusterPodStore';
import { makeCoreApi } from './kubernetes';

jest.setTimeout(120_000);

const TOKEN = 'insights-test-token';
const NS = 'ml-research-demo';
const GPU_TOLERATION = [
  { key: 'amd.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
];

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

async function until<T>(what: string, check: () => Promise<T | undefined>) {
  for (let i = 0; i < 600; i++) {
    const value = await check();
    if (value !== undefined) return value;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('ClusterPodSource on kube-sim', () => {
  let sim: { url: string; stop(): Promise<void> };
  let core: CoreV1Api;
  let apps: AppsV1Api;
  let batch: BatchV1Api;
  const cluster = () => ({
    url: sim.url,
    token: TOKEN,
    skipTLSVerify: false,
    source: 'test',
  });

  const container = (requests: Record<string, string>) => ({
    name: 'main',
    image: 'registry.example/app:1',
    resources: { requests, limits: requests },
  });

  beforeAll(async () => {
    sim = await startSim('kube-sim', [
      '--port',
      '0',
      '--token',
      TOKEN,
      '--tick-ms',
      '20',
    ]);
    core = makeCoreApi(cluster());
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'sim', server: sim.url, skipTLSVerify: true }],
      users: [{ name: 'u', token: TOKEN }],
      contexts: [{ name: 'sim', cluster: 'sim', user: 'u' }],
      currentContext: 'sim',
    });
    apps = kc.makeApiClient(AppsV1Api);
    batch = kc.makeApiClient(BatchV1Api);

    // A playground namespace as the playground makes it, and one that is not the playground's.
    await core.createNamespace({
      body: {
        metadata: {
          name: NS,
          labels: {
            'app.kubernetes.io/managed-by': 'genai-playground-portal',
            'genai-playground.io/environment': 'demo',
            'genai-playground.io/team': 'ml-research',
            'genai-playground.io/gpu-pool': 'mi300x',
          },
          annotations: { 'genai-playground.io/cost-center': 'CC-100' },
        },
      },
    });
    await core.createNamespace({ body: { metadata: { name: 'elsewhere' } } });
    // An inference server (a Deployment), a pod that finishes, a job.
    await apps.createNamespacedDeployment({
      namespace: NS,
      body: {
        metadata: { name: 'server' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'server' } },
          template: {
            metadata: { labels: { app: 'server' } },
            spec: {
              containers: [container({ cpu: '500m', memory: '1536Mi' })],
            },
          },
        },
      },
    });
    await core.createNamespacedPod({
      namespace: NS,
      body: {
        metadata: {
          name: 'setup',
          annotations: {
            'kube-sim.genai.io/run-seconds': '1',
            'kube-sim.genai.io/exit': 'succeed',
          },
        },
        spec: {
          restartPolicy: 'Never',
          containers: [container({ cpu: '1', memory: '1Gi' })],
        },
      },
    });
    await batch.createNamespacedJob({
      namespace: NS,
      body: {
        metadata: { name: 'train' },
        spec: {
          template: {
            spec: {
              restartPolicy: 'Never',
              containers: [
                container({ cpu: '4', memory: '16Gi', 'amd.com/gpu': '2' }),
              ],
              tolerations: GPU_TOLERATION,
            },
          },
        },
      },
    });
    await core.createNamespacedPod({
      namespace: 'elsewhere',
      body: {
        metadata: { name: 'other' },
        spec: { containers: [container({ cpu: '1', memory: '1Gi' })] },
      },
    });
    await until('the pods to run', async () => {
      const { items } = await core.listNamespacedPod({ namespace: NS });
      const phase = (prefix: string) =>
        items.find(p => p.metadata?.name?.startsWith(prefix))?.status?.phase;
      return phase('server-') === 'Running' &&
        phase('train-') === 'Running' &&
        phase('setup') === 'Succeeded'
        ? true
        : undefined;
    });
  });

  afterAll(() => sim?.stop());

  const podNamed = async (prefix: string): Promise<V1Pod> => {
    const { items } = await core.listNamespacedPod({ namespace: NS });
    return items.find(p => p.metadata?.name?.startsWith(prefix))!;
  };

  it.each(databases.eachSupportedId())(
    'reports new, finished and vanished pods once each, on %p',
    async databaseId => {
      const { database, knex } = await makeStores(databaseId);
      const source = new ClusterPodSource({
        core,
        store: await DatabaseClusterPodStore.create({ database }),
        logger: mockServices.logger.mock(),
        nodeLabelKeys: ['kube-sim.genai.io/pool'],
      });
      // A notebook with a GPU, for this test.
      const name = `notebook-${databaseId.toLowerCase().replace('_', '-')}`;
      await core.createNamespacedPod({
        namespace: NS,
        body: {
          metadata: { name },
          spec: {
            containers: [
              container({ cpu: '2', memory: '8Gi', 'amd.com/gpu': '1' }),
            ],
            tolerations: GPU_TOLERATION,
          },
        },
      });
      const notebook = await until('the notebook to run', async () => {
        const p = await podNamed(name);
        return p?.status?.phase === 'Running' ? p : undefined;
      });
      const server = await podNamed('server-');
      const setup = await podNamed('setup');
      const t = (minutes: number) => new Date(Date.now() + minutes * 60_000);

      const t1 = t(1);
      const first = await source.collect({ now: t1 });
      const names = new Map([
        [notebook.metadata!.uid, 'notebook'],
        [server.metadata!.uid, 'server'],
        [setup.metadata!.uid, 'setup'],
      ]);
      const byName = new Map(
        first.pods!.map(p => [names.get(p.id) ?? p.id, p]),
      );
      // The job's pod is the feed's, the other namespace's is not the playground's.
      expect([...byName.keys()].sort()).toEqual([
        'notebook',
        'server',
        'setup',
      ]);
      expect(byName.get('notebook')).toEqual({
        id: notebook.metadata!.uid,
        environmentId: NS,
        team: 'group:default/ml-research',
        costCenter: 'CC-100',
        pool: 'mi300x',
        gpus: 1,
        cpu: 2,
        memoryGi: 8,
        start: notebook.status!.startTime!.toISOString(),
        nodeLabels: {
          'kube-sim.genai.io/pool': expect.stringMatching(/^mi3/),
        },
      });
      expect(byName.get('server')).toMatchObject({
        gpus: 0,
        cpu: 0.5,
        memoryGi: 1.5,
      });
      const finishedAt =
        setup.status!.containerStatuses![0].state!.terminated!.finishedAt!;
      expect(byName.get('setup')).toMatchObject({
        cpu: 1,
        end: finishedAt.toISOString(),
      });

      // Stored: nothing changed, nothing reported.
      const t2 = t(2);
      expect(
        await source.collect({ since: t1.toISOString(), now: t2 }),
      ).toEqual({
        pods: [],
      });

      // The notebook is deleted: it ran until it was last seen running.
      await core.deleteNamespacedPod({ namespace: NS, name });
      await until('the notebook to go', async () =>
        (
          await core.listNamespacedPod({ namespace: NS })
        ).items.some(p => p.metadata?.name === name)
          ? undefined
          : true,
      );
      const t3 = t(3);
      const closed = {
        ...byName.get('notebook'),
        end: t2.toISOString(),
      };
      expect(
        await source.collect({ since: t2.toISOString(), now: t3 }),
      ).toEqual({
        pods: [closed],
      });
      // That run's facts were not stored (since did not move): reported again.
      const t4 = t(4);
      expect(
        await source.collect({ since: t2.toISOString(), now: t4 }),
      ).toEqual({
        pods: [closed],
      });
      // Stored: forgotten.
      expect(
        await source.collect({ since: t4.toISOString(), now: t(5) }),
      ).toEqual({
        pods: [],
      });
      expect((await knex('cluster_pods').pluck('id')).sort()).toEqual(
        [server.metadata!.uid, setup.metadata!.uid].sort(),
      );

      // A new collector (a restart, or the progress lost): everything listed, once more.
      expect(
        (await source.collect({ now: t(6) })).pods!.map(p => p.id).sort(),
      ).toEqual([server.metadata!.uid, setup.metadata!.uid].sort());
    },
  );

  it('feeds the used basis through the collector', async () => {
    const { database, knex, facts, ledger } = await makeStores('SQLITE_3');
    const feed = await FakeFeed.start();
    try {
      const server = await podNamed('server-');
      const start = server.status!.startTime!.getTime();
      // Two hours after the server started.
      const now = new Date(start + 2 * 3_600_000);
      const { collector } = await createCollectorCapability({
        config: {
          ...testConfig(),
          collector: { frequencySeconds: 30 },
          cluster: cluster(),
        },
        database,
        discovery: feed.discovery(),
        auth: mockServices.auth(),
        logger: mockServices.logger.mock(),
        facts,
        ledger,
        clock: () => now,
      });
      expect(await collector.run()).toMatchObject({ failed: [] });
      const row = await knex('ledger_rows')
        .where({ environment: NS, basis: 'used', category: 'cpu' })
        .sum({ quantity: 'quantity', cost: 'cost_micros' })
        .first();
      // The server's half core for two hours, the finished pod's core for its second (the
      // notebooks were deleted before this collector first looked).
      const setup = await podNamed('setup');
      const setupSeconds =
        (setup.status!.containerStatuses![0].state!.terminated!.finishedAt!.getTime() -
          setup.status!.startTime!.getTime()) /
        1000;
      const hours = 0.5 * 2 + (1 * setupSeconds) / 3600;
      expect(Number(row!.quantity)).toBeCloseTo(hours, 6);
      // December's 0.05 a core-hour, rounded once per row.
      expect(Math.abs(Number(row!.cost) - hours * 50_000)).toBeLessThanOrEqual(
        5,
      );
    } finally {
      await feed.close();
    }
  });
});

describe('ClusterPodSource on an answer it cannot count', () => {
  it('leaves out, with a warning, a pod whose quantities are not canonical', async () => {
    const namespace = {
      metadata: {
        name: NS,
        labels: { 'genai-playground.io/team': 'ml-research' },
      },
    };
    const pod = (uid: string, memory: string): V1Pod => ({
      metadata: { uid, name: uid, namespace: NS },
      spec: {
        containers: [
          { name: 'c', image: 'x', resources: { requests: { memory } } },
        ],
      },
      status: { phase: 'Running', startTime: new Date('2026-12-01T00:00:00Z') },
    });
    // A real API server answers quantities canonically ("1536Mi"); kube-sim as written.
    const core = {
      listNamespace: async () => ({ items: [namespace] }),
      listNamespacedPod: async () => ({
        items: [pod('ok', '1536Mi'), pod('odd', '1.5Gi')],
      }),
    } as unknown as CoreV1Api;
    const records = new Map();
    const logger = mockServices.logger.mock();
    const source = new ClusterPodSource({
      core,
      logger,
      store: {
        list: async () => records,
        apply: async () => {},
      },
    });
    const { pods } = await source.collect({
      now: new Date('2026-12-01T01:00:00Z'),
    });
    expect(pods?.map(p => [p.id, p.memoryGi])).toEqual([['ok', 1.5]]);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(`Pod ${NS}/odd is not counted`),
    );
  });
});
