import { mockServices } from '@backstage/backend-test-utils';
import { startSim } from '@genai-portal/test-utils';
import {
  ApiException,
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  type V1Pod,
} from '@kubernetes/client-node';
import { makeCoreApi, makeCustomObjectsApi } from '../../cluster/kubernetes';
import { KubernetesGpuReader } from './KubernetesGpuReader';

jest.setTimeout(120_000);

const TOKEN = 'insights-gpu-test-token';
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

/** The API with each method's calls counted. */
function counting<T extends object>(
  api: T,
): { api: T; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const proxy = new Proxy(api, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.set(String(key), (calls.get(String(key)) ?? 0) + 1);
        return value.apply(target, args);
      };
    },
  });
  return { api: proxy, calls };
}

const container = (requests: Record<string, string>) => ({
  name: 'main',
  image: 'registry.example/app:1',
  resources: { requests, limits: requests },
});

describe('KubernetesGpuReader on kube-sim', () => {
  let sim: { url: string; stop(): Promise<void> };
  let core: CoreV1Api;
  let custom: CustomObjectsApi;
  const cluster = () => ({
    url: sim.url,
    token: TOKEN,
    skipTLSVerify: false,
    source: 'test',
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
    custom = makeCustomObjectsApi(cluster());
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'sim', server: sim.url, skipTLSVerify: true }],
      users: [{ name: 'u', token: TOKEN }],
      contexts: [{ name: 'sim', cluster: 'sim', user: 'u' }],
      currentContext: 'sim',
    });
    const apps = kc.makeApiClient(AppsV1Api);
    const batch = kc.makeApiClient(BatchV1Api);

    // A playground namespace: its team and environment labelled, its requester annotated.
    await core.createNamespace({
      body: {
        metadata: {
          name: NS,
          labels: {
            'app.kubernetes.io/managed-by': 'genai-playground-portal',
            'genai-playground.io/environment': 'demo',
            'genai-playground.io/team': 'ml-research',
          },
          annotations: { 'openshift.io/requester': 'marco.rossi' },
        },
      },
    });
    await core.createNamespace({ body: { metadata: { name: 'elsewhere' } } });
    // A blueprint job of the playground on the MI355X pool.
    await batch.createNamespacedJob({
      namespace: NS,
      body: {
        metadata: { name: 'train' },
        spec: {
          template: {
            metadata: {
              labels: {
                'genai-playground.io/job-id': 'job-123',
                'genai-playground.io/owner': 'ada.lovelace',
              },
            },
            spec: {
              restartPolicy: 'Never',
              nodeSelector: { 'gpu-type': 'mi355x' },
              containers: [container({ cpu: '4', 'amd.com/gpu': '2' })],
              tolerations: GPU_TOLERATION,
            },
          },
        },
      },
    });
    // A model server on the MI300X pool.
    const serverLabels = {
      app: 'llama',
      'app.kubernetes.io/component': 'model-server',
      'genai-playground.io/inference-model': 'team-llama',
    };
    await apps.createNamespacedDeployment({
      namespace: NS,
      body: {
        metadata: { name: 'llama' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'llama' } },
          template: {
            metadata: { labels: serverLabels },
            spec: {
              nodeSelector: { 'gpu-type': 'mi300x' },
              containers: [container({ cpu: '2', 'amd.com/gpu': '1' })],
              tolerations: GPU_TOLERATION,
            },
          },
        },
      },
    });
    // A pod elsewhere holding a GPU without labels, one with none, one that cannot fit.
    await core.createNamespacedPod({
      namespace: 'elsewhere',
      body: {
        metadata: { name: 'notebook' },
        spec: {
          containers: [container({ 'amd.com/gpu': '1' })],
          tolerations: GPU_TOLERATION,
        },
      },
    });
    await core.createNamespacedPod({
      namespace: 'elsewhere',
      body: {
        metadata: { name: 'cpu-only' },
        spec: { containers: [container({ cpu: '1' })] },
      },
    });
    await core.createNamespacedPod({
      namespace: NS,
      body: {
        metadata: {
          name: 'too-big',
          labels: { 'genai-playground.io/gpu-pool': 'mi355x' },
        },
        spec: {
          containers: [container({ 'amd.com/gpu': '16' })],
          tolerations: GPU_TOLERATION,
        },
      },
    });
    await until('the pods to run, and one to be refused', async () => {
      const { items } = await core.listPodForAllNamespaces();
      const pod = (prefix: string) =>
        items.find(p => p.metadata?.name?.startsWith(prefix));
      const running = ['train-', 'llama-', 'notebook', 'cpu-only'].every(
        p => pod(p)?.status?.phase === 'Running',
      );
      const refused = pod('too-big')?.status?.conditions?.some(
        c => c.type === 'PodScheduled' && c.status === 'False',
      );
      return running && refused ? true : undefined;
    });
  });

  afterAll(() => sim?.stop());

  const podNamed = async (prefix: string): Promise<V1Pod> => {
    const { items } = await core.listPodForAllNamespaces();
    return items.find(p => p.metadata?.name?.startsWith(prefix))!;
  };

  it('reads the GPU nodes, the pods holding GPUs and the pods waiting for them', async () => {
    const logger = mockServices.logger.mock();
    const reader = new KubernetesGpuReader({ core, custom, logger });
    const snapshot = await reader.snapshot();

    expect(snapshot.nodes).toEqual([
      {
        name: 'gpu-mi300x-0',
        pool: 'mi300x',
        gpuModel: 'AMD Instinct MI300X',
        capacity: 8,
      },
      {
        name: 'gpu-mi300x-1',
        pool: 'mi300x',
        gpuModel: 'AMD Instinct MI300X',
        capacity: 8,
      },
      {
        name: 'gpu-mi355x-0',
        pool: 'mi355x',
        gpuModel: 'AMD Instinct MI355X',
        capacity: 8,
      },
      {
        name: 'gpu-mi355x-1',
        pool: 'mi355x',
        gpuModel: 'AMD Instinct MI355X',
        capacity: 8,
      },
    ]);

    const train = await podNamed('train-');
    const llama = await podNamed('llama-');
    const notebook = await podNamed('notebook');
    const byName = new Map(snapshot.pods.map(p => [p.pod, p]));
    expect([...byName.keys()].sort()).toEqual(
      [train, llama, notebook].map(p => p.metadata!.name).sort(),
    );
    expect(byName.get(train.metadata!.name!)).toEqual({
      uid: train.metadata!.uid,
      namespace: NS,
      pod: train.metadata!.name,
      node: train.spec!.nodeName,
      gpus: 2,
      kind: 'job',
      team: 'group:default/ml-research',
      environment: 'demo',
      owner: 'user:default/ada.lovelace',
      jobId: 'job-123',
      pool: 'mi355x',
      startedAt: train.status!.startTime!.toISOString(),
    });
    expect(byName.get(llama.metadata!.name!)).toEqual({
      uid: llama.metadata!.uid,
      namespace: NS,
      pod: llama.metadata!.name,
      node: llama.spec!.nodeName,
      gpus: 1,
      kind: 'inference',
      team: 'group:default/ml-research',
      environment: 'demo',
      // No owner label: the namespace's requester.
      owner: 'user:default/marco.rossi',
      model: 'team-llama',
      pool: 'mi300x',
      startedAt: llama.status!.startTime!.toISOString(),
    });
    expect(byName.get('notebook')).toEqual({
      uid: notebook.metadata!.uid,
      namespace: 'elsewhere',
      pod: 'notebook',
      node: notebook.spec!.nodeName,
      gpus: 1,
      kind: 'other',
      pool: expect.stringMatching(/^mi3/),
      startedAt: notebook.status!.startTime!.toISOString(),
    });

    const tooBig = await podNamed('too-big');
    expect(snapshot.pending).toEqual([
      {
        namespace: NS,
        name: 'too-big',
        source: 'pod',
        team: 'group:default/ml-research',
        pool: 'mi355x',
        gpus: 16,
        since: tooBig.metadata!.creationTimestamp!.toISOString(),
        reason: expect.stringMatching(/^0\/6 nodes are available: .*gpu/),
      },
    ]);
    expect(Date.parse(snapshot.at)).toBeLessThanOrEqual(Date.now());
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('follows continue tokens page by page', async () => {
    const counted = counting(core);
    const reader = new KubernetesGpuReader({
      core: counted.api,
      logger: mockServices.logger.mock(),
      pageSize: 2,
    });
    const snapshot = await reader.snapshot();
    expect(snapshot.nodes).toHaveLength(4);
    expect(snapshot.pods).toHaveLength(3);
    // Six nodes, two a page.
    expect(counted.calls.get('listNode')).toBe(3);
  });

  it('serves a snapshot again for its TTL and shares a read in flight', async () => {
    let now = Date.now();
    const counted = counting(core);
    const reader = new KubernetesGpuReader({
      core: counted.api,
      logger: mockServices.logger.mock(),
      cacheTtlMs: 10_000,
      now: () => now,
    });
    const [a, b, c] = await Promise.all([
      reader.snapshot(),
      reader.snapshot(),
      reader.snapshot(),
    ]);
    expect(b).toBe(a);
    expect(c).toBe(a);
    expect(Object.fromEntries(counted.calls)).toEqual({
      listNode: 1,
      listNamespace: 1,
      listPodForAllNamespaces: 2,
    });

    now += 9_999;
    expect(await reader.snapshot()).toBe(a);
    expect(counted.calls.get('listNode')).toBe(1);

    now += 1;
    const d = await reader.snapshot();
    expect(d).not.toBe(a);
    expect(d.pods.length).toBe(a.pods.length);
    expect(counted.calls.get('listNode')).toBe(2);
    expect(counted.calls.get('listPodForAllNamespaces')).toBe(4);
  });

  it('takes Kueue as absent when its workloads are not found, and asks again after 10 minutes', async () => {
    let now = Date.now();
    const counted = counting(custom);
    const logger = mockServices.logger.mock();
    const reader = new KubernetesGpuReader({
      core,
      custom: counted.api,
      logger,
      cacheTtlMs: 0,
      now: () => now,
    });
    const first = await reader.snapshot();
    expect(first.pending.map(p => [p.name, p.source])).toEqual([
      ['too-big', 'pod'],
    ]);
    expect(counted.calls.get('listClusterCustomObject')).toBe(1);
    expect(logger.info).toHaveBeenCalledTimes(1);
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringContaining('Kueue is not installed'),
    );

    now += 9 * 60_000;
    await reader.snapshot();
    now += 59_999;
    await reader.snapshot();
    expect(counted.calls.get('listClusterCustomObject')).toBe(1);

    now += 1;
    const later = await reader.snapshot();
    expect(later.pending).toHaveLength(1);
    expect(counted.calls.get('listClusterCustomObject')).toBe(2);
    // Still absent: said once.
    expect(logger.info).toHaveBeenCalledTimes(1);
  });
});

