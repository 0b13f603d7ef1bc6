/*
 * The parts GPU utilization is built from, as interfaces: the cluster's allocation, Prometheus's
 * samples and the idle episodes. Each has one implementation in a folder of its own.
 */
import type {
  GpuWorkloadKind,
  IdleGpuEpisode,
} from '@genai-portal/plugin-genai-insights-common';

/** A GPU node as the Kubernetes API shows it. */
export interface GpuNodeInfo {
  name: string;
  /** The node's pool label (`genaiInsights.gpu.poolLabel`, default `gpu-type`); '' when absent. */
  pool: string;
  /** The card model, from the AMD GPU operator's `amd.com/gpu.product-name` label, readable. */
  gpuModel: string;
  /** `status.allocatable['amd.com/gpu']`. */
  capacity: number;
}

/** A running pod holding GPUs. */
export interface GpuPodInfo {
  uid: string;
  namespace: string;
  pod: string;
  node: string;
  gpus: number;
  kind: GpuWorkloadKind;
  /** Group ref, from the pod's or its namespace's `genai-playground.io/team` label. */
  team?: string;
  environment?: string;
  /** User ref: the pod's `genai-playground.io/owner` label, else the namespace's. */
  owner?: string;
  jobId?: string;
  /** The inference server's name (`genai-playground.io/inference-model`). */
  model?: string;
  /** The pool the pod runs on: its node's pool. */
  pool: string;
  startedAt?: string;
}

/** A pod (or Kueue workload) waiting for GPUs. */
export interface PendingGpuInfo {
  namespace: string;
  name: string;
  source: 'pod' | 'kueue';
  team?: string;
  pool?: string;
  gpus: number;
  since: string;
  reason?: string;
}

/** The cluster's GPUs and who holds them, at one moment. */
export interface ClusterGpuSnapshot {
  at: string;
  nodes: GpuNodeInfo[];
  pods: GpuPodInfo[];
  pending: PendingGpuInfo[];
}

/** Reads the cluster's GPU allocation (cached briefly: pages and scans share one read). */
export interface ClusterGpuReader {
  snapshot(): Promise<ClusterGpuSnapshot>;
}

/** One series of an instant query. */
export interface PromSample {
  labels: Record<string, string>;
  value: number;
}

/** One series of a range query: [unix milliseconds, value] pairs in time order. */
export interface PromSeries {
  labels: Record<string, string>;
  points: Array<[number, number]>;
}

/** Prometheus's HTTP API, as GPU utilization uses it. */
export interface PrometheusQueries {
  /** `GET /api/v1/query`. Throws PrometheusUnavailableError when Prometheus cannot answer. */
  instant(query: string, at?: Date): Promise<PromSample[]>;
  /**
   * `GET /api/v1/query_range` with start and end aligned to the step (so caches hit); the step
   * is widened when the range would exceed the client's point limit. Returns the step used.
   */
  range(
    query: string,
    range: { start: Date; end: Date; stepSeconds: number },
  ): Promise<{ stepSeconds: number; series: PromSeries[] }>;
}

/** Prometheus could not answer: not configured, down, slow, or answered with an error. */
export class PrometheusUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PrometheusUnavailableError';
  }
}

/** Idle episodes, kept so an episode is reported and notified once. */
export interface IdleEpisodeStore {
  /** Open episodes (no end), or those of these teams. */
  listOpen(options?: { teams?: string[] }): Promise<IdleGpuEpisode[]>;
}
