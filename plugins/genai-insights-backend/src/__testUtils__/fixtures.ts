import { ConfigReader } from '@backstage/config';
import type {
  EnvironmentEvent,
  IdleGpuInterval,
  JobGpuRecord,
  TokenUsage,
} from '@genai-portal/plugin-genai-insights-common';
import { readInsightsConfig } from '../config';

export const ML = 'group:default/ml-research';
export const APPS = 'group:default/genai-apps';

/** A rate card with a GPU price change on 2026-11-15 and token prices. */
export const RATE_CONFIG = {
  rateCard: {
    spotNodeLabels: [{ name: 'capacity-type', value: 'spot' }],
    versions: [
      {
        from: '2026-01-01T00:00:00Z',
        pools: [
          { name: 'mi300x', gpuHour: 2.9, spotGpuHour: 1.2 },
          { name: 'mi355x', gpuHour: 4.1 },
        ],
        cpuCoreHour: 0.04,
        memoryGiHour: 0.005,
        storageGiMonth: 0.08,
        tokens: [
          { model: 'llama', inputPerMillion: 0.15, outputPerMillion: 0.6 },
          { model: '*', inputPerMillion: 1, outputPerMillion: 2 },
        ],
      },
      {
        from: '2026-11-15T00:00:00Z',
        pools: [
          { name: 'mi300x', gpuHour: 3.5, spotGpuHour: 1.5 },
          { name: 'mi355x', gpuHour: 5 },
        ],
        cpuCoreHour: 0.05,
        memoryGiHour: 0.006,
        storageGiMonth: 0.1,
        tokens: [
          { model: 'llama', inputPerMillion: 0.2, outputPerMillion: 0.8 },
        ],
      },
    ],
  },
};

export const testConfig = () =>
  readInsightsConfig(new ConfigReader({ genaiInsights: RATE_CONFIG }));

export function event(
  overrides: Partial<EnvironmentEvent> & Pick<EnvironmentEvent, 'id' | 'at'>,
): EnvironmentEvent {
  return {
    environmentId: 'ml-research-lab',
    type: 'created',
    team: ML,
    costCenter: 'CC-100',
    pool: 'mi300x',
    quota: { gpus: 2, cpu: 16, memoryGi: 128, storageGi: 500 },
    ...overrides,
  };
}

export function job(
  overrides: Partial<JobGpuRecord> & Pick<JobGpuRecord, 'jobId' | 'start'>,
): JobGpuRecord {
  return {
    environmentId: 'ml-research-lab',
    team: ML,
    costCenter: 'CC-100',
    pool: 'mi300x',
    gpus: 1,
    ...overrides,
  };
}

export function idleGpu(
  overrides: Partial<IdleGpuInterval> & Pick<IdleGpuInterval, 'id' | 'start'>,
): IdleGpuInterval {
  return {
    environmentId: 'ml-research-lab',
    team: ML,
    pool: 'mi300x',
    gpus: 1,
    ...overrides,
  };
}

export function tokens(
  overrides: Partial<TokenUsage> & Pick<TokenUsage, 'id' | 'at'>,
): TokenUsage {
  return {
    environmentId: 'ml-research-lab',
    team: ML,
    model: 'llama',
    inputTokens: 1000,
    outputTokens: 500,
    ...overrides,
  };
}
