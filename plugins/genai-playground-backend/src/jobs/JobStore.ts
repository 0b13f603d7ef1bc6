import type {
  Job,
  JobStatus,
  JobTimelineEntry,
} from '@genai-portal/plugin-genai-playground-common';

/** A job as stored, with the bookkeeping the API does not show. */
export interface JobRecord extends Job {
  /** metadata.uid of the Kubernetes Job; unset while the submit has not been confirmed. */
  kubernetesUid?: string;
  cancelRequestedBy?: string;
  cancelRequestedAt?: string;
  requestHash?: string;
}

/** The fields a submit writes. */
export type NewJob = Omit<
  JobRecord,
  | 'updatedAt'
  | 'startedAt'
  | 'finishedAt'
  | 'gpuSeconds'
  | 'cancelledBy'
  | 'kubernetesUid'
  | 'cancelRequestedBy'
  | 'cancelRequestedAt'
>;

export interface JobFilter {
  /** The jobs of the environment as it is now: not those of an earlier one of the same id. */
  environmentId?: string;
  team?: string;
  owner?: string;
  statuses?: JobStatus[];
  ids?: string[];
  /** Newest first; default 200. */
  limit?: number;
}

/**
 * A change of what the cluster says about a job. Only a job that has not ended changes: a
 * transition to Succeeded, Failed or Cancelled happens once, with its GPU-seconds, however often
 * (and by however many watchers) it is observed.
 */
export interface JobChange {
  status: JobStatus;
  /** `null` clears it. */
  reason?: string | null;
  statusMessage?: string | null;
  startedAt?: string;
  finishedAt?: string;
  gpuSeconds?: number;
  cancelledBy?: string;
  now: string;
  /** For the timeline: who caused the change. */
  actor?: string;
}

export type InsertResult =
  | { inserted: true; job: JobRecord }
  /** A job with the same owner and idempotency key exists: that one. */
  | { inserted: false; job: JobRecord };

/** Blueprint job records and their status timelines. */
export interface JobStore {
  /** Inserts the job with its first timeline entry, unless its idempotency key is taken. */
  insert(job: NewJob, timeline: JobTimelineEntry): Promise<InsertResult>;
  get(id: string): Promise<JobRecord | undefined>;
  getByIdempotencyKey(
    owner: string,
    key: string,
  ): Promise<JobRecord | undefined>;
  list(filter?: JobFilter): Promise<JobRecord[]>;
  /** Jobs that have not ended, oldest first (what a watcher reconciles on start). */
  listUnfinished(): Promise<JobRecord[]>;
  /** Records that the cluster accepted the Job. */
  markCreated(id: string, kubernetesUid: string, now: string): Promise<void>;
  /** Removes a job the cluster refused outright (nothing was made). */
  remove(id: string): Promise<void>;
  /** Records who asked to cancel; false when the job has ended already. */
  requestCancel(id: string, actor: string, now: string): Promise<boolean>;
  /**
   * Applies a change to a job that has not ended, in one transaction with its timeline entry (one
   * when the status or reason changes). Returns the record after the change, or undefined when
   * the job has ended already (or does not exist): nothing was written.
   */
  apply(id: string, change: JobChange): Promise<JobRecord | undefined>;
  listTimeline(jobId: string): Promise<JobTimelineEntry[]>;
}
