import { createValidatedOpenApiRouter } from '@backstage/backend-openapi-utils';
import {
  GenaiPlaygroundClient,
  type GenaiPlaygroundApi,
} from '@genai-portal/plugin-genai-playground-common';
import express from 'express';
import type { AddressInfo } from 'node:net';
import { loadOpenApiSpec } from './openapiSpec';

/*
 * The client of -common against the OpenAPI document: every route of the plugin (but the
 * gateway's /v1, which is OpenAI's API, and /health and /metrics, which are for probes) has a
 * client method; each method's request passes the document's validation; and each answer is a
 * value of the method's TypeScript type (`satisfies`) that the document's response validation
 * accepts too, so a field the two disagree on (a number sent as a string, a required field one
 * of them lacks) fails here.
 */

/** The client's methods: GenaiPlaygroundApi's, and getUsage (not on the interface yet). */
type Client = Pick<
  GenaiPlaygroundClient,
  keyof GenaiPlaygroundApi | 'getUsage'
>;
type Method = keyof Client;
type Answer<M extends Method> = Awaited<ReturnType<Client[M]>>;

const AT = '2026-12-01T10:00:00.000Z';
const environment = {
  id: 'ml-research-lab',
  name: 'lab',
  team: 'group:default/ml-research',
  owner: 'user:default/marco.rossi',
  cluster: 'playground',
  namespace: 'ml-research-lab',
  gpuPool: 'mi300x',
  quota: {
    gpus: 8,
    cpu: 64,
    memoryGi: 512,
    storageGi: 100,
    pods: 50,
    persistentVolumeClaims: 10,
  },
  costCenter: 'CC-1234',
  monthlyBudget: 5000,
  currency: 'USD',
  dataClassification: 'internal',
  securityLevel: 'medium',
  status: 'ready',
  createdAt: AT,
  updatedAt: AT,
  expiresAt: AT,
} satisfies Answer<'createEnvironment'>;
const job = {
  id: 'job-1',
  name: 'lora',
  environmentId: environment.id,
  namespace: environment.namespace,
  cluster: 'playground',
  team: environment.team,
  owner: environment.owner,
  costCenter: 'CC-1234',
  gpuPool: 'mi300x',
  kubernetesName: 'job-1',
  image: 'registry.example.com/ml/trainer:1.0',
  env: [{ name: 'HF_HOME', value: '/data' }],
  gpus: 8,
  pods: 1,
  cpu: 8,
  memoryGi: 64,
  maxRuntimeHours: 24,
  retries: 0,
  status: 'Running',
  submittedAt: AT,
  startedAt: AT,
  updatedAt: AT,
} satisfies Answer<'submitJob'>;
const apiKey = {
  id: 'key-1',
  prefix: 'gpk-AbCd1234',
  name: 'ci',
  environmentId: environment.id,
  team: environment.team,
  models: ['llama'],
  rpm: 60,
  tpm: 100000,
  monthlyBudget: 100,
  currency: 'USD',
  createdBy: environment.owner,
  createdAt: AT,
  expiresAt: AT,
  status: 'active',
} satisfies Answer<'revokeApiKey'>;
const teamLimits = {
  gpus: 16,
  cpu: 128,
  memoryGi: 1024,
  storageGi: 10240,
  environments: 10,
};

