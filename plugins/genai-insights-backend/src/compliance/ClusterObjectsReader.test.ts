import { mockServices } from '@backstage/backend-test-utils';
import type {
  EnvironmentObjects,
  KubeObject,
} from '@genai-portal/plugin-genai-insights-node';
import { startSim } from '@genai-portal/test-utils';
import {
  AppsV1Api,
  BatchV1Api,
  type CoreV1Api,
  type CustomObjectsApi,
  NetworkingV1Api,
  PolicyV1Api,
} from '@kubernetes/client-node';
import {
  makeClusterApi,
  makeCoreApi,
  makeCustomObjectsApi,
} from '../cluster/kubernetes';
import { ClusterObjectsReader } from './ClusterObjectsReader';

jest.setTimeout(120_000);

const TOKEN = 'insights-compliance-test-token';
const NS = 'team-a-dev';
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

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

/** Every object, and every object in it, is a plain JSON object. */
function isPlainJson(value: unknown): boolean {
  if (value === null || typeof value !== 'object') {
    return (
      ['string', 'number', 'boolean'].includes(typeof value) || value === null
    );
  }
  if (Array.isArray(value)) return value.every(isPlainJson);
  return (
    Object.getPrototypeOf(value) === Object.prototype &&
    Object.values(value).every(isPlainJson)
  );
}

const resources = {
  requests: { cpu: '100m', memory: '64Mi' },
  limits: { cpu: '200m', memory: '128Mi' },
};