describe('KubernetesGpuReader on answers it cannot fully read', () => {
  const GPU_NODE = {
    metadata: {
      name: 'gpu-0',
      labels: {
        pool: 'mi355x',
        'amd.com/gpu.product-name': 'AMD_Instinct_MI355X',
      },
    },
    // No allocatable: the capacity.
    status: { capacity: { 'amd.com/gpu': '8' } },
  };
  const pod = (
    uid: string,
    gpus: unknown,
    extra: Record<string, any> = {},
  ): V1Pod =>
    ({
      metadata: { uid, name: uid, namespace: 'ns', ...extra.metadata },
      spec: {
        nodeName: 'gpu-0',
        containers: [
          {
            name: 'c',
            image: 'x',
            resources: { limits: { 'amd.com/gpu': gpus } },
          },
        ],
      },
      status: { phase: 'Running', startTime: new Date('2026-12-01T00:00:00Z') },
    } as V1Pod);

  const fakeCore = (
    pods: V1Pod[],
    options: { failures?: number; pending?: V1Pod[] } = {},
  ) => {
    let failures = options.failures ?? 0;
    return {
      listNode: async () => {
        if (failures > 0) {
          failures--;
          throw new Error('connection reset');
        }
        return {
          items: [GPU_NODE, { metadata: { name: 'cpu-0' }, status: {} }],
        };
      },
      listNamespace: async () => ({
        items: [
          {
            metadata: {
              name: 'ns',
              labels: { 'genai-playground.io/team': 'ml-research' },
            },
          },
        ],
      }),
      listPodForAllNamespaces: async ({ fieldSelector }: any) => ({
        items:
          fieldSelector === 'status.phase=Running'
            ? pods
            : options.pending ?? [],
      }),
    } as unknown as CoreV1Api;
  };

  it('leaves out, with a warning, a pod or node it cannot read', async () => {
    const logger = mockServices.logger.mock();
    const reader = new KubernetesGpuReader({
      core: fakeCore([
        pod('ok', '4'),
        pod('odd', 'lots'),
        pod('half', '500m'),
        pod('negative', '-1'),
        { metadata: { name: 'no-uid', namespace: 'ns' } } as V1Pod,
        null as unknown as V1Pod,
        pod('owner', '1', {
          metadata: {
            labels: { 'genai-playground.io/owner': 'not a name!' },
          },
        }),
      ]),
      logger,
      poolLabel: 'pool',
    });
    const snapshot = await reader.snapshot();
    expect(snapshot.nodes).toEqual([
      {
        name: 'gpu-0',
        pool: 'mi355x',
        gpuModel: 'AMD Instinct MI355X',
        capacity: 8,
      },
    ]);
    expect(snapshot.pods.map(p => [p.uid, p.gpus, p.team, p.owner])).toEqual([
      ['ok', 4, 'group:default/ml-research', undefined],
      // An owner that names no user is left out, not the pod.
      ['owner', 1, 'group:default/ml-research', undefined],
    ]);
    // A negative request counts as none (the scheduler's max with the init containers').
    expect(logger.warn).toHaveBeenCalledTimes(4);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('pod ns/odd is left out: Unknown quantity lots'),
    );
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('pod (unnamed) is left out'),
    );
  });

  it('does not cache a failed read: every waiting caller gets the error, the next call reads again', async () => {
    const logger = mockServices.logger.mock();
    const reader = new KubernetesGpuReader({
      core: fakeCore([pod('ok', '1')], { failures: 1 }),
      logger,
    });
    const results = await Promise.allSettled([
      reader.snapshot(),
      reader.snapshot(),
    ]);
    expect(results.map(r => r.status)).toEqual(['rejected', 'rejected']);
    expect((await reader.snapshot()).pods).toHaveLength(1);
  });

  const apiError = (code: number) => new ApiException(code, 'failed', '{}', {});

  it('takes a forbidden Kueue as absent, and throws other failures', async () => {
    const logger = mockServices.logger.mock();
    let calls = 0;
    const forbidden = {
      listClusterCustomObject: async () => {
        calls++;
        throw apiError(403);
      },
    } as unknown as CustomObjectsApi;
    const reader = new KubernetesGpuReader({
      core: fakeCore([]),
      custom: forbidden,
      logger,
      cacheTtlMs: 0,
    });
    expect((await reader.snapshot()).pending).toEqual([]);
    await reader.snapshot();
    expect(calls).toBe(1);
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringContaining('not allowed to list them'),
    );

    const broken = new KubernetesGpuReader({
      core: fakeCore([]),
      custom: {
        listClusterCustomObject: async () => {
          throw apiError(500);
        },
      } as unknown as CustomObjectsApi,
      logger,
    });
    await expect(broken.snapshot()).rejects.toThrow(ApiException);
  });

  it('counts Kueue workloads not admitted, and leaves their gated pods to them', async () => {
    const workload = (
      name: string,
      conditions: unknown[],
      podSets: unknown,
    ) => ({
      metadata: {
        name,
        namespace: 'ns',
        creationTimestamp: '2026-12-01T00:07:00Z',
      },
      spec: { podSets },
      status: { conditions },
    });
    const gpuPodSet = (count: number, gpus: string) => ({
      name: 'main',
      count,
      template: {
        spec: {
          nodeSelector: { 'gpu-type': 'mi300x' },
          containers: [
            { name: 'c', resources: { requests: { 'amd.com/gpu': gpus } } },
          ],
        },
      },
    });
    const pages = [
      {
        items: [
          workload(
            'waiting',
            [
              {
                type: 'QuotaReserved',
                status: 'False',
                message: "couldn't assign flavors to pod set main",
              },
            ],
            [gpuPodSet(2, '4'), gpuPodSet(1, '1')],
          ),
          workload(
            'admitted',
            [{ type: 'Admitted', status: 'True' }],
            [gpuPodSet(1, '8')],
          ),
        ],
        metadata: { continue: 'next' },
      },
      {
        items: [
          workload('cpu', [], [{ name: 'main', count: 1, template: {} }]),
          workload('broken', [], 'not a list'),
        ],
        metadata: {},
      },
    ];
    const tokens: unknown[] = [];
    const custom = {
      listClusterCustomObject: async (request: any) => {
        tokens.push(request._continue);
        expect(request).toMatchObject({
          group: 'kueue.x-k8s.io',
          version: 'v1beta1',
          plural: 'workloads',
        });
        return pages[tokens.length - 1];
      },
    } as unknown as CustomObjectsApi;
    const gated: V1Pod = {
      metadata: {
        uid: 'gated',
        name: 'gated',
        namespace: 'ns',
        creationTimestamp: new Date('2026-12-01T00:00:00Z'),
      },
      spec: {
        schedulingGates: [{ name: 'kueue.x-k8s.io/admission' }],
        containers: [
          {
            name: 'c',
            image: 'x',
            resources: { requests: { 'amd.com/gpu': '1' } },
          },
        ],
      },
      status: { phase: 'Pending' },
    };
    const logger = mockServices.logger.mock();
    const reader = new KubernetesGpuReader({
      core: fakeCore([], { pending: [gated] }),
      custom,
      logger,
    });
    const { pending } = await reader.snapshot();
    expect(tokens).toEqual([undefined, 'next']);
    expect(pending).toEqual([
      {
        namespace: 'ns',
        name: 'waiting',
        source: 'kueue',
        team: 'group:default/ml-research',
        pool: 'mi300x',
        gpus: 9,
        since: '2026-12-01T00:07:00.000Z',
        reason: "couldn't assign flavors to pod set main",
      },
    ]);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('workload ns/broken is left out'),
    );

    // Without Kueue, the gated pod is what waits.
    const withoutKueue = new KubernetesGpuReader({
      core: fakeCore([], { pending: [gated] }),
      logger,
    });
    expect((await withoutKueue.snapshot()).pending).toEqual([
      {
        namespace: 'ns',
        name: 'gated',
        source: 'pod',
        team: 'group:default/ml-research',
        gpus: 1,
        since: '2026-12-01T00:00:00.000Z',
      },
    ]);
  });
});
