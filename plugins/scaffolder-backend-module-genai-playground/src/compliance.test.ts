import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { startKubeSim, type KubeSim } from '@genai-portal/kube-sim';
import { builtInChecks } from '@genai-portal/plugin-genai-insights-backend-module-policy-checks';
import type {
  CheckContext,
  EnvironmentObjects,
  KubeObject,
} from '@genai-portal/plugin-genai-insights-node';
// The actions' counterpart in production, run for real (a dev dependency, tests only).
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import genaiPlaygroundPlugin from '@genai-portal/plugin-genai-playground-backend';
import { GenaiPlaygroundClient } from '@genai-portal/plugin-genai-playground-node';
import {
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  KubeConfig,
  NetworkingV1Api,
  PolicyV1Api,
} from '@kubernetes/client-node';
// client-node's model serializer (class instances back to the API's JSON, as the insights
// backend's ClusterObjectsReader does), which its package index does not re-export.
import { ObjectSerializer } from '@kubernetes/client-node/dist/serializer.js';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import yaml from 'yaml';
import { createGenaiEnvironmentCreateAction } from './actions/genaiEnvironmentCreate';
import { createGenaiInferenceDeployAction } from './actions/genaiInferenceDeploy';
import { createGenaiJobSubmitAction } from './actions/genaiJobSubmit';
import { fakeCatalog } from './__testUtils__/fakes';

/*
 * What the templates make passes the compliance checks it is scored on: the three templates'
 * steps run their actions against the real genai-playground backend on kube-sim, and the
 * namespaces they made are read back through the Kubernetes API, as the insights backend reads
 * them, and go through every check of the policy-checks module.
 */

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const MARCO = 'user:default/marco.rossi';
const TRAINER_IMAGE = 'registry.example.com/genai/trainer:1.0';

/** The teams the backend's catalog knows; Marco is in ml-research (userInfo below). */
const GROUPS: Entity[] = ['platform-team', 'ml-research'].map(name => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', children: [] },
}));

/** The genai-playground config of the portal, on the sim. */
function playgroundConfig(sim: KubeSim) {
  return {
    kubernetes: {
      clusterLocatorMethods: [
        {
          type: 'config',
          clusters: [
            {
              name: 'kube-sim',
              url: sim.url,
              authProvider: 'serviceAccount',
              serviceAccountToken: sim.token,
            },
          ],
        },
      ],
    },
    genaiPlayground: {
      cluster: 'kube-sim',
      currency: 'USD',
      lease: { defaultTtlHours: 72, maxTtlHours: 720, notifyBeforeHours: 24 },
      teamLimits: {
        default: { gpus: 16, cpu: 128, memoryGi: 1024, environments: 10 },
      },
      adminGroups: ['group:default/platform-team'],
      routerNamespaceSelector: {
        'network.openshift.io/policy-group': 'ingress',
      },
      gatewayNamespace: 'genai-portal',
      kubernetes: { requestTimeoutMs: 5000, retries: 2, retryBaseDelayMs: 10 },
      jobs: {
        allowedRegistries: ['registry.example.com/genai'],
        allowedPools: ['mi300x'],
        defaultRuntimeHours: 2,
        maxRuntimeHours: 24,
        maxPods: 4,
        maxRetries: 3,
      },
    },
  };
}

type Step = { id: string; action: string; input: Record<string, unknown> };

/** A template's only step, with the input the scaffolder gives its action for a filled form. */
function stepOf(template: string, form: Record<string, unknown>) {
  const file = path.resolve(
    __dirname,
    `../../../templates/${template}/template.yaml`,
  );
  const [step] = yaml.parse(fs.readFileSync(file, 'utf8')).spec.steps as Step[];
  // What the scaffolder's templating does: the form's value, or nothing for an empty field.
  const input = Object.fromEntries(
    Object.entries(step.input)
      .map(([key, value]) => [
        key,
        form[String(value).match(/parameters\.(\w+)/)![1]],
      ])
      .filter(([, value]) => value !== undefined && value !== ''),
  );
  return { action: step.action, input };
}

