import { mockServices } from '@backstage/backend-test-utils';
import type {
  EnvironmentObjects,
  KubeObject,
} from '@genai-portal/plugin-genai-insights-node';
import {
  AppsV1Api,
  BatchV1Api,
  type CoreV1Api,
  type CustomObjectsApi,
  NetworkingV1Api,
  PatchStrategy,
  PolicyV1Api,
  setHeaderOptions,
} from '@kubernetes/client-node';
import {
  makeClusterApi,
  makeCoreApi,
  makeCustomObjectsApi,
} from '../cluster/kubernetes';
import { ClusterObjectsReader } from './ClusterObjectsReader';
import { startKubeSim } from './__testUtils__/kubeSim';

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

/**
 * The custom objects API asking kube-sim for groups it does not serve instead of these: the
 * real 404s of a cluster without the engine.
 */
function unserved(api: CustomObjectsApi, groups: string[]): CustomObjectsApi {
  const elsewhere = <P extends { group: string }>(param: P): P =>
    groups.includes(param.group)
      ? { ...param, group: `${param.group}.absent.test` }
      : param;
  return new Proxy(api, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      return (param: { group: string }, ...rest: unknown[]) =>
        value.apply(target, [param ? elsewhere(param) : param, ...rest]);
    },
  });
}