/** Each method: a call with every parameter it has, and an answer of its type. */
const cases: {
  [M in Method]: {
    call: (client: Client) => Promise<unknown>;
    answer: Answer<M> | string;
  };
} = {
  getSettings: {
    call: c => c.getSettings(),
    answer: {
      rateCard: {
        currency: 'USD',
        gpuHour: { mi355x: 4.1, mi300x: 2.9 },
        cpuCoreHour: 0.04,
        memoryGiHour: 0.005,
        storageGiMonth: 0.08,
      },
      lease: { defaultTtlHours: 72, maxTtlHours: 720 },
      pools: [{ pool: 'mi300x', title: 'MI300X', workloadType: 'blueprint' }],
      teamLimits: { 'ml-research': teamLimits },
      defaultTeamLimits: teamLimits,
      jobs: {
        allowedRegistries: ['registry.example.com'],
        allowedPools: ['mi300x'],
        defaultRuntimeHours: 4,
        maxRuntimeHours: 24,
        maxPods: 8,
        maxRetries: 3,
        priorityClasses: ['batch'],
      },
    } satisfies Answer<'getSettings'>,
  },
  createEnvironment: {
    call: c =>
      c.createEnvironment({
        name: 'lab',
        team: 'ml-research',
        gpuPool: 'mi300x',
        gpus: 8,
        cpu: 64,
        memoryGi: 512,
        storageGi: 100,
        ttlHours: 72,
        costCenter: 'CC-1234',
        monthlyBudget: 5000,
        dataClassification: 'internal',
        securityLevel: 'medium',
        description: 'fine-tuning',
      }),
    answer: environment,
  },
  listEnvironments: {
    call: c =>
      c.listEnvironments({
        team: 'group:default/ml-research',
        owner: 'user:default/marco.rossi',
        gpuPool: 'mi300x',
        includeDeleted: true,
      }),
    answer: { items: [environment] },
  },
  getEnvironment: {
    call: c => c.getEnvironment(environment.id),
    answer: {
      ...environment,
      quotaUsage: {
        hard: { 'requests.amd.com/gpu': '8' },
        used: { 'requests.amd.com/gpu': '0' },
        readAt: AT,
      },
      pods: [{ name: 'p', phase: 'Running', gpus: 1, createdAt: AT }],
    },
  },
  getEnvironmentHistory: {
    call: c => c.getEnvironmentHistory(environment.id),
    answer: {
      items: [
        {
          environmentId: environment.id,
          action: 'create',
          actor: environment.owner,
          at: AT,
          details: { gpus: 8 },
        },
      ],
    },
  },
  extendEnvironment: {
    call: c => c.extendEnvironment(environment.id, { ttlHours: 24 }),
    answer: environment,
  },
  deleteEnvironment: {
    call: c => c.deleteEnvironment(environment.id),
    answer: { ...environment, status: 'deleted', deletedAt: AT },
  },
  getTeamQuotas: {
    call: c => c.getTeamQuotas({ team: 'group:default/ml-research' }),
    answer: {
      items: [
        {
          team: environment.team,
          environments: 1,
          gpus: { hard: 8, used: 2, cap: 16 },
          cpu: { hard: 64, used: 8.5 },
          memoryGi: { hard: 512, used: 64 },
          readAt: AT,
        },
      ],
    },
  },
  getPoolUsage: {
    call: c => c.getPoolUsage(),
    answer: {
      items: [
        {
          pool: 'mi300x',
          productName: 'AMD Instinct MI300X',
          nodes: 2,
          allocatable: 16,
          requested: 8,
          free: 8,
          quotaCommitted: 24,
          readAt: AT,
        },
      ],
    },
  },
  submitJob: {
    call: c =>
      c.submitJob(
        {
          environment: environment.id,
          name: 'lora',
          image: job.image,
          command: ['python', 'train.py'],
          args: ['--epochs', '1'],
          env: [
            { name: 'HF_HOME', value: '/data' },
            {
              name: 'HF_TOKEN',
              valueFrom: { secretKeyRef: { name: 'hf', key: 'token' } },
            },
          ],
          gpus: 8,
          pods: 1,
          cpu: 8,
          memoryGi: 64,
          maxRuntimeHours: 24,
          retries: 0,
          priorityClass: 'batch',
          gpuPool: 'mi300x',
          queue: 'team-queue',
          description: 'a LoRA run',
        },
        { idempotencyKey: 'run-1' },
      ),
    answer: job,
  },
  listJobs: {
    call: c =>
      c.listJobs({
        environment: environment.id,
        team: environment.team,
        owner: environment.owner,
        status: ['Pending', 'Running'],
        limit: 10,
      }),
    answer: { items: [job] },
  },
  getJob: {
    call: c => c.getJob(job.id),
    answer: {
      ...job,
      timeline: [{ at: AT, status: 'Running' }],
      events: [
        {
          type: 'Normal',
          reason: 'Started',
          message: 'started',
          object: 'Pod/p',
          count: 1,
        },
      ],
      podDetails: [
        {
          name: 'p',
          phase: 'Running',
          index: 0,
          restarts: 0,
          containers: ['main'],
        },
      ],
    },
  },
  getJobLogs: {
    call: c =>
      c.getJobLogs(job.id, { pod: 'p', container: 'main', tailLines: 100 }),
    answer: 'epoch 1\n',
  },
  followJobLogs: {
    call: async c => {
      let text = '';
      for await (const chunk of c.followJobLogs(job.id, { pod: 'p' })) {
        text += chunk;
      }
      return text;
    },
    answer: 'epoch 1\n',
  },
  cancelJob: {
    call: c => c.cancelJob(job.id, { propagationPolicy: 'Foreground' }),
    answer: { ...job, status: 'Cancelled', cancelledBy: environment.owner },
  },
  createApiKey: {
    call: c =>
      c.createApiKey(environment.id, {
        name: 'ci',
        models: ['llama'],
        rpm: 60,
        tpm: 100000,
        monthlyBudget: 100,
      }),
    answer: { ...apiKey, key: 'gpk-secret' },
  },
  listApiKeys: {
    call: c => c.listApiKeys(environment.id),
    answer: {
      items: [
        {
          ...apiKey,
          usage: {
            month: '2026-12',
            requests: 3,
            inputTokens: 30,
            outputTokens: 60,
            cost: 0.01,
          },
        },
      ],
    },
  },
  revokeApiKey: {
    call: c => c.revokeApiKey(environment.id, apiKey.id),
    answer: { ...apiKey, status: 'revoked', revokedAt: AT },
  },
  deployInferenceService: {
    call: c =>
      c.deployInferenceService(environment.id, {
        name: 'llama',
        model: 'meta-llama/Llama-3.1-8B-Instruct',
        replicas: 1,
        maxReplicas: 2,
        gpusPerReplica: 1,
        kind: 'chat',
        maxModelLen: 8192,
      }),
    answer: {
      name: 'llama',
      model: 'meta-llama/Llama-3.1-8B-Instruct',
      environmentId: environment.id,
      namespace: environment.namespace,
      replicas: 1,
      maxReplicas: 2,
      gpusPerReplica: 1,
      serviceUrl: 'http://llama.ml-research-lab.svc:8000',
      objects: [{ kind: 'Deployment', name: 'llama' }],
    },
  },
  getUsage: {
    call: c =>
      c.getUsage({
        groupBy: 'model',
        from: '2026-12-01T00:00:00Z',
        to: '2026-12-02T00:00:00+01:00',
        team: 'group:default/ml-research',
        environment: environment.id,
        model: 'llama',
      }),
    answer: {
      groupBy: 'model',
      from: AT,
      to: AT,
      currency: 'USD',
      items: [
        {
          group: 'llama',
          requests: 3,
          errors: 0,
          inputTokens: 30,
          outputTokens: 60,
          cost: 0.01,
          avgLatencyMs: 120.5,
        },
      ],
    },
  },
};

