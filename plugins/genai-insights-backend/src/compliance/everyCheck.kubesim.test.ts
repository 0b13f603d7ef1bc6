/**
 * Every built-in check on kube-sim (a process), against objects created directly through the
 * Kubernetes API: one compliant environment (the checks module's, as the portal creates it) and,
 * for each check, an environment broken for that check only. The compliance service is built as
 * the plugin builds it (the reader on the cluster, the idle GPUs of the real episode store, the
 * module's checks) and evaluates once: every check passes in the compliant environment, and in
 * `brk-<check>` its check fails, naming the object and the field, while all the others pass.
 *
 * kube-sim's controllers run (`--tick-ms 50`): the Job's and the Deployment's pods are the ones
 * its Job and ReplicaSet controllers make from the templates, through LimitRanger and quota
 * admission, and are scheduled and run on a fleet with room for all of them — what a cluster
 * would hold, rather than pods written by hand. Nothing here waits on simulated time, so the
 * controllers adding status while the test reads changes nothing the checks look at.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import type {
  EnvironmentObjects,
  KubeObject,
} from '@genai-portal/plugin-genai-insights-node';
import { createBuiltInChecks } from '@genai-portal/plugin-genai-insights-backend-module-policy-checks';
// The module's own compliant environment, so that this test and the module's unit tests cannot
// drift apart; the package exports no test utilities.
// eslint-disable-next-line @backstage/no-forbidden-package-imports
import { compliantEnvironment } from '@genai-portal/plugin-genai-insights-backend-module-policy-checks/src/__testUtils__/environment';
import {
  CoreV1Api,
  CustomObjectsApi,
  type KubernetesObject,
  KubernetesObjectApi,
  loadYaml,
  PatchStrategy,
  setHeaderOptions,
  type V1Pod,
} from '@kubernetes/client-node';
import { databases } from '../__testUtils__/database';
import { readInsightsConfig } from '../config';
import { DatabaseIdleEpisodeStore } from '../gpu/idle/DatabaseIdleEpisodeStore';
import { migrateDatabase } from '../lib/migrateDatabase';
import { kubeConfig, startKubeSim } from './__testUtils__/kubeSim';
import { createComplianceService } from './createComplianceService';
import type { CheckResult } from './evaluateChecks';

jest.setTimeout(180_000);

const TOKEN = 'insights-every-check-token';
const GOOD = 'team-good';
const HOUR = 3_600_000;
const EXPIRES_AT = 'genai-playground.io/expires-at';

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

type Env = EnvironmentObjects & { namespace: KubeObject };

/** The pods of an environment once they run, and the cluster, for the evidence of a few checks. */
interface Found {
  namespace: string;
  /** The blueprint Job's pod. */
  job: V1Pod;
  /** The model server Deployment's two pods. */
  servers: V1Pod[];
}

interface Cluster {
  custom: CustomObjectsApi;
  /** Creates an object through the Kubernetes API, as a manifest is applied. */
  create: (object: KubeObject) => Promise<unknown>;
  idle: DatabaseIdleEpisodeStore;
}

interface Expectation {
  /** What is wrong in `brk-<check>`: the test's name says the check fails where this holds. */
  broken: string;
  /** The change to the compliant environment's objects before they are created. */
  change?: (env: Env) => void;
  /** Objects created right after the namespace, before the quota and the LimitRange. */
  first?: (namespace: string) => KubeObject[];
  /** What else the cluster holds once the pods run: a policy engine's or the idle scan's word. */
  evidence?: (found: Found, cluster: Cluster) => Promise<void>;
  /** The check's failures, `Kind/name fieldPath`. */
  failures: (found: Found) => string[];
}

const podName = (pod: V1Pod) => pod.metadata!.name!;
const labels = (o: KubeObject) => o.metadata!.labels!;
const annotations = (o: KubeObject) => o.metadata!.annotations!;
const named = (objects: KubeObject[], name: string) =>
  objects.find(o => o.metadata?.name === name)!;
const container = (workload: KubeObject) =>
  workload.spec.template.spec.containers[0];
const job = (env: Env) => env.jobs[0];
const server = (env: Env) => env.deployments[0];

/**
 * One expectation per check the module exports: what breaks it, and the failures it must find.
 * In every other `brk-` environment, and in the compliant one, the check must pass.
 */
