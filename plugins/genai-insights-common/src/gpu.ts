/*
 * GPU utilization: what the cluster has allocated (from the Kubernetes API) and how busy it is
 * (from AMD's device-metrics-exporter through Prometheus), joined to teams, environments, jobs
 * and models.
 */
import type { Micros } from './money';

/**
 * Whether Prometheus answered. Allocation comes from the cluster and is always shown; activity,
 * tokens and energy need Prometheus, and are absent (not zero) when it is down.
 * @public
 */
export type PrometheusStatus =
  | { available: true }
  | {
      available: false;
      /** What went wrong, for the page: not configured, timed out, refused, an error. */
      reason: string;
    };

/** What kind of workload holds a GPU. @public */
export type GpuWorkloadKind = 'job' | 'inference' | 'other';

/**
 * The pod holding GPUs. Pods of teams the caller may not read are shown as `visible: false`
 * with their names blanked, so the fleet's occupancy is public but not whose work it is.
 * @public
 */
export interface GpuHolder {
  visible: boolean;
  /** Empty when not visible. */
  namespace: string;
  pod: string;
  kind: GpuWorkloadKind;
  /** The team's group ref (`group:default/ml-research`); absent for pods outside the playground. */
  team?: string;
  /** The playground environment (its namespace's `genai-playground.io/environment` label). */
  environment?: string;
  /** The owner's user ref (`user:default/marco.rossi`): the environment's or the job's. */
  owner?: string;
  /** The playground job's id, for pods of blueprint jobs. */
  jobId?: string;
  /** The inference server's name, for model servers' pods. */
  model?: string;
}

/**
 * How a GPU in a partitioned mode reports: the exporter publishes activity and power for
 * partition 0 only (CPX/DPX/QPX), so its activity speaks for the whole GPU at best.
 * @public
 */
export interface GpuPartitioning {
  /** `spx`, `dpx`, `qpx`, `cpx`. */
  computeMode: string;
  /** `nps1`, `nps4`. */
  memoryMode: string;
  /** Number of compute partitions seen. */
  partitions: number;
}

/** One GPU of a node, now. @public */
export interface FleetGpu {
  /** The exporter's `gpu_id`. */
  id: number;
  /** Graphics engine activity, 0–100; absent without a sample (Prometheus down). */
  activity?: number;
  /** Memory engine activity, 0–100. */
  memoryActivity?: number;
  powerWatts?: number;
  usedVramMb?: number;
  totalVramMb?: number;
  /** Set when the GPU is partitioned (not SPX): its activity is partition 0's. */
  partitioning?: GpuPartitioning;
  /** The pod holding it; absent when free. */
  holder?: GpuHolder;
  /** The GPU is held and idle under the idle rule (an open idle episode). */
  idle?: boolean;
}

/** One GPU node. @public */
export interface FleetNode {
  name: string;
  pool: string;
  /** The card model (`AMD Instinct MI355X`). */
  gpuModel: string;
  capacity: number;
  allocated: number;
  /**
   * Its GPUs, by id. Ids come from the exporter; without Prometheus the GPUs are listed 0..n-1
   * with the pods' allocation spread over them in order (Kubernetes does not say which device).
   */
  gpus: FleetGpu[];
}

/** A pod waiting for GPUs (or a Kueue workload not yet admitted). @public */
export interface PendingGpuDemand {
  visible: boolean;
  namespace: string;
  /** The pod's or the workload's name. */
  name: string;
  source: 'pod' | 'kueue';
  team?: string;
  pool?: string;
  gpus: number;
  /** When it was created. */
  since: string;
  /** Why it waits, as the scheduler said (`0/125 nodes are available: ...`). */
  reason?: string;
}

/** One pool of the fleet, now. @public */
export interface GpuPoolSummary {
  pool: string;
  gpuModel: string;
  nodes: number;
  capacity: number;
  allocated: number;
  free: number;
  /** Allocated GPUs at or above the idle threshold now; absent without Prometheus. */
  active?: number;
  /** Allocated GPUs in an open idle episode. */
  idle: number;
  pendingGpus: number;
  /** The pool's price per GPU-hour, in micros of the currency. */
  gpuHourMicros: Micros;
}

/**
 * The rule that makes a held GPU idle, as configured (`genaiInsights.gpu.idle`): its activity
 * stays under `thresholdPercent` for `windowMinutes` and, for inference servers, they served no
 * request in that window.
 * @public
 */
export interface IdleRule {
  thresholdPercent: number;
  windowMinutes: number;
  /** Inference servers are idle only when they also served no request in the window. */
  inferenceNeedsNoRequests: boolean;
  /** Owners and leads are told once per episode. */
  notify: boolean;
}

