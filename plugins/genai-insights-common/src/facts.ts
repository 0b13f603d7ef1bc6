/**
 * The facts the ledger is computed from, as the playground's incremental feed delivers them.
 * Every fact has a stable id, so a fact delivered twice (a restart, a replayed page of the feed)
 * is stored once. Times are ISO 8601 UTC.
 */

/** The quota an environment holds. @public */
export interface ReservedQuota {
  gpus: number;
  /** CPU cores. */
  cpu: number;
  memoryGi: number;
  storageGi: number;
}

/** @public */
export type EnvironmentEventType =
  | 'created'
  | 'extended'
  | 'resized'
  | 'deleted';

/**
 * A change in an environment's life. `created` and `resized` set the quota held from `at`;
 * `extended` moves the lease and changes no price; `deleted` ends the reservation.
 * @public
 */
export interface EnvironmentEvent {
  /** Unique id of the event. */
  id: string;
  environmentId: string;
  type: EnvironmentEventType;
  team: string;
  costCenter: string;
  pool: string;
  quota: ReservedQuota;
  /** The environment's monthly budget in currency units, if it has one. */
  monthlyBudget?: number;
  at: string;
}

/**
 * A job's GPUs for the time they ran. `end` is absent while the job runs; the ledger counts up
 * to the time it is computed at and recounts the hour when the job ends.
 * @public
 */
export interface JobGpuRecord {
  jobId: string;
  environmentId: string;
  team: string;
  costCenter: string;
  pool: string;
  gpus: number;
  start: string;
  end?: string;
  /** Labels of the node the job ran on, to tell spot from on-demand capacity. */
  nodeLabels?: Record<string, string>;
}

/**
 * A pod's requests while it ran, for work other than jobs (inference servers' replicas,
 * notebooks). Pods of jobs are counted by their JobGpuRecord and must not be sent again.
 * @public
 */
export interface PodInterval {
  /** Pod uid. */
  id: string;
  environmentId: string;
  team: string;
  costCenter: string;
  pool: string;
  gpus: number;
  cpu: number;
  memoryGi: number;
  start: string;
  end?: string;
  nodeLabels?: Record<string, string>;
}

/** Tokens of one metered call of the gateway. @public */
export interface TokenUsage {
  /** Unique id of the call (its request id or usage record id). */
  id: string;
  /** Environment charged; absent for calls not charged to an environment. */
  environmentId?: string;
  team: string;
  costCenter?: string;
  pool?: string;
  keyId?: string;
  userRef?: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  at: string;
}

/**
 * GPUs held by a pod but idle (GPU utilization's idle scan): an episode of one GPU, from when it
 * went idle until it was last seen idle. `end` is absent while the episode is open; the ledger
 * counts up to the time it is computed at. The ledger takes these GPU-hours off the `used`
 * basis's GPUs of the environment: a GPU held but idle is not used.
 * @public
 */
export interface IdleGpuInterval {
  /** The idle episode's id. */
  id: string;
  /** The pod's namespace, as PodInterval's. */
  environmentId: string;
  /** The team the pod was counted to, when known. */
  team?: string;
  pool: string;
  gpus: number;
  start: string;
  end?: string;
}

/** The facts for a range of hours. @public */
export interface LedgerFacts {
  environmentEvents: EnvironmentEvent[];
  jobs: JobGpuRecord[];
  pods: PodInterval[];
  tokens: TokenUsage[];
  /** Idle GPUs of GPU utilization; absent from the playground's feed. */
  idleGpus?: IdleGpuInterval[];
}