/** The objects the checks read of one namespace, as the Kubernetes API serves them (JSON). */
async function readEnvironment(
  kc: KubeConfig,
  namespace: string,
): Promise<EnvironmentObjects> {
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const batch = kc.makeApiClient(BatchV1Api);
  const networking = kc.makeApiClient(NetworkingV1Api);
  const policy = kc.makeApiClient(PolicyV1Api);
  const json = (
    item: unknown,
    type: string,
    apiVersion: string,
    kind: string,
  ) =>
    ({
      ...JSON.parse(JSON.stringify(ObjectSerializer.serialize(item, type))),
      apiVersion,
      kind,
    } as KubeObject);
  const list = async (
    call: Promise<{ items: unknown[] }>,
    type: string,
    apiVersion: string,
    kind: string,
  ) => (await call).items.map(item => json(item, type, apiVersion, kind));
  const ns = { namespace };
  return {
    namespace: json(
      await core.readNamespace({ name: namespace }),
      'V1Namespace',
      'v1',
      'Namespace',
    ),
    pods: await list(core.listNamespacedPod(ns), 'V1Pod', 'v1', 'Pod'),
    deployments: await list(
      apps.listNamespacedDeployment(ns),
      'V1Deployment',
      'apps/v1',
      'Deployment',
    ),
    // kube-sim serves no StatefulSets (nor does the portal make any)
    statefulSets: [],
    jobs: await list(batch.listNamespacedJob(ns), 'V1Job', 'batch/v1', 'Job'),
    networkPolicies: await list(
      networking.listNamespacedNetworkPolicy(ns),
      'V1NetworkPolicy',
      'networking.k8s.io/v1',
      'NetworkPolicy',
    ),
    resourceQuotas: await list(
      core.listNamespacedResourceQuota(ns),
      'V1ResourceQuota',
      'v1',
      'ResourceQuota',
    ),
    limitRanges: await list(
      core.listNamespacedLimitRange(ns),
      'V1LimitRange',
      'v1',
      'LimitRange',
    ),
    podDisruptionBudgets: await list(
      policy.listNamespacedPodDisruptionBudget(ns),
      'V1PodDisruptionBudget',
      'policy/v1',
      'PodDisruptionBudget',
    ),
    // no Kyverno on the sim
    policyReports: [],
  };
}

/** What the insights backend gives checks by default: any registry, the playground's pools. */
const context = (): CheckContext => ({
  now: new Date(),
  allowedRegistries: [],
  pools: [
    {
      name: 'mi355x',
      nodeLabel: 'gpu-type',
      nodeLabelValue: 'mi355x',
      workloadType: 'inference',
    },
    {
      name: 'mi300x',
      nodeLabel: 'gpu-type',
      nodeLabelValue: 'mi300x',
      workloadType: 'blueprint',
    },
  ],
});

/** Every check of the module over one environment: each check's status, and each failure. */
async function evaluate(environment: EnvironmentObjects) {
  const ctx = context();
  const status: Record<string, 'pass' | 'fail' | 'not-applicable'> = {};
  const failures: string[] = [];
  for (const check of builtInChecks) {
    if (!(check.appliesTo?.(environment, ctx) ?? true)) {
      status[check.id] = 'not-applicable';
      continue;
    }
    const found = await check.evaluate(environment, ctx);
    status[check.id] = found.length ? 'fail' : 'pass';
    failures.push(
      ...found.map(
        f =>
          `${environment.namespace.metadata?.name}: ${check.id}: ${f.kind}/${f.name} ${f.fieldPath}: ${f.message}`,
      ),
    );
  }
  return { status, failures };
}

/** Polls until `check` holds. */
async function waitFor<T>(
  check: () => Promise<T | undefined | false>,
  what: string,
): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

