import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { startKubeSim, type KubeSim } from '@genai-portal/kube-sim';
import { startLlmSim, type LlmSim } from '@genai-portal/llm-sim';
import {
  AppsV1Api,
  AutoscalingV2Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  PolicyV1Api,
  setHeaderOptions,
} from '@kubernetes/client-node';
import OpenAI from 'openai';
import {
  createRequest,
  createServices,
  LENA,
  MARCO,
} from '../../__testUtils__/harness';
import { post, startGateway } from '../__testUtils__/gatewayHarness';
import { UPSTREAM_URL_ANNOTATION } from './manifests';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

function apis(sim: KubeSim) {
  const kc = new KubeConfig();
  kc.loadFromString(sim.kubeconfig);
  return {
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    autoscaling: kc.makeApiClient(AutoscalingV2Api),
    policy: kc.makeApiClient(PolicyV1Api),
    custom: kc.makeApiClient(CustomObjectsApi),
  };
}

describe('inference services on kube-sim', () => {
  let kube: KubeSim;
  let model: LlmSim;
  beforeAll(async () => {
    kube = await startKubeSim({ port: 0, tickMs: 50, timeScale: 20 });
    // stands in for the vLLM pods, serving the deployed name
    model = await startLlmSim({
      models: [
        {
          id: 'meta-llama/Llama-3.1-8B-Instruct',
          servedModelNames: ['team-llama'],
        },
      ],
      ttftMs: 5,
      tpotMs: 1,
    });
  });
  afterAll(async () => {
    await model.close();
    await kube.close();
  });

  it('deploys vLLM into an environment, and the gateway discovers and routes the model', async () => {
    const knex = await databases.init('SQLITE_3');
    const s = await createServices({ sim: kube, knex });
    const env = await s.environments.create(
      createRequest({
        name: 'serving',
        gpuPool: 'mi355x',
        gpus: 4,
        cpu: 32,
        memoryGi: 256,
      }),
      { credentials: mockCredentials.user(MARCO) },
    );
    const other = await s.environments.create(
      createRequest({
        name: 'apps',
        team: 'genai-apps',
        gpuPool: 'mi355x',
        gpus: 1,
      }),
      { credentials: mockCredentials.user(LENA) },
    );
    const h = await startGateway({
      knex,
      kubeUrl: kube.url,
      kubeToken: kube.token,
      inference: {
        discovery: { enabled: true, allowUpstreamAnnotation: true },
      },
    });
    try {
      const res = await post(
        `${h.url}/environments/${env.id}/inference-services`,
        JSON.stringify({
          name: 'team-llama',
          model: 'meta-llama/Llama-3.1-8B-Instruct',
          replicas: 2,
          maxReplicas: 4,
          gpusPerReplica: 1,
          maxModelLen: 16384,
        }),
      );
      expect(res.status).toBe(201);
      expect(res.json).toEqual({
        name: 'team-llama',
        model: 'meta-llama/Llama-3.1-8B-Instruct',
        environmentId: env.id,
        namespace: env.namespace,
        replicas: 2,
        maxReplicas: 4,
        gpusPerReplica: 1,
        serviceUrl: `http://team-llama.${env.namespace}.svc:8000`,
        // the router's host, as OpenShift assigns it
        routeHost: `team-llama-${env.namespace}.apps.kube-sim.local`,
        objects: [
          { kind: 'Deployment', name: 'team-llama' },
          { kind: 'Service', name: 'team-llama' },
          { kind: 'Route', name: 'team-llama' },
          { kind: 'HorizontalPodAutoscaler', name: 'team-llama' },
          { kind: 'PodDisruptionBudget', name: 'team-llama' },
        ],
      });

      const k = apis(kube);
      const ns = env.namespace;
      const deployment = await k.apps.readNamespacedDeployment({
        name: 'team-llama',
        namespace: ns,
      });
      const pod = deployment.spec!.template.spec!;
      expect(deployment.metadata?.labels).toMatchObject({
        'genai-playground.io/inference-model': 'team-llama',
        'app.kubernetes.io/managed-by': 'genai-playground-portal',
        'genai-playground.io/environment': env.id,
      });
      expect(pod.nodeSelector).toEqual({ 'gpu-type': 'mi355x' });
      expect(pod.tolerations).toEqual([
        { key: 'amd.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
      ]);
      const container = pod.containers[0];
      expect(container.image).toBe('rocm/vllm:rocm7.0.0_vllm_0.11.1_20251024');
      expect(container.args).toEqual(
        expect.arrayContaining([
          '--model',
          'meta-llama/Llama-3.1-8B-Instruct',
          '--served-model-name',
          'team-llama',
          '--max-model-len',
          '16384',
        ]),
      );
      expect(container.resources?.requests?.['amd.com/gpu']).toBe('1');
      expect(container.resources?.limits?.['amd.com/gpu']).toBe('1');
      expect(container.readinessProbe?.httpGet?.path).toBe('/health');
      expect(container.livenessProbe?.httpGet?.path).toBe('/health');
      expect(container.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
      // the read-only root: everything vLLM writes lands on an emptyDir (or the model cache)
      expect(pod.volumes?.map(v => v.name)).toEqual([
        'model-cache',
        'dshm',
        'tmp',
      ]);
      expect(pod.volumes?.[2].emptyDir).toBeDefined();
      expect(container.volumeMounts).toEqual([
        { name: 'model-cache', mountPath: '/models-cache' },
        { name: 'dshm', mountPath: '/dev/shm' },
        { name: 'tmp', mountPath: '/tmp' },
      ]);
      expect(container.env).toEqual(
        expect.arrayContaining([
          { name: 'HF_HOME', value: '/models-cache' },
          { name: 'HOME', value: '/tmp' },
          { name: 'XDG_CACHE_HOME', value: '/tmp/.cache' },
          { name: 'VLLM_CACHE_ROOT', value: '/tmp/.cache/vllm' },
          { name: 'TRITON_CACHE_DIR', value: '/tmp/.triton/cache' },
        ]),
      );
      // the pods carry the environment's classification, as its namespace does
      const namespace = await k.core.readNamespace({ name: env.namespace });
      expect(namespace.metadata?.labels).toMatchObject({
        'security-level': env.securityLevel,
        'data-classification': env.dataClassification,
      });
      expect(deployment.spec!.template.metadata?.labels).toMatchObject({
        'security-level': env.securityLevel,
        'data-classification': env.dataClassification,
      });
      // replicas > 1: a disruption budget selecting the Deployment's pods
      const pdb = await k.policy.readNamespacedPodDisruptionBudget({
        name: 'team-llama',
        namespace: ns,
      });
      expect(pdb.metadata?.labels).toMatchObject({
        'app.kubernetes.io/managed-by': 'genai-playground-portal',
        'genai-playground.io/inference-model': 'team-llama',
      });
      expect(pdb.spec).toMatchObject({
        maxUnavailable: 1,
        selector: deployment.spec!.selector,
      });
      const service = await k.core.readNamespacedService({
        name: 'team-llama',
        namespace: ns,
      });
      expect(service.spec?.ports?.[0]).toMatchObject({
        name: 'http',
        port: 8000,
      });
      const route: any = await k.custom.getNamespacedCustomObject({
        group: 'route.openshift.io',
        version: 'v1',
        namespace: ns,
        plural: 'routes',
        name: 'team-llama',
      });
      expect(route.spec).toMatchObject({
        to: { kind: 'Service', name: 'team-llama' },
        tls: { termination: 'edge' },
      });
      const hpa = await k.autoscaling.readNamespacedHorizontalPodAutoscaler({
        name: 'team-llama',
        namespace: ns,
      });
      expect(hpa.spec).toMatchObject({ minReplicas: 2, maxReplicas: 4 });

      // the pods are scheduled on MI355X nodes within the environment's quota
      let pods: any[] = [];
      for (let i = 0; i < 400; i++) {
        pods = (
          await k.core.listNamespacedPod({
            namespace: ns,
            labelSelector: 'genai-playground.io/inference-model=team-llama',
          })
        ).items;
        if (pods.length === 2 && pods.every(p => p.spec?.nodeName)) break;
        await new Promise(r => setTimeout(r, 50));
      }
      expect(pods.map(p => p.spec.nodeName)).toEqual([
        expect.stringMatching(/mi355x/),
        expect.stringMatching(/mi355x/),
      ]);

      // deploying again updates in place
      const again = await post(
        `${h.url}/environments/${env.id}/inference-services`,
        JSON.stringify({
          name: 'team-llama',
          model: 'meta-llama/Llama-3.1-8B-Instruct',
          replicas: 1,
        }),
      );
      expect(again.status).toBe(201);
      expect(
        (
          await k.apps.readNamespacedDeployment({
            name: 'team-llama',
            namespace: ns,
          })
        ).spec?.replicas,
      ).toBe(1);

      // kube-sim's Services route nowhere: point the gateway at the stand-in model server
      await k.core.patchNamespacedService(
        {
          name: 'team-llama',
          namespace: ns,
          body: {
            metadata: { annotations: { [UPSTREAM_URL_ANNOTATION]: model.url } },
          },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      expect(await h.gateway.discovery.refresh()).toEqual(['team-llama']);

      const { key } = await h.gateway.keys.create(
        env.id,
        { name: 'team' } as any,
        {
          credentials: mockCredentials.user(MARCO),
        },
      );
      const client = new OpenAI({
        baseURL: h.baseURL,
        apiKey: key,
        maxRetries: 0,
      });
      const listed = (await client.models.list()).data.find(
        m => m.id === 'team-llama',
      );
      expect(listed).toMatchObject({
        owned_by: 'group:default/ml-research',
        max_model_len: 16384,
        genai: {
          source: 'service',
          environmentId: env.id,
          team: 'group:default/ml-research',
        },
      });
      const answer = await client.chat.completions.create({
        model: 'team-llama',
        messages: [{ role: 'user', content: 'hi' }],
        max_tokens: 5,
      });
      expect(answer.model).toBe('team-llama');
      expect(model.stats().inference.byModel).toEqual({ 'team-llama': 1 });

      // the model is the team's: another team's key neither sees nor uses it
      const lena = await h.gateway.keys.create(
        other.id,
        { name: 'apps' } as any,
        {
          credentials: mockCredentials.user(LENA),
        },
      );
      const apps = new OpenAI({
        baseURL: h.baseURL,
        apiKey: lena.key,
        maxRetries: 0,
      });
      expect((await apps.models.list()).data.map(m => m.id)).not.toContain(
        'team-llama',
      );
      await expect(
        apps.chat.completions.create({
          model: 'team-llama',
          messages: [{ role: 'user', content: 'hi' }],
        }),
      ).rejects.toMatchObject({ status: 403 });

      // a Service outside the portal's environments is ignored
      await k.core.createNamespacedService({
        namespace: 'default',
        body: {
          metadata: {
            name: 'rogue',
            labels: { 'genai-playground.io/inference-model': 'rogue' },
            annotations: {
              [UPSTREAM_URL_ANNOTATION]: 'http://169.254.169.254',
            },
          },
          spec: { ports: [{ port: 80 }] },
        },
      });
      expect(await h.gateway.discovery.refresh()).toEqual(['team-llama']);
    } finally {
      await h.close();
    }
  });

  it('refuses what the environment cannot hold', async () => {
    const knex = await databases.init('SQLITE_3');
    const s = await createServices({ sim: kube, knex });
    const small = await s.environments.create(
      createRequest({ name: 'small', gpuPool: 'mi355x', gpus: 2 }),
      { credentials: mockCredentials.user(MARCO) },
    );
    const blueprint = await s.environments.create(
      createRequest({ name: 'train', gpuPool: 'mi300x', gpus: 2 }),
      { credentials: mockCredentials.user(MARCO) },
    );
    const h = await startGateway({
      knex,
      kubeUrl: kube.url,
      kubeToken: kube.token,
    });
    try {
      const deploy = (id: string, body: object) =>
        post(
          `${h.url}/environments/${id}/inference-services`,
          JSON.stringify(body),
        );
      const tooBig = await deploy(small.id, {
        name: 'big',
        model: 'org/model',
        replicas: 2,
        gpusPerReplica: 2,
      });
      expect(tooBig.status).toBe(400);
      expect(tooBig.json.error.message).toBe(
        `Invalid request: 2 replicas × 2 GPUs need 4 GPUs; environment ${small.id} has a quota of 2`,
      );
      const tooHungry = await deploy(small.id, {
        name: 'hungry',
        model: 'org/model',
        replicas: 2,
      });
      expect(tooHungry.json.error.message).toBe(
        `Invalid request: 2 replicas need 16 CPU cores and 128 GiB of memory (8 and 64 each); environment ${small.id} has a quota of 8 and 64`,
      );
      const wrongPool = await deploy(blueprint.id, {
        name: 'mm',
        model: 'org/model',
      });
      expect(wrongPool.status).toBe(400);
      expect(wrongPool.json.error.message).toMatch(
        /model servers run on mi355x/,
      );
      expect(
        (await deploy(small.id, { name: 'Bad_Name', model: 'org/model' }))
          .status,
      ).toBe(400);
      expect(
        (await deploy(small.id, { name: 'ok', model: 'no-slash' })).status,
      ).toBe(400);
      // The real policy: an environment that does not exist is no team's, so a member is refused
      // before anything could tell whether it exists.
      expect(
        (await deploy('nope', { name: 'ok', model: 'org/model' })).status,
      ).toBe(403);
    } finally {
      await h.close();
    }
  });
});
