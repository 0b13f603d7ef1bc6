import type { GpuPool } from './environment';

/** ResourceQuota hard and used, as the cluster reports them. @public */
export interface QuotaUsage {
  hard: Record<string, string>;
  used: Record<string, string>;
  /** When this was read from the cluster (ISO time); answers are cached briefly. */
  readAt: string;
}

/** A pod running in an environment. @public */
export interface EnvironmentPod {
  name: string;
  phase: string;
  node?: string;
  gpus: number;
  createdAt?: string;
}

/** @public */
export interface EnvironmentDetails {
  quotaUsage?: QuotaUsage;
  pods: EnvironmentPod[];
  /** Set when the cluster could not be read; the record is still returned. */
  clusterError?: string;
}

/** GPUs of one team: the sum over its environments. @public */
export interface TeamQuotaUsage {
  team: string;
  environments: number;
  gpus: { hard: number; used: number; cap?: number };
  cpu: { hard: number; used: number; cap?: number };
  memoryGi: { hard: number; used: number; cap?: number };
  readAt: string;
}

/** A GPU pool: allocatable GPUs on its nodes versus what running pods request. @public */
export interface GpuPoolUsage {
  pool: GpuPool;
  productName: string;
  nodes: number;
  allocatable: number;
  requested: number;
  free: number;
  /** GPUs promised to environments' quotas on this pool (may exceed allocatable). */
  quotaCommitted: number;
  readAt: string;
}
