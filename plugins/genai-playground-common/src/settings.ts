import type { RateCard } from './cost';
import type { GpuPool } from './environment';
import type { JobSettings } from './jobs';

/** Per-team caps on the sum of all its environments' quotas. @public */
export interface TeamLimits {
  gpus: number;
  cpu: number;
  memoryGi: number;
  /** GiB of storage (requests.storage); the backend always sends it, older ones did not. */
  storageGi?: number;
  environments: number;
}

/**
 * What the frontend and the scaffolder need to validate and price a request before sending it
 * (`GET /api/genai-playground/settings`).
 * @public
 */
export interface PlaygroundSettings {
  rateCard: RateCard;
  lease: { defaultTtlHours: number; maxTtlHours: number };
  pools: Array<{ pool: GpuPool; title: string; workloadType: string }>;
  teamLimits: Record<string, TeamLimits>;
  defaultTeamLimits: TeamLimits;
  /** Bounds of blueprint job requests (registries, runtime, pools, priority classes). */
  jobs?: JobSettings;
}