describe('ClusterObjectsReader on kube-sim', () => {
  let sim: { url: string; stop(): Promise<void> };
  let core: CoreV1Api;
  let apps: AppsV1Api;
  let batch: BatchV1Api;
  let networking: NetworkingV1Api;
  let policy: PolicyV1Api;
  let custom: CustomObjectsApi;

  beforeAll(async () => {
    sim = await startSim('kube-sim', [
      '--port',
      '0',
      '--token',
      TOKEN,
      '--tick-ms',
      '20',
    ]);
    const cluster = {
      url: sim.url,
      token: TOKEN,
      skipTLSVerify: false,
      source: 'test',
    };
    core = makeCoreApi(cluster);
    apps = makeClusterApi(AppsV1Api, cluster);
    batch = makeClusterApi(BatchV1Api, cluster);
    networking = makeClusterApi(NetworkingV1Api, cluster);
    policy = makeClusterApi(PolicyV1Api, cluster);
    custom = makeCustomObjectsApi(cluster);

    await core.createNamespace({
      body: {
        metadata: {
          name: NS,
          labels: {
            'app.kubernetes.io/managed-by': 'genai-playground-portal',
            'genai-playground.io/team': 'team-a',
          },
          annotations: { 'genai-playground.io/cost-center': 'CC-100' },
        },
      },
    });
    await core.createNamespace({ body: { metadata: { name: 'elsewhere' } } });

    for (const namespace of [NS, 'elsewhere']) {
      await core.createNamespacedLimitRange({
        namespace,
        body: {
          metadata: { name: 'defaults' },
          spec: {
            limits: [
              {
                type: 'Container',
                _default: { cpu: '500m', memory: '256Mi' },
                defaultRequest: { cpu: '100m', memory: '64Mi' },
              },
            ],
          },
        },
      });
      await core.createNamespacedResourceQuota({
        namespace,
        body: {
          metadata: { name: 'quota' },
          spec: { hard: { 'requests.cpu': '4', 'requests.memory': '8Gi' } },
        },
      });
      await networking.createNamespacedNetworkPolicy({
        namespace,
        body: {
          metadata: { name: 'deny-all' },
          spec: { podSelector: {}, policyTypes: ['Ingress'] },
        },
      });
      await core.createNamespacedPod({
        namespace,
        body: {
          metadata: { name: 'notebook', labels: { app: 'notebook' } },
          spec: {
            containers: [
              {
                name: 'main',
                image: 'quay.io/genai/notebook:1',
                resources,
                securityContext: {
                  runAsNonRoot: true,
                  allowPrivilegeEscalation: false,
                },
              },
            ],
          },
        },
      });
    }
    await apps.createNamespacedDeployment({
      namespace: NS,
      body: {
        metadata: { name: 'web' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: {
              containers: [
                { name: 'web', image: 'quay.io/genai/web:1', resources },
              ],
            },
          },
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
                { name: 'train', image: 'quay.io/genai/train:1', resources },
              ],
            },
          },
        },
      },
    });
    await policy.createNamespacedPodDisruptionBudget({
      namespace: NS,
      body: {
        metadata: { name: 'web' },
        spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } },
      },
    });
    // the deployment's pod
    for (let i = 0; i < 600; i++) {
      const { items } = await core.listNamespacedPod({ namespace: NS });
      if (items.some(p => p.metadata?.name?.startsWith('web-'))) break;
      await sleep(50);
    }
  });

  afterAll(() => sim?.stop());

  const reader = (
    over: Partial<ConstructorParameters<typeof ClusterObjectsReader>[0]> = {},
  ) =>
    new ClusterObjectsReader({
      core,
      apps,
      batch,
      networking,
      policy,
      custom,
      logger: mockServices.logger.mock(),
      ...over,
    });

  it("groups the playground namespaces' objects per environment, as the API serves them", async () => {
    const environments = await reader().read();
    expect(environments.map(e => e.namespace.metadata?.name)).toEqual([NS]);
    const [env] = environments;
    const names = (objects: Array<{ metadata?: { name?: string } }>) =>
      objects.map(o => o.metadata?.name).sort();

    expect(env.namespace).toMatchObject({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: NS,
        labels: { 'genai-playground.io/team': 'team-a' },
        annotations: { 'genai-playground.io/cost-center': 'CC-100' },
      },
    });
    expect(names(env.pods)).toEqual(
      expect.arrayContaining(['notebook', expect.stringMatching(/^web-/)]),
    );
    expect(env.pods.every(p => p.metadata?.namespace === NS)).toBe(true);
    expect(names(env.deployments)).toEqual(['web']);
    expect(names(env.jobs)).toEqual(['train']);
    expect(names(env.networkPolicies)).toEqual(['deny-all']);
    expect(names(env.resourceQuotas)).toEqual(['quota']);
    expect(names(env.limitRanges)).toEqual(['defaults']);
    expect(names(env.podDisruptionBudgets)).toEqual(['web']);
    // kube-sim serves neither StatefulSets nor Kyverno's PolicyReports: none
    expect(env.statefulSets).toEqual([]);
    expect(env.policyReports).toEqual([]);

    // plain JSON with the API's field names (camelCase, `default` not client-node's `_default`)
    expect(isPlainJson(env)).toBe(true);
    const notebook = env.pods.find(p => p.metadata?.name === 'notebook')!;
    expect(notebook).toMatchObject({ apiVersion: 'v1', kind: 'Pod' });
    expect(notebook.spec.containers[0].securityContext.runAsNonRoot).toBe(true);
    expect(notebook.spec.containers[0].resources.limits).toEqual({
      cpu: '200m',
      memory: '128Mi',
    });
    expect(notebook.metadata?.creationTimestamp).toMatch(ISO);
    expect(env.limitRanges[0].spec.limits[0].default).toEqual({
      cpu: '500m',
      memory: '256Mi',
    });
    expect(env.limitRanges[0].spec.limits[0]._default).toBeUndefined();
    expect(env.podDisruptionBudgets[0]).toMatchObject({
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      spec: { minAvailable: 1 },
    });
    expect(env.deployments[0]).toMatchObject({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
    });
    expect(env.deployments[0].metadata?.creationTimestamp).toMatch(ISO);
    expect(env.networkPolicies[0].spec.policyTypes).toEqual(['Ingress']);
  });

  it('reads every page', async () => {
    // what is where (kube-sim's controllers keep updating the objects' status meanwhile)
    const where = (environments: EnvironmentObjects[]) =>
      environments.map(env =>
        Object.entries(env).map(([key, objects]) => [
          key,
          [objects]
            .flat()
            .map((o: KubeObject) => `${o.kind}/${o.metadata?.name}`)
            .sort(),
        ]),
      );
    const whole = await reader().read();
    const counted = counting(core);
    const paged = await reader({ core: counted.api, pageSize: 1 }).read();
    expect(where(paged)).toEqual(where(whole));
    // one request per pod, and one more that ends the list
    expect(counted.calls.get('listPodForAllNamespaces')).toBeGreaterThan(2);
  });

  it('takes PolicyReports (and StatefulSets) as none when not served, and asks again after 10 minutes', async () => {
    let now = Date.now();
    const countedCustom = counting(custom);
    const countedApps = counting(apps);
    const logger = mockServices.logger.mock();
    const r = reader({
      custom: countedCustom.api,
      apps: countedApps.api,
      logger,
      now: () => now,
    });
    await r.read();
    expect(countedCustom.calls.get('listClusterCustomObject')).toBe(1);
    expect(countedApps.calls.get('listStatefulSetForAllNamespaces')).toBe(1);
    expect(logger.info).toHaveBeenCalledWith(
      'Compliance: Kyverno PolicyReports are not read (the cluster does not serve them); environments have none',
    );
    expect(logger.info).toHaveBeenCalledWith(
      'Compliance: StatefulSets are not read (the cluster does not serve them); environments have none',
    );

    now += 599_999;
    const again = await r.read();
    expect(again[0].policyReports).toEqual([]);
    expect(countedCustom.calls.get('listClusterCustomObject')).toBe(1);
    expect(countedApps.calls.get('listStatefulSetForAllNamespaces')).toBe(1);
    // the other kinds are read each time
    expect(countedApps.calls.get('listDeploymentForAllNamespaces')).toBe(2);

    now += 1;
    await r.read();
    expect(countedCustom.calls.get('listClusterCustomObject')).toBe(2);
    expect(countedApps.calls.get('listStatefulSetForAllNamespaces')).toBe(2);
    // still absent: said once
    expect(logger.info).toHaveBeenCalledTimes(2);
  });

  it('reads no PolicyReports without a custom objects API', async () => {
    const environments = await reader({ custom: undefined }).read();
    expect(environments[0].policyReports).toEqual([]);
  });

  it('throws when a list fails otherwise', async () => {
    const broken = makeCoreApi({
      url: sim.url,
      token: 'wrong',
      skipTLSVerify: false,
      source: 'test',
    });
    await expect(reader({ core: broken }).read()).rejects.toThrow();
  });
});