/** Answer of `GET /gpu/fleet`: the fleet now. @public */
export interface GpuFleet {
  at: string;
  currency: string;
  prometheus: PrometheusStatus;
  idleRule: IdleRule;
  pools: GpuPoolSummary[];
  nodes: FleetNode[];
  pending: PendingGpuDemand[];
}

/** One step of one pool in `GET /gpu/usage`. @public */
export interface GpuUsagePoint {
  /** The step's start. */
  at: string;
  pool: string;
  /** GPU-hours held by pods in the step. */
  allocatedGpuHours: number;
  /** GPU-hours held with activity at or above the threshold. */
  activeGpuHours: number;
  /** allocated − active. */
  idleGpuHours: number;
}

/** Answer of `GET /gpu/usage`: allocated, active and idle GPU-hours per pool over time. @public */
export interface GpuUsage {
  from: string;
  to: string;
  stepSeconds: number;
  prometheus: PrometheusStatus;
  points: GpuUsagePoint[];
}

/** What `GET /gpu/breakdown` groups by. @public */
export const GPU_BREAKDOWNS = [
  'team',
  'environment',
  'model',
  'job',
  'pool',
] as const;

/** @public */
export type GpuBreakdownBy = (typeof GPU_BREAKDOWNS)[number];

/** One row of `GET /gpu/breakdown`. @public */
export interface GpuBreakdownRow {
  key: string;
  /** The team of the row (for environment, model and job rows). */
  team?: string;
  allocatedGpuHours: number;
  /** Mean graphics activity of its GPUs while held, 0–100. */
  meanActivity: number | null;
  /** GPU-hours held under the idle threshold. */
  idleGpuHours: number;
  /** The idle GPU-hours at the pool's price. */
  idleMicros: Micros;
  /** Energy of its GPUs, from the exporter's power. */
  energyKwh: number | null;
  /** Output tokens generated (vLLM's `vllm:generation_tokens_total`; model and team rows). */
  generationTokens: number | null;
  /** Output tokens metered by the gateway (model and team rows). */
  meteredTokens: number | null;
  tokensPerGpuHour: number | null;
  tokensPerKwh: number | null;
}

/** Answer of `GET /gpu/breakdown`. @public */
export interface GpuBreakdown {
  by: GpuBreakdownBy;
  from: string;
  to: string;
  currency: string;
  prometheus: PrometheusStatus;
  rows: GpuBreakdownRow[];
}

/** A held GPU found idle: one episode, from when it went idle until it was busy or let go. @public */
export interface IdleGpuEpisode {
  id: string;
  node: string;
  gpuId: number;
  pool: string;
  namespace: string;
  pod: string;
  kind: GpuWorkloadKind;
  team?: string;
  environment?: string;
  owner?: string;
  jobId?: string;
  model?: string;
  /** When its activity last was at or above the threshold (or the pod started). */
  since: string;
  /** The last scan that found it idle. */
  lastSeen: string;
  /** Set once the episode is over. */
  endedAt?: string;
  /** The GPU-hours since `since` at the pool's price. */
  costMicros: Micros;
  /** When the owner and the leads were told; absent until they were. */
  notifiedAt?: string;
}

/** Answer of `GET /gpu/idle`: open idle episodes, longest first. @public */
export interface GpuIdleList {
  at: string;
  currency: string;
  rule: IdleRule;
  prometheus: PrometheusStatus;
  episodes: IdleGpuEpisode[];
  /** The sum of the listed episodes' cost. */
  totalMicros: Micros;
}

/** One step of `GET /gpu/activity`. @public */
export interface GpuActivityPoint {
  at: string;
  /** GPUs held in the step. */
  gpus: number;
  /** Their mean graphics activity, 0–100; null without samples. */
  meanActivity: number | null;
}

/** One GPU of `GET /gpu/activity`, over the range. @public */
export interface GpuActivityDevice {
  node: string;
  gpuId: number;
  pod: string;
  meanActivity: number | null;
}

/**
 * Answer of `GET /gpu/activity`: the GPUs of one environment, one job or some teams over a range
 * (cards on environment, Group and job pages).
 * @public
 */
export interface GpuActivity {
  from: string;
  to: string;
  stepSeconds: number;
  prometheus: PrometheusStatus;
  points: GpuActivityPoint[];
  devices: GpuActivityDevice[];
  /** Mean over the range, 0–100; null without samples. */
  meanActivity: number | null;
  allocatedGpuHours: number;
}