describe('what the templates create, against the compliance checks', () => {
  let sim: KubeSim;
  beforeAll(async () => {
    sim = await startKubeSim({ port: 0, tickMs: 25, timeScale: 20 });
  });
  afterAll(() => sim.close());

  it('passes every check in a playground environment with a blueprint job, and in one serving a replicated model', async () => {
    const { server } = await startTestBackend({
      features: [
        genaiPlaygroundPlugin,
        mockServices.rootConfig.factory({ data: playgroundConfig(sim) }),
        mockServices.database.factory({
          knex: await databases.init('SQLITE_3'),
        }),
        mockServices.userInfo.mock({
          getUserInfo: async () => ({
            userEntityRef: MARCO,
            ownershipEntityRefs: [MARCO, 'group:default/ml-research'],
          }),
        }).factory,
        catalogServiceMock.factory({ entities: GROUPS }),
      ],
    });
    const { port } = server.address() as AddressInfo;
    const client = new GenaiPlaygroundClient({
      discovery: {
        getBaseUrl: async pluginId =>
          `http://localhost:${port}/api/${pluginId}`,
      },
    });
    const auth = mockServices.auth();
    const actions = new Map(
      [
        createGenaiEnvironmentCreateAction({
          client,
          auth,
          catalog: fakeCatalog(),
        }),
        createGenaiJobSubmitAction({ client, auth }),
        createGenaiInferenceDeployAction({ client, auth }),
      ].map(action => [action.id, action]),
    );
    /** Runs a template's step as Marco; its outputs. */
    const run = async (template: string, form: Record<string, unknown>) => {
      const { action, input } = stepOf(template, form);
      const ctx = {
        ...createMockActionContext({ input }),
        getInitiatorCredentials: async () => mockCredentials.user(MARCO),
      };
      await actions.get(action)!.handler(ctx);
      return Object.fromEntries(
        (ctx.output as jest.Mock).mock.calls as [string, unknown][],
      );
    };

    // A playground environment on the blueprint pool, with a GPU job in it. No cost center in
    // the forms: the action takes the team's from the catalog, as the template lets it.
    const playground = await run('playground-environment', {
      name: 'finetune',
      team: 'group:default/ml-research',
      gpuPool: 'mi300x',
      gpus: 2,
      cpu: 32,
      memoryGi: 256,
      storageGi: 100,
      ttlHours: 72,
      monthlyBudget: 6000,
      dataClassification: 'internal',
      securityLevel: 'medium',
      description: 'LoRA fine-tuning',
    });
    const job = await run('blueprint-job', {
      environment: playground.entityRef,
      name: 'lora',
      image: TRAINER_IMAGE,
      gpus: 1,
      pods: 1,
      maxRuntimeHours: 4,
      retries: 0,
    });
    // An inference environment serving a model on two replicas.
    const serving = await run('playground-environment', {
      name: 'serving',
      team: 'group:default/ml-research',
      gpuPool: 'mi355x',
      gpus: 4,
      cpu: 64,
      memoryGi: 512,
      ttlHours: 24,
      dataClassification: 'confidential',
      securityLevel: 'high',
    });
    await run('inference-service', {
      environment: serving.environmentId,
      name: 'llama-8b',
      model: 'meta-llama/Llama-3.1-8B-Instruct',
      replicas: 2,
      maxReplicas: 3,
      gpusPerReplica: 1,
    });

    const kc = new KubeConfig();
    kc.loadFromString(sim.kubeconfig);
    // The controllers' pods: the job's one, the model server's two.
    const finetune = await waitFor(async () => {
      const e = await readEnvironment(kc, String(playground.namespace));
      return e.pods.length === 1 && e;
    }, 'the job pod');
    const llama = await waitFor(async () => {
      const e = await readEnvironment(kc, String(serving.namespace));
      return e.pods.length === 2 && e;
    }, 'the model server pods');
    expect(job.namespace).toBe(playground.namespace);
    expect(finetune.jobs.map(j => j.metadata?.name)).toEqual([job.jobName]);
    expect(llama.deployments.map(d => d.spec.replicas)).toEqual([2]);

    for (const environment of [finetune, llama]) {
      const { status, failures } = await evaluate(environment);
      expect(failures).toEqual([]);
      // the module's whole list ran, and what it looks at was there to look at
      expect(Object.keys(status)).toEqual(builtInChecks.map(c => c.id));
      expect(status).toMatchObject({
        'required-labels': 'pass',
        'pod-security-restricted': 'pass',
        'resources-requests-limits': 'pass',
        'gpu-pool-placement': 'pass',
        'network-default-deny': 'pass',
        'network-ingress-allowed-only': 'pass',
        'network-egress-limited': 'pass',
        'quota-gpu': 'pass',
        'limit-range': 'pass',
        'cost-annotations': 'pass',
        'image-registry-and-tag': 'pass',
        // a fresh lease
        'lease-not-expired': 'pass',
      });
    }
    // The model server's probes and disruption budget were looked at; a lone job has neither.
    expect((await evaluate(llama)).status).toMatchObject({
      'deployment-probes': 'pass',
      'pdb-for-replicas': 'pass',
    });
    expect((await evaluate(finetune)).status).toMatchObject({
      'deployment-probes': 'not-applicable',
      'pdb-for-replicas': 'not-applicable',
    });

    // What the checks see is the cluster's: a policy gone is a failure that names it.
    await kc.makeApiClient(NetworkingV1Api).deleteNamespacedNetworkPolicy({
      name: 'default-deny-ingress',
      namespace: String(serving.namespace),
    });
    await kc.makeApiClient(PolicyV1Api).deleteNamespacedPodDisruptionBudget({
      name: 'llama-8b',
      namespace: String(serving.namespace),
    });
    const { failures } = await evaluate(
      await readEnvironment(kc, String(serving.namespace)),
    );
    expect(failures).toEqual([
      expect.stringMatching(
        /^ml-research-serving: network-default-deny: Namespace\/ml-research-serving networkPolicies: has no default-deny ingress NetworkPolicy/,
      ),
      'ml-research-serving: pdb-for-replicas: Deployment/llama-8b spec.replicas: is 2, and no PodDisruptionBudget selects its pods',
    ]);
  });
});