const EXPECTED: Record<string, Expectation> = {
  'required-labels': {
    broken: 'the namespace has no security-level label',
    change: env => {
      delete labels(env.namespace)['security-level'];
    },
    failures: ({ namespace }) => [
      `Namespace/${namespace} metadata.labels.security-level`,
    ],
  },
  'pod-security-restricted': {
    // kube-sim admits it with or without the label (it does not run Pod Security admission); on
    // OpenShift, where PSA enforces `privileged`, only the label's absence lets it in.
    broken:
      "the blueprint Job's container is privileged (the namespace's pod-security enforce label dropped)",
    change: env => {
      delete labels(env.namespace)['pod-security.kubernetes.io/enforce'];
      // The API refuses privileged with allowPrivilegeEscalation false: a privileged container
      // escalates.
      Object.assign(container(job(env)).securityContext, {
        privileged: true,
        allowPrivilegeEscalation: true,
      });
    },
    failures: ({ job: pod }) => [
      `Pod/${podName(
        pod,
      )} spec.containers[0].securityContext.allowPrivilegeEscalation`,
      `Pod/${podName(pod)} spec.containers[0].securityContext.privileged`,
    ],
  },
  'resources-requests-limits': {
    broken:
      'a notebook pod has no resources, created before the LimitRange (which fills in only pods created after it)',
    first: namespace => [
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: 'notebook',
          namespace,
          labels: {
            'app.kubernetes.io/managed-by': 'genai-playground-portal',
            'genai-playground.io/team': 'ml-research',
            'security-level': 'medium',
            'data-classification': 'internal',
          },
        },
        spec: {
          automountServiceAccountToken: false,
          securityContext: {
            runAsNonRoot: true,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: 'main',
              image: 'quay.io/genai/notebook:2.1.0',
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                runAsNonRoot: true,
                capabilities: { drop: ['ALL'] },
                seccompProfile: { type: 'RuntimeDefault' },
              },
            },
          ],
        },
      },
    ],
    failures: () =>
      ['requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory'].map(
        field => `Pod/notebook spec.containers[0].resources.${field}`,
      ),
  },
  'gpu-pool-placement': {
    broken: "the blueprint Job's pod selects the inference pool (mi355x)",
    change: env => {
      job(env).spec.template.spec.nodeSelector = { 'gpu-type': 'mi355x' };
    },
    failures: ({ job: pod }) => [
      `Pod/${podName(pod)} spec.nodeSelector.gpu-type`,
    ],
  },
  'network-default-deny': {
    broken: 'there is no default-deny ingress NetworkPolicy',
    change: env => {
      env.networkPolicies = env.networkPolicies.filter(
        p => p.metadata?.name !== 'default-deny-ingress',
      );
    },
    failures: ({ namespace }) => [`Namespace/${namespace} networkPolicies`],
  },
  'network-ingress-allowed-only': {
    broken:
      "the gateway's ingress policy admits every namespace (namespaceSelector {})",
    change: env => {
      named(
        env.networkPolicies,
        'allow-from-portal-gateway',
      ).spec.ingress[0].from[0].namespaceSelector = {};
    },
    failures: () => [
      'NetworkPolicy/allow-from-portal-gateway spec.ingress[0].from[0].namespaceSelector',
    ],
  },
  'network-egress-limited': {
    broken: 'the egress policy has a rule with neither destinations nor ports',
    change: env => {
      named(env.networkPolicies, 'restrict-egress').spec.egress.push({});
    },
    failures: () => ['NetworkPolicy/restrict-egress spec.egress[4].to'],
  },
  'quota-gpu': {
    broken: 'the ResourceQuota does not cap amd.com/gpu',
    change: env => {
      delete env.resourceQuotas[0].spec.hard['requests.amd.com/gpu'];
    },
    failures: () => [
      'ResourceQuota/genai-playground-quota spec.hard.requests.amd.com/gpu',
    ],
  },
  'limit-range': {
    // A Pod entry: the API defaults a Container entry's `default` from its `max`, a Pod entry's
    // it does not.
    broken: 'the LimitRange caps pods but gives containers no defaults',
    change: env => {
      env.limitRanges[0].spec.limits = [
        { type: 'Pod', max: { cpu: '32', memory: '256Gi' } },
      ];
    },
    failures: () => ['LimitRange/genai-playground-limits spec.limits'],
  },
  'cost-annotations': {
    broken: 'the namespace has no cost-center annotation',
    change: env => {
      delete annotations(env.namespace)['genai-playground.io/cost-center'];
    },
    failures: ({ namespace }) => [
      `Namespace/${namespace} metadata.annotations.genai-playground.io/cost-center`,
    ],
  },
  'image-registry-and-tag': {
    broken: 'the model server runs quay.io/genai/vllm:latest',
    change: env => {
      container(server(env)).image = 'quay.io/genai/vllm:latest';
    },
    failures: ({ servers }) =>
      servers.map(pod => `Pod/${podName(pod)} spec.containers[0].image`),
  },
  'deployment-probes': {
    broken: 'the model server has no readiness probe',
    change: env => {
      delete container(server(env)).readinessProbe;
    },
    failures: () => [
      'Deployment/llama spec.template.spec.containers[0].readinessProbe',
    ],
  },
  'pdb-for-replicas': {
    broken: 'no PodDisruptionBudget covers the two model server replicas',
    change: env => {
      env.podDisruptionBudgets = [];
    },
    failures: () => ['Deployment/llama spec.replicas'],
  },
  'lease-not-expired': {
    broken: 'the lease ran out three hours ago',
    change: env => {
      annotations(env.namespace)[EXPIRES_AT] = new Date(
        Date.now() - 3 * HOUR,
      ).toISOString();
    },
    failures: ({ namespace }) => [
      `Namespace/${namespace} metadata.annotations.${EXPIRES_AT}`,
    ],
  },
  'gatekeeper-audit': {
    // The gatekeeper-library template; kube-sim does not evaluate it, so its audit's status is
    // written here through the status subresource as Gatekeeper's audit writes it. The namespace
    // was created before the constraint (admission did not see it): the audit finds it.
    broken:
      "the namespace lacks openshift.io/display-name, which Gatekeeper's audit reports",
    change: env => {
      delete annotations(env.namespace)['openshift.io/display-name'];
    },
    evidence: async ({ namespace }, { custom, create }) => {
      await create({
        apiVersion: 'templates.gatekeeper.sh/v1',
        kind: 'ConstraintTemplate',
        metadata: { name: 'k8srequiredannotations' },
        spec: {
          crd: { spec: { names: { kind: 'K8sRequiredAnnotations' } } },
          targets: [
            {
              target: 'admission.k8s.gatekeeper.sh',
              rego: 'package k8srequiredannotations',
            },
          ],
        },
      });
      await create({
        apiVersion: 'constraints.gatekeeper.sh/v1beta1',
        kind: 'K8sRequiredAnnotations',
        metadata: { name: 'genai-namespace-display-name' },
        spec: {
          match: {
            kinds: [{ apiGroups: [''], kinds: ['Namespace'] }],
            labelSelector: {
              matchLabels: {
                'app.kubernetes.io/managed-by': 'genai-playground-portal',
              },
            },
          },
          parameters: { annotations: [{ key: 'openshift.io/display-name' }] },
        },
      });
      await custom.patchClusterCustomObjectStatus(
        {
          group: 'constraints.gatekeeper.sh',
          version: 'v1beta1',
          plural: 'k8srequiredannotations',
          name: 'genai-namespace-display-name',
          body: {
            status: {
              auditTimestamp: new Date().toISOString().replace(/\.\d+/, ''),
              totalViolations: 1,
              violations: [
                {
                  enforcementAction: 'deny',
                  group: '',
                  version: 'v1',
                  kind: 'Namespace',
                  name: namespace,
                  message:
                    'you must provide annotation(s): {"openshift.io/display-name"}',
                },
              ],
            },
          },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
    },
    failures: ({ namespace }) => [
      `Namespace/${namespace} gatekeeper.K8sRequiredAnnotations/genai-namespace-display-name`,
    ],
  },
  'kyverno-policy-reports': {
    // Kyverno's autogen rule reports on the Deployment; the other reports pass.
    broken:
      'a Kyverno PolicyReport fails the model server Deployment (requests not equal to limits)',
    evidence: async ({ namespace }, { create }) => {
      await create({
        apiVersion: 'wgpolicyk8s.io/v1alpha2',
        kind: 'PolicyReport',
        metadata: { name: 'deployment-llama', namespace },
        scope: {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: 'llama',
          namespace,
        },
        results: [
          {
            source: 'kyverno',
            policy: 'require-requests-equal-limits',
            rule: 'autogen-validate',
            result: 'fail',
            severity: 'medium',
            message:
              'validation error: CPU and memory resource requests and limits must be equal. rule autogen-validate failed at path /spec/template/spec/containers/0/resources/requests/cpu/',
          },
        ],
        summary: { pass: 0, fail: 1, warn: 0, error: 0, skip: 0 },
      });
    },
    failures: () => [
      'Deployment/llama kyverno.require-requests-equal-limits/autogen-validate',
    ],
  },
  'gpu-not-idle': {
    broken:
      "the idle scan has found a model server's GPU idle for three hours (an open episode)",
    evidence: async ({ namespace, servers: [pod] }, { idle }) => {
      const now = new Date();
      await idle.upsertOpen(
        [
          {
            node: pod.spec!.nodeName!,
            gpuId: gpuIdsOf(pod)[0],
            pool: 'mi355x',
            namespace,
            pod: podName(pod),
            podUid: pod.metadata!.uid!,
            kind: 'inference',
            team: 'group:default/ml-research',
            environment: 'rag-eval',
            since: new Date(now.getTime() - 3 * HOUR).toISOString(),
            gpuHourMicros: 5_000_000,
          },
        ],
        now.toISOString(),
      );
    },
    failures: ({ servers: [pod] }) => [
      `Pod/${podName(pod)} gpus[${pod.spec!.nodeName}/${gpuIdsOf(pod)[0]}]`,
    ],
  },
};

/** The GPUs kube-sim bound the pod to (`kube-sim.genai.io/gpu-ids`). */
function gpuIdsOf(pod: V1Pod): number[] {
  const ids = pod.metadata?.annotations?.['kube-sim.genai.io/gpu-ids'];
  if (!ids) throw new Error(`pod ${podName(pod)} holds no GPU`);
  return ids.split(',').map(Number);
}

/** What the portal creates in the namespace, in its order; pods come from the Job and the Deployment. */
const namespacedLists = (env: Env) => [
  env.resourceQuotas,
  env.limitRanges,
  env.networkPolicies,
  env.podDisruptionBudgets,
  env.deployments,
  env.jobs,
  env.policyReports,
];

/** The checks module's compliant environment in another namespace, its lease running. */
function environmentIn(namespace: string): Env {
  const env = structuredClone(compliantEnvironment()) as Env;
  env.namespace.metadata!.name = namespace;
  labels(env.namespace)['kubernetes.io/metadata.name'] = namespace;
  annotations(env.namespace)[EXPIRES_AT] = new Date(
    Date.now() + 48 * HOUR,
  ).toISOString();
  for (const objects of namespacedLists(env)) {
    for (const o of objects) o.metadata!.namespace = namespace;
  }
  for (const report of env.policyReports) report.scope.namespace = namespace;
  return env;
}

/** Room for every environment's pods: 37 inference GPUs, 17 blueprint ones and a notebook. */
const gpuPool = (gpu: string, count: number, workloadType: string) => ({
  name: gpu,
  namePrefix: `gpu-${gpu}-`,
  count,
  gpu,
  gpusPerNode: 8,
  cpu: '256',
  memory: '3Ti',
  pods: 250,
  labels: { 'gpu-type': gpu, 'workload-type': workloadType },
  taints: [{ key: 'amd.com/gpu', value: 'true', effect: 'NoSchedule' }],
});
const FLEET = {
  clusterName: 'kube-sim',
  nodePools: [
    gpuPool('mi355x', 5, 'inference'),
    gpuPool('mi300x', 3, 'blueprint'),
    {
      name: 'cpu',
      namePrefix: 'cpu-worker-',
      count: 1,
      cpu: '64',
      memory: '256Gi',
      pods: 250,
    },
  ],
};

describe('every built-in check on kube-sim', () => {
  const checkIds = createBuiltInChecks().map(c => c.id);
  const tabled = Object.keys(EXPECTED);
  const namespaces = [GOOD, ...tabled.map(id => `brk-${id}`)];
  let sim: { url: string; stop(): Promise<void> } | undefined;
  let fleetDir: string | undefined;
  let results: CheckResult[] = [];
  const found = new Map<string, Found>();

  beforeAll(async () => {
    fleetDir = await mkdtemp(join(tmpdir(), 'every-check-fleet-'));
    const fleet = join(fleetDir, 'fleet.json');
    await writeFile(fleet, JSON.stringify(FLEET));
    sim = await startKubeSim(TOKEN, ['--fleet', fleet, '--tick-ms', '50']);
    const kc = kubeConfig(sim.url, TOKEN);
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const core = kc.makeApiClient(CoreV1Api);
    const custom = kc.makeApiClient(CustomObjectsApi);
    // As a manifest is applied: client-node reads it into its models (`from` is `_from` there),
    // and `create` writes the API's JSON back.
    const create = (object: KubeObject) =>
      objects.create(loadYaml<KubernetesObject>(JSON.stringify(object)));

    const knex = await databases.init('SQLITE_3');
    const database = mockServices.database({ knex });
    await migrateDatabase(database);
    const idle = await DatabaseIdleEpisodeStore.create({ database });

    const environments = new Map<string, Env>();
    for (const namespace of namespaces) {
      const env = environmentIn(namespace);
      const expectation = EXPECTED[namespace.replace(/^brk-/, '')];
      expectation?.change?.(env);
      environments.set(namespace, env);
      await create(env.namespace);
      for (const object of expectation?.first?.(namespace) ?? []) {
        await create(object);
      }
      for (const list of namespacedLists(env).slice(0, -1)) {
        for (const object of list) await create(object);
      }
    }

    // Every environment's pods running: the Job's, the Deployment's two (and the notebook).
    for (let i = 0; ; i++) {
      const { items } = await core.listPodForAllNamespaces({
        labelSelector: 'app.kubernetes.io/managed-by=genai-playground-portal',
      });
      const running = items.filter(p => p.status?.phase === 'Running');
      const component = (pod: V1Pod, value: string) =>
        pod.metadata?.labels?.['app.kubernetes.io/component'] === value;
      for (const namespace of namespaces) {
        const here = running.filter(p => p.metadata?.namespace === namespace);
        const jobs = here.filter(p => component(p, 'blueprint-worker'));
        const servers = here.filter(p => component(p, 'model-server'));
        if (jobs.length === 1 && servers.length === 2) {
          found.set(namespace, {
            namespace,
            job: jobs[0],
            servers: servers.sort((a, b) =>
              podName(a).localeCompare(podName(b)),
            ),
          });
        }
      }
      const pods = namespaces.length * 3 + 1;
      if (found.size === namespaces.length && running.length === pods) break;
      if (i >= 600) {
        throw new Error(
          `${running.length} of ${pods} pods running, of ${
            items.length
          }: ${items
            .filter(p => p.status?.phase !== 'Running')
            .map(
              p => `${p.metadata?.namespace}/${podName(p)} ${p.status?.phase}`,
            )
            .join(', ')}`,
        );
      }
      await sleep(100);
    }

    // Kyverno reports on the resources that exist: the Job's pod.
    for (const namespace of namespaces) {
      const pod = podName(found.get(namespace)!.job);
      for (const report of environments.get(namespace)!.policyReports) {
        report.metadata!.name = `pod-${pod}`;
        report.scope.name = pod;
        await create(report);
      }
    }
    for (const id of tabled) {
      await EXPECTED[id].evidence?.(found.get(`brk-${id}`)!, {
        custom,
        create,
        idle,
      });
    }

    const service = createComplianceService({
      config: readInsightsConfig(
        new ConfigReader({
          genaiInsights: {
            cluster: { url: sim.url, token: TOKEN },
            compliance: {
              cacheSeconds: 0,
              allowedRegistries: ['quay.io/genai'],
            },
          },
        }),
      ),
      checks: createBuiltInChecks(),
      logger: mockServices.logger.mock(),
      idleGpus: idle,
    });
    ({ results } = await service.evaluation());
  });

  afterAll(async () => {
    await sim?.stop();
    if (fleetDir) await rm(fleetDir, { recursive: true, force: true });
  });

  /** Each check's status in the environment. */
  const statuses = (namespace: string) =>
    Object.fromEntries(
      results
        .filter(r => r.environment === namespace)
        .map(r => [r.checkId, r.status]),
    );
  const allPass = () => Object.fromEntries(checkIds.map(id => [id, 'pass']));

  it('has an expectation for every check the module exports, and evaluated them all', () => {
    expect([...tabled].sort()).toEqual([...checkIds].sort());
    expect([...new Set(results.map(r => r.environment))].sort()).toEqual(
      [...namespaces].sort(),
    );
  });

  // Every check applies here: GPU pods, a Deployment of two replicas, the environment label,
  // Gatekeeper's and Kyverno's kinds served, the idle scan's store given. None may be
  // not-applicable, and none may fail.
  it('passes every check in the compliant environment', () => {
    expect(statuses(GOOD)).toEqual(allPass());
    expect(
      results.filter(r => r.environment === GOOD && r.failureCount > 0),
    ).toEqual([]);
  });

  it.each(Object.entries(EXPECTED).map(([id, e]) => [id, e.broken, e]))(
    '%s fails where %s, and only it',
    (id, _broken, expectation) => {
      const namespace = `brk-${id}`;
      expect(statuses(namespace)).toEqual({ ...allPass(), [id]: 'fail' });
      const result = results.find(
        r => r.environment === namespace && r.checkId === id,
      )!;
      expect(
        result.failures.map(f => `${f.kind}/${f.name} ${f.fieldPath}`).sort(),
      ).toEqual(expectation.failures(found.get(namespace)!).sort());
      expect(result.failureCount).toBe(result.failures.length);
      for (const failure of result.failures) {
        expect(failure.message).toEqual(expect.stringMatching(/\S/));
      }
    },
  );
});
