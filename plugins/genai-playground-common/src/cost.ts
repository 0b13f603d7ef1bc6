import type { GpuPool } from './environment';

/** Hours in an average month (365 * 24 / 12), the convention of cloud price lists. @public */
export const HOURS_PER_MONTH = 730;

/** Prices of the platform's resources, from config (`genaiPlayground.rateCard`). @public */
export interface RateCard {
  currency: string;
  gpuHour: Record<GpuPool, number>;
  cpuCoreHour: number;
  memoryGiHour: number;
  storageGiMonth: number;
}

/** @public */
export interface QuotaCostInput {
  gpuPool: GpuPool;
  gpus: number;
  cpu: number;
  memoryGi: number;
  storageGi?: number;
}

/** @public */
export interface MonthlyCost {
  currency: string;
  gpu: number;
  cpu: number;
  memory: number;
  storage: number;
  total: number;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * The monthly cost of holding a quota for a whole month: what an environment costs at most if
 * everything it may request runs all the time. Shown before a user submits.
 * @public
 */
export function projectMonthlyCost(
  quota: QuotaCostInput,
  rateCard: RateCard,
): MonthlyCost {
  const gpu = quota.gpus * rateCard.gpuHour[quota.gpuPool] * HOURS_PER_MONTH;
  const cpu = quota.cpu * rateCard.cpuCoreHour * HOURS_PER_MONTH;
  const memory = quota.memoryGi * rateCard.memoryGiHour * HOURS_PER_MONTH;
  const storage = (quota.storageGi ?? 0) * rateCard.storageGiMonth;
  return {
    currency: rateCard.currency,
    gpu: round2(gpu),
    cpu: round2(cpu),
    memory: round2(memory),
    storage: round2(storage),
    total: round2(gpu + cpu + memory + storage),
  };
}
