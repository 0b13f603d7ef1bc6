import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  CreateEnvironmentRequest,
  Environment,
  GenaiPlaygroundApi,
  Job,
  PlaygroundSettings,
  SubmitJobRequest,
} from '@genai-portal/plugin-genai-playground-common';

export const settings: PlaygroundSettings = {
  rateCard: {
    currency: 'USD',
    gpuHour: { mi355x: 4, mi300x: 3 },
    cpuCoreHour: 0.05,
    memoryGiHour: 0.01,
    storageGiMonth: 0.1,
  },
  lease: { defaultTtlHours: 72, maxTtlHours: 720 },
  pools: [
    { pool: 'mi355x', title: 'MI355X', workloadType: 'inference' },
    { pool: 'mi300x', title: 'MI300X', workloadType: 'blueprint' },
  ],
  teamLimits: {},
  defaultTeamLimits: { gpus: 32, cpu: 256, memoryGi: 2048, environments: 5 },
};

/** What the backend answers to a create request: the environment, creating. */
export function environmentFor(
  request: CreateEnvironmentRequest,
  overrides: Partial<Environment> = {},
): Environment {
  const team = request.team.replace(/^group:default\//, '');
  const namespace = `${team}-${request.name}`;
  return {
    id: namespace,
    name: request.name,
    team: `group:default/${team}`,
    owner: 'user:default/mock',
    cluster: 'kube-sim',
    namespace,
    gpuPool: request.gpuPool,
    quota: {
      gpus: request.gpus,
      cpu: request.cpu,
      memoryGi: request.memoryGi,
      storageGi: request.storageGi ?? 100,
      pods: 50,
      persistentVolumeClaims: 10,
    },
    costCenter: request.costCenter,
    monthlyBudget: request.monthlyBudget,
    currency: 'USD',
    dataClassification: request.dataClassification,
    securityLevel: request.securityLevel,
    description: request.description,
    status: 'creating',
    createdAt: '2025-06-01T10:00:00.000Z',
    updatedAt: '2025-06-01T10:00:00.000Z',
    expiresAt: new Date(
      Date.parse('2025-06-01T10:00:00.000Z') + request.ttlHours * 3_600_000,
    ).toISOString(),
    ...overrides,
  };
}

/** What the backend answers to a submit: the job, pending. */
export function jobFor(
  request: SubmitJobRequest,
  overrides: Partial<Job> = {},
): Job {
  const id = 'j7k2m9x4q1ab';
  return {
    id,
    name: request.name ?? 'trainer',
    environmentId: request.environment,
    namespace: request.environment,
    cluster: 'kube-sim',
    team: 'group:default/ml-research',
    owner: 'user:default/lena.fischer',
    costCenter: 'CC-2100',
    gpuPool: request.gpuPool ?? 'mi300x',
    kubernetesName: `bp-${id}`,
    image: request.image,
    command: request.command,
    args: request.args,
    env: request.env ?? [],
    gpus: request.gpus,
    pods: request.pods ?? 1,
    cpu: request.cpu ?? 8,
    memoryGi: request.memoryGi ?? 64,
    maxRuntimeHours: request.maxRuntimeHours ?? 4,
    retries: request.retries ?? 0,
    status: 'Pending',
    statusMessage:
      'admitted by the quota (8 of 8 GPUs); pool mi300x has 16 of 16 GPUs free',
    submittedAt: '2025-06-01T10:00:00.000Z',
    updatedAt: '2025-06-01T10:00:00.000Z',
    idempotencyKey: request.idempotencyKey,
    ...overrides,
  };
}

/** A GenaiPlaygroundApi whose create, submit and settings calls are jest mocks; the rest is unused. */
export function fakeClient() {
  const unused = () => Promise.reject(new Error('not used by the action'));
  const client = {
    getSettings: jest.fn(async () => settings),
    createEnvironment: jest.fn(async (request: CreateEnvironmentRequest) =>
      environmentFor(request),
    ),
    listEnvironments: jest.fn(unused),
    getEnvironment: jest.fn(unused),
    getEnvironmentHistory: jest.fn(unused),
    extendEnvironment: jest.fn(unused),
    deleteEnvironment: jest.fn(unused),
    getTeamQuotas: jest.fn(unused),
    getPoolUsage: jest.fn(unused),
    submitJob: jest.fn(
      async (
        request: SubmitJobRequest,
        _options?: { token?: string; idempotencyKey?: string },
      ) => jobFor(request),
    ),
    listJobs: jest.fn(unused),
    getJob: jest.fn(unused),
    getJobLogs: jest.fn(unused),
    followJobLogs: jest.fn(() => {
      throw new Error('not used by the action');
    }),
    cancelJob: jest.fn(unused),
    createApiKey: jest.fn(unused),
    listApiKeys: jest.fn(unused),
    revokeApiKey: jest.fn(unused),
    getUsage: jest.fn(unused),
    deployInferenceService: jest.fn(unused),
  } satisfies GenaiPlaygroundApi;
  return client;
}

/**
 * A checkpoint like the scaffolder's task runner: a key that succeeded before returns its stored
 * value without running the function again; a failure is not stored.
 */
export function checkpointStore() {
  const values = new Map<string, unknown>();
  return {
    values,
    async checkpoint(opts: { key: string; fn: () => any }): Promise<any> {
      if (values.has(opts.key)) {
        return values.get(opts.key);
      }
      const value = await opts.fn();
      values.set(opts.key, JSON.parse(JSON.stringify(value ?? {})));
      return value;
    },
  };
}

/** The org's groups as the catalog holds them, with the cost-center annotation. */
export function fakeCatalog() {
  const group = (name: string, costCenter?: string): Entity => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: {
      name,
      namespace: 'default',
      annotations: costCenter
        ? { 'genai-playground.io/cost-center': costCenter }
        : {},
    },
    spec: { type: 'team', children: [] },
  });
  return catalogServiceMock({
    entities: [group('ml-research', 'CC-2100'), group('interns')],
  });
}
