import type { JobWithDetails } from '@genai-portal/plugin-genai-playground-common';
import type { JobRecord } from './JobStore';

/** What a job page shows of the cluster: the job's events and pods. */
export type ClusterDetails = Pick<JobWithDetails, 'events' | 'podDetails'>;

/** How long an ended job's cluster details are reused. */
export const ENDED_JOB_DETAILS_MS = 10_000;
const MAX_ENTRIES = 1_000;

/**
 * The cluster details of ended jobs, kept for ENDED_JOB_DETAILS_MS in this replica: opening a
 * job read its Job, its pods and every event of its namespace from the API server each time, and
 * the pages of ended jobs are the ones opened again and again. An ended job's details only go
 * away (its pods after ttlSecondsAfterFinished, events after the cluster's event TTL), so what is
 * shown is at most that much late to say so. A job that has not ended is always read live: its
 * reads also move its status on. Keyed by the job's run (id, Job uid, end), so a job that runs
 * again is not answered with its previous run's details.
 */
export class EndedJobDetails {
  readonly #entries = new Map<
    string,
    { details: ClusterDetails; until: number }
  >();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  get(record: JobRecord): ClusterDetails | undefined {
    const key = keyOf(record);
    const entry = this.#entries.get(key);
    if (entry && entry.until > this.#now()) return entry.details;
    if (entry) this.#entries.delete(key);
    return undefined;
  }

  set(record: JobRecord, details: ClusterDetails) {
    if (this.#entries.size >= MAX_ENTRIES) {
      this.#entries.delete(this.#entries.keys().next().value!);
    }
    this.#entries.set(keyOf(record), {
      details,
      until: this.#now() + ENDED_JOB_DETAILS_MS,
    });
  }
}

function keyOf(record: JobRecord): string {
  return JSON.stringify([
    record.id,
    record.kubernetesUid ?? '',
    record.finishedAt ?? '',
  ]);
}
