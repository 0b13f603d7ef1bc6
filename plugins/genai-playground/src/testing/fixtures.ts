import type {
  Environment,
  EnvironmentWithDetails,
  GpuPoolUsage,
  PlaygroundSettings,
  TeamQuotaUsage,
} from '@genai-portal/plugin-genai-playground-common';
import type { GenaiPlaygroundFrontendApi } from '@genai-portal/plugin-genai-playground-react';

/** Test data and a fake GenaiPlaygroundFrontendApi for the plugin's component tests. */

export const NOW = new Date();
const hoursFromNow = (hours: number) =>
  new Date(NOW.getTime() + hours * 3600_000).toISOString();

export const settings: PlaygroundSettings = {
  rateCard: {
    currency: 'USD',
    gpuHour: { mi355x: 4, mi300x: 3 },
    cpuCoreHour: 0.05,
    memoryGiHour: 0.01,
    storageGiMonth: 0.1,
  },
  lease: { defaultTtlHours: 72, maxTtlHours: 336 },
  pools: [
    { pool: 'mi355x', title: 'MI355X (inference)', workloadType: 'inference' },
    { pool: 'mi300x', title: 'MI300X (blueprints)', workloadType: 'blueprint' },
  ],
  teamLimits: {
    'ml-research': { gpus: 16, cpu: 256, memoryGi: 2048, environments: 5 },
  },
  defaultTeamLimits: { gpus: 4, cpu: 64, memoryGi: 512, environments: 2 },
};

export function makeEnvironment(
  overrides: Partial<Environment> = {},
): Environment {
  const name = overrides.name ?? 'llama-finetune';
  return {
    id: `ml-research-${name}`,
    name,
    team: 'group:default/ml-research',
    owner: 'user:default/guest',
    cluster: 'kube-sim',
    namespace: `ml-research-${name}`,
    gpuPool: 'mi300x',
    quota: {
      gpus: 8,
      cpu: 32,
      memoryGi: 256,
      storageGi: 500,
      pods: 20,
      persistentVolumeClaims: 5,
    },
    costCenter: 'CC-2100',
    currency: 'USD',
    dataClassification: 'internal',
    securityLevel: 'medium',
    status: 'ready',
    createdAt: hoursFromNow(-48),
    updatedAt: hoursFromNow(-48),
    expiresAt: hoursFromNow(72.5),
    ...overrides,
  };
}

export function withDetails(
  environment: Environment,
  overrides: Partial<EnvironmentWithDetails> = {},
): EnvironmentWithDetails {
  return {
    ...environment,
    quotaUsage: {
      hard: {
        'requests.amd.com/gpu': String(environment.quota.gpus),
        'requests.cpu': String(environment.quota.cpu),
        'requests.memory': `${environment.quota.memoryGi}Gi`,
        pods: String(environment.quota.pods),
      },
      used: {
        'requests.amd.com/gpu': '2',
        'requests.cpu': '4500m',
        'requests.memory': '64Gi',
        pods: '2',
      },
      readAt: hoursFromNow(0),
    },
    pods: [
      {
        name: 'trainer-0',
        phase: 'Running',
        node: 'mi300x-node-1',
        gpus: 2,
      },
      { name: 'notebook', phase: 'Pending', gpus: 0 },
    ],
    ...overrides,
  };
}

export const pools: GpuPoolUsage[] = [
  {
    pool: 'mi355x',
    productName: 'AMD Instinct MI355X',
    nodes: 2,
    allocatable: 16,
    requested: 6,
    free: 10,
    quotaCommitted: 12,
    readAt: hoursFromNow(0),
  },
  {
    pool: 'mi300x',
    productName: 'AMD Instinct MI300X',
    nodes: 4,
    allocatable: 32,
    requested: 30,
    free: 2,
    quotaCommitted: 40,
    readAt: hoursFromNow(0),
  },
];

export const teamQuota: TeamQuotaUsage = {
  team: 'group:default/ml-research',
  environments: 2,
  gpus: { hard: 12, used: 5, cap: 16 },
  cpu: { hard: 64, used: 9, cap: 256 },
  memoryGi: { hard: 512, used: 100, cap: 2048 },
  readAt: hoursFromNow(0),
};

/** A GenaiPlaygroundApi whose every method is a jest mock with a sensible default answer. */
export function fakeApi(
  overrides: Partial<jest.Mocked<GenaiPlaygroundFrontendApi>> = {},
): jest.Mocked<GenaiPlaygroundFrontendApi> {
  const environment = makeEnvironment();
  return {
    getSettings: jest.fn().mockResolvedValue(settings),
    createEnvironment: jest.fn().mockResolvedValue(environment),
    listEnvironments: jest.fn().mockResolvedValue({ items: [environment] }),
    getEnvironment: jest.fn().mockResolvedValue(withDetails(environment)),
    getEnvironmentHistory: jest.fn().mockResolvedValue({ items: [] }),
    extendEnvironment: jest.fn().mockResolvedValue(environment),
    deleteEnvironment: jest
      .fn()
      .mockResolvedValue({ ...environment, status: 'deleting' }),
    getTeamQuotas: jest.fn().mockResolvedValue({ items: [teamQuota] }),
    getPoolUsage: jest.fn().mockResolvedValue({ items: pools }),
    submitJob: jest.fn().mockRejectedValue(new Error('not faked')),
    listJobs: jest.fn().mockResolvedValue({ items: [] }),
    getJob: jest.fn().mockRejectedValue(new Error('not faked')),
    getJobLogs: jest.fn().mockResolvedValue(''),
    followJobLogs: jest.fn().mockImplementation(async function* empty() {}),
    cancelJob: jest.fn().mockRejectedValue(new Error('not faked')),
    deployInferenceService: jest.fn().mockRejectedValue(new Error('not faked')),
    listApiKeys: jest.fn().mockResolvedValue({ items: [] }),
    createApiKey: jest.fn().mockRejectedValue(new Error('not faked')),
    revokeApiKey: jest.fn().mockRejectedValue(new Error('not faked')),
    getUsage: jest.fn().mockRejectedValue(new Error('not faked')),
    listModels: jest.fn().mockResolvedValue({ data: [] }),
    streamChatCompletion: jest.fn().mockRejectedValue(new Error('not faked')),
    ...overrides,
  };
}