const ENGINE_GROUPS = [
  'wgpolicyk8s.io',
  'constraints.gatekeeper.sh',
  'templates.gatekeeper.sh',
];

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
    sim = await startKubeSim(TOKEN, [
      '--tick-ms',
      '20',
      // Gatekeeper's audit runs every 60 simulated seconds: every 3 s here.
      '--time-scale',
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
    // kube-sim serves no StatefulSets: none; it serves the policy engines' kinds, with nothing
    // reported yet (Gatekeeper runs: its templates are served, none added a constraint kind)
    expect(env.statefulSets).toEqual([]);
    expect(env.policyReports).toEqual([]);
    expect(env.policyReportsServed).toBe(true);
    expect(env.gatekeeper).toEqual({ running: true, violations: [] });

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

  it('takes PolicyReports, Gatekeeper (and StatefulSets) as none when not served, and asks again after 10 minutes', async () => {
    let now = Date.now();
    const countedCustom = counting(unserved(custom, ENGINE_GROUPS));
    // kube-sim serves StatefulSets; a cluster that does not answers the list with a 404, which
    // the client raises as for any path not served: the list goes to a group nobody serves.
    const appsWithoutStatefulSets = new Proxy(apps, {
      get(target, key, receiver) {
        if (key === 'listStatefulSetForAllNamespaces') {
          return () =>
            custom.listClusterCustomObject({
              group: 'apps.absent.test',
              version: 'v1',
              plural: 'statefulsets',
            });
        }
        return Reflect.get(target, key, receiver);
      },
    });
    const countedApps = counting(appsWithoutStatefulSets);
    const logger = mockServices.logger.mock();
    const r = reader({
      custom: countedCustom.api,
      apps: countedApps.api,
      logger,
      now: () => now,
    });
    const [first] = await r.read();
    expect(first.policyReportsServed).toBe(false);
    expect(first.gatekeeper).toEqual({ running: false, violations: [] });
    expect(countedCustom.calls.get('listClusterCustomObject')).toBe(1);
    // the constraints' group, then the templates'
    expect(countedCustom.calls.get('getAPIResources')).toBe(2);
    expect(countedApps.calls.get('listStatefulSetForAllNamespaces')).toBe(1);
    expect(logger.info).toHaveBeenCalledWith(
      'Compliance: Kyverno PolicyReports are not read (the cluster does not serve them); environments have none',
    );
    expect(logger.info).toHaveBeenCalledWith(
      'Compliance: Gatekeeper constraints are not read (the cluster does not serve them); environments have none',
    );
    expect(logger.info).toHaveBeenCalledWith(
      'Compliance: StatefulSets are not read (the cluster does not serve them); environments have none',
    );

    now += 599_999;
    const again = await r.read();
    expect(again[0].policyReports).toEqual([]);
    expect(again[0].gatekeeper?.running).toBe(false);
    expect(countedCustom.calls.get('listClusterCustomObject')).toBe(1);
    expect(countedCustom.calls.get('getAPIResources')).toBe(2);
    expect(countedApps.calls.get('listStatefulSetForAllNamespaces')).toBe(1);
    // the other kinds are read each time
    expect(countedApps.calls.get('listDeploymentForAllNamespaces')).toBe(2);

    now += 1;
    await r.read();
    expect(countedCustom.calls.get('listClusterCustomObject')).toBe(2);
    expect(countedCustom.calls.get('getAPIResources')).toBe(4);
    expect(countedApps.calls.get('listStatefulSetForAllNamespaces')).toBe(2);
    // still absent: said once
    expect(logger.info).toHaveBeenCalledTimes(3);
  });

  it('reads no policy-engine evidence without a custom objects API', async () => {
    const environments = await reader({ custom: undefined }).read();
    expect(environments[0].policyReports).toEqual([]);
    expect(environments[0].policyReportsServed).toBeUndefined();
    expect(environments[0].gatekeeper).toBeUndefined();
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

  it("reads the namespace's PolicyReports and Gatekeeper's violations of its objects", async () => {
    const reports = { group: 'wgpolicyk8s.io', version: 'v1alpha2' };
    for (const namespace of [NS, 'elsewhere']) {
      await custom.createNamespacedCustomObject({
        ...reports,
        namespace,
        plural: 'policyreports',
        body: {
          apiVersion: 'wgpolicyk8s.io/v1alpha2',
          kind: 'PolicyReport',
          metadata: { name: 'pod-notebook' },
          scope: { apiVersion: 'v1', kind: 'Pod', name: 'notebook', namespace },
          results: [
            {
              source: 'kyverno',
              policy: 'disallow-latest-tag',
              rule: 'validate-image-tag',
              result: 'fail',
              severity: 'medium',
              message:
                "validation error: Using a mutable image tag e.g. 'latest' is not allowed.",
            },
          ],
          summary: { pass: 0, fail: 1, warn: 0, error: 0, skip: 0 },
        },
      });
    }
    // The platform's template and constraint: kube-sim audits them as Gatekeeper does, and NS
    // has neither label.
    const templates = {
      group: 'templates.gatekeeper.sh',
      version: 'v1',
      plural: 'constrainttemplates',
    };
    const constraints = {
      group: 'constraints.gatekeeper.sh',
      version: 'v1beta1',
    };
    const template = (kind: string) => ({
      apiVersion: 'templates.gatekeeper.sh/v1',
      kind: 'ConstraintTemplate',
      metadata: { name: kind.toLowerCase() },
      spec: {
        crd: { spec: { names: { kind } } },
        targets: [{ target: 'admission.k8s.gatekeeper.sh', rego: 'package x' }],
      },
    });
    await custom.createClusterCustomObject({
      ...templates,
      body: template('K8sRequiredLabels'),
    });
    await custom.createClusterCustomObject({
      ...templates,
      body: template('K8sAllowedRepos'),
    });
    await custom.createClusterCustomObject({
      ...constraints,
      plural: 'k8srequiredlabels',
      body: {
        apiVersion: 'constraints.gatekeeper.sh/v1beta1',
        kind: 'K8sRequiredLabels',
        metadata: { name: 'genai-required-labels' },
        spec: {
          match: {
            kinds: [{ apiGroups: [''], kinds: ['Namespace'] }],
            labelSelector: {
              matchLabels: {
                'app.kubernetes.io/managed-by': 'genai-playground-portal',
              },
            },
          },
          parameters: { labels: [{ key: 'security-level' }] },
        },
      },
    });
    // A template kube-sim does not evaluate: its status as Gatekeeper's audit writes it.
    await custom.createClusterCustomObject({
      ...constraints,
      plural: 'k8sallowedrepos',
      body: {
        apiVersion: 'constraints.gatekeeper.sh/v1beta1',
        kind: 'K8sAllowedRepos',
        metadata: { name: 'quay-only' },
        spec: {
          enforcementAction: 'warn',
          parameters: { repos: ['quay.io/genai/'] },
        },
      },
    });
    const violation = (namespace: string) => ({
      enforcementAction: 'warn',
      group: '',
      version: 'v1',
      kind: 'Pod',
      namespace,
      name: 'notebook',
      message: 'container <main> has an invalid image repo <docker.io/x>',
    });
    await custom.patchClusterCustomObjectStatus(
      {
        ...constraints,
        plural: 'k8sallowedrepos',
        name: 'quay-only',
        body: {
          status: {
            auditTimestamp: '2026-12-06T01:00:00Z',
            totalViolations: 2,
            violations: [violation('elsewhere'), violation(NS)],
          },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );

    let env: EnvironmentObjects | undefined;
    for (let i = 0; i < 400; i++) {
      [env] = await reader().read();
      if (env.gatekeeper?.violations.some(v => v.kind === 'Namespace')) break;
      await sleep(50);
    }
    expect(env!.policyReportsServed).toBe(true);
    expect(env!.policyReports.map(r => r.metadata?.namespace)).toEqual([NS]);
    expect(env!.policyReports[0]).toMatchObject({
      apiVersion: 'wgpolicyk8s.io/v1alpha2',
      kind: 'PolicyReport',
      results: [{ policy: 'disallow-latest-tag', result: 'fail' }],
    });
    expect(env!.gatekeeper!.running).toBe(true);
    expect(
      [...env!.gatekeeper!.violations].sort((a, b) =>
        a.constraintKind.localeCompare(b.constraintKind),
      ),
    ).toEqual([
      {
        constraintKind: 'K8sAllowedRepos',
        constraintName: 'quay-only',
        enforcementAction: 'warn',
        kind: 'Pod',
        name: 'notebook',
        namespace: NS,
        message: 'container <main> has an invalid image repo <docker.io/x>',
        auditTimestamp: '2026-12-06T01:00:00Z',
      },
      {
        constraintKind: 'K8sRequiredLabels',
        constraintName: 'genai-required-labels',
        enforcementAction: 'deny',
        kind: 'Namespace',
        name: NS,
        message: 'missing required label security-level',
        auditTimestamp: expect.stringMatching(ISO),
      },
    ]);
    expect(isPlainJson(env)).toBe(true);
  });
});
