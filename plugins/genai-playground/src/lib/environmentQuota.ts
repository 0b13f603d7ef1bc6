import {
  EnvironmentWithDetails,
  parseQuantity,
  QuotaUsage,
} from '@genai-portal/plugin-genai-playground-common';

/** The resources a playground quota is shown with, and their ResourceQuota keys in order of preference. */
export type QuotaResource = 'gpus' | 'cpu' | 'memoryGi' | 'pods';

const KEYS: Record<QuotaResource, string[]> = {
  gpus: ['requests.amd.com/gpu', 'amd.com/gpu', 'limits.amd.com/gpu'],
  cpu: ['requests.cpu', 'cpu', 'limits.cpu'],
  memoryGi: ['requests.memory', 'memory', 'limits.memory'],
  pods: ['pods', 'count/pods'],
};

/** Used and hard of one resource, in GPUs, cores, GiB or pods. */
export interface UsedHard {
  used?: number;
  hard?: number;
}

function read(
  values: Record<string, string> | undefined,
  resource: QuotaResource,
): number | undefined {
  if (!values) {
    return undefined;
  }
  for (const key of KEYS[resource]) {
    const parsed = parseQuantity(values[key]);
    if (parsed !== undefined) {
      return resource === 'memoryGi' ? parsed / 2 ** 30 : parsed;
    }
  }
  return undefined;
}

/** One resource of a ResourceQuota's status. */
export function quotaOf(
  usage: QuotaUsage | undefined,
  resource: QuotaResource,
): UsedHard {
  return {
    used: read(usage?.used, resource),
    hard: read(usage?.hard, resource),
  };
}

/**
 * Used and hard of every shown resource of an environment: the live ResourceQuota when the
 * cluster answered, else the quota the environment was sized with (and no usage).
 */
export function environmentQuota(
  environment: Pick<EnvironmentWithDetails, 'quota'> &
    Partial<Pick<EnvironmentWithDetails, 'quotaUsage'>>,
): Record<QuotaResource, UsedHard> {
  const sized: Record<QuotaResource, number> = {
    gpus: environment.quota.gpus,
    cpu: environment.quota.cpu,
    memoryGi: environment.quota.memoryGi,
    pods: environment.quota.pods,
  };
  const result = {} as Record<QuotaResource, UsedHard>;
  for (const resource of Object.keys(sized) as QuotaResource[]) {
    const live = quotaOf(environment.quotaUsage, resource);
    result[resource] = {
      used: live.used,
      hard: live.hard ?? sized[resource],
    };
  }
  return result;
}