const spec = loadOpenApiSpec();
/** The operations a client serves: all but the gateway's, the probes' and the insights plugin's feed. */
const operations = Object.entries(spec.paths as Record<string, object>)
  .filter(([route]) => !/^\/(v1\/|health$|metrics$|facts$)/.test(route))
  .flatMap(([route, item]) =>
    Object.keys(item)
      .filter(key => ['get', 'post', 'put', 'patch', 'delete'].includes(key))
      .map(method => `${method.toUpperCase()} ${route}`),
  )
  .sort();

describe('GenaiPlaygroundClient against the OpenAPI document', () => {
  let client: GenaiPlaygroundClient;
  let close: () => void;
  /** The operation the last request reached, and the answer to give. */
  let reached: string | undefined;
  let answer: unknown;

  beforeAll(async () => {
    const router = createValidatedOpenApiRouter(spec, {
      validatorOptions: { validateSecurity: false, validateResponses: true },
    }) as unknown as express.Router;
    router.use((req, res) => {
      const { openApiRoute, schema } = (req as any).openapi ?? {};
      reached = openApiRoute && `${req.method} ${openApiRoute}`;
      // The operation's first success status: 201 for creates.
      res.status(
        Number(Object.keys(schema?.responses ?? {}).find(s => /^2/.test(s))),
      );
      if (typeof answer === 'string') res.type('text/plain').send(answer);
      else res.json(answer);
    });
    const app = express();
    app.use(router);
    app.use(
      (
        error: Error,
        _req: express.Request,
        res: express.Response,
        _next: express.NextFunction,
      ) => {
        res
          .status(599)
          .json({ error: { name: 'Error', message: error.message } });
      },
    );
    const server = app.listen(0);
    await new Promise(resolve => server.once('listening', resolve));
    close = () => server.close();
    const { port } = server.address() as AddressInfo;
    client = new GenaiPlaygroundClient({
      discoveryApi: { getBaseUrl: async () => `http://127.0.0.1:${port}` },
    });
  });
  afterAll(() => close());

  it.each(Object.keys(cases) as Method[])(
    '%s sends a request and takes an answer the document accepts',
    async method => {
      reached = undefined;
      answer = cases[method].answer;
      await expect(cases[method].call(client)).resolves.toEqual(answer);
      expect(operations).toContain(reached);
    },
  );

  it('has a method for every operation of the document', async () => {
    const covered = new Set<string>();
    for (const method of Object.keys(cases) as Method[]) {
      answer = cases[method].answer;
      await cases[method].call(client);
      covered.add(reached!);
    }
    expect([...covered].sort()).toEqual(operations);
  });
});
