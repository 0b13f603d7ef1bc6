import type {
  Environment,
  EnvironmentEvent,
  EnvironmentStatus,
  GpuPool,
} from '@genai-portal/plugin-genai-playground-common';
import type { PermissionCriteria } from '@backstage/plugin-permission-common';
import type { EnvironmentQuery } from '../permissions/rules';

/** Statuses of environments that hold (or are about to hold) a namespace and its quota. */
export const LIVE_STATUSES: EnvironmentStatus[] = [
  'creating',
  'ready',
  'deleting',
];

/** An environment record as stored, with the lease bookkeeping the API does not show. */
export interface EnvironmentRecord extends Environment {
  expiryNotifiedAt?: string;
  /** While a create runs: when its lock lapses (a crashed create can be retried after). */
  createLockUntil?: string;
}

export interface EnvironmentFilter {
  team?: string;
  owner?: string;
  gpuPool?: GpuPool;
  /** Only these statuses (default: all but deleted). */
  statuses?: EnvironmentStatus[];
  /** Only ids in this list. */
  ids?: string[];
  /** Only environments these permission criteria (the rules' queries) hold for. */
  permitted?: PermissionCriteria<EnvironmentQuery>;
}

/** Fields a create (or the retry of one) writes. */
export type NewEnvironment = Omit<
  EnvironmentRecord,
  | 'status'
  | 'statusMessage'
  | 'updatedAt'
  | 'deletedAt'
  | 'expiryNotifiedAt'
  | 'createLockUntil'
>;

/** The result of claiming an environment to create it. */
export type ClaimResult =
  /** The caller holds the create lock on a record in status creating. */
  | { claimed: true; environment: EnvironmentRecord }
  /** Someone else is creating it, or it exists already: the record as it is. */
  | { claimed: false; environment: EnvironmentRecord };

/** Environments and their history. */
export interface EnvironmentStore {
  /**
   * Claims the environment for creation: inserts the record in status `creating`, or takes over
   * a record in status `creating` (a crashed attempt whose lock lapsed), `failed` or `deleted`
   * with the new request's fields. Two concurrent claims of the same (cluster, namespace) never
   * both succeed.
   */
  claimForCreate(
    environment: NewEnvironment,
    options: { lockToken: string; lockUntil: string; now: string },
  ): Promise<ClaimResult>;

  /** Extends the create lock held with this token; false when it is no longer held. */
  renewLock(
    id: string,
    options: { lockToken: string; lockUntil: string },
  ): Promise<boolean>;

  /**
   * Undoes a claim before anything was provisioned, only while the record is still `creating`
   * and held with this token: a new record is deleted; one that took over an old failed or
   * deleted record puts that record back as it was, history and all. False when not held.
   */
  releaseClaim(id: string, options: { lockToken: string }): Promise<boolean>;

  /** Creates that stopped half way: status creating, and their create lock lapsed before `now`. */
  listStaleCreates(now: string): Promise<EnvironmentRecord[]>;

  /**
   * Takes the create lock of a create that stopped half way, in one conditional update: only if
   * it is still creating with the lock as read, lapsed before `now`. False when it changed in
   * between (a retry took it over, or another lease run took it first).
   */
  takeStaleCreate(
    read: Pick<EnvironmentRecord, 'id' | 'createLockUntil'>,
    options: { lockToken: string; lockUntil: string; now: string },
  ): Promise<boolean>;

  /** Sets the status (and message), releasing the create lock held with this token. */
  finishCreate(
    id: string,
    options: {
      lockToken: string;
      status: 'ready' | 'failed';
      statusMessage?: string;
      now: string;
    },
  ): Promise<EnvironmentRecord | undefined>;

  get(id: string): Promise<EnvironmentRecord | undefined>;
  list(filter?: EnvironmentFilter): Promise<EnvironmentRecord[]>;

  /**
   * Moves the lease end and clears the expiry notification mark, only while the environment is
   * ready; undefined otherwise (the lease task may have claimed it for deletion meanwhile).
   */
  extend(
    id: string,
    options: { expiresAt: string; now: string },
  ): Promise<EnvironmentRecord | undefined>;

  setStatus(
    id: string,
    options: { status: EnvironmentStatus; now: string; deletedAt?: string },
  ): Promise<EnvironmentRecord | undefined>;

  /**
   * Environments whose lease ended at or before `now`: ready ones, and ones the lease task
   * claimed before (status deleting) but did not finish deleting.
   */
  listExpired(now: string): Promise<EnvironmentRecord[]>;

  /**
   * Claims an expired environment for deletion (status deleting) in one conditional update: only
   * if its status and lease end are still what was read and the lease still ended at or before
   * `now`. False when it changed in between (an extend, a delete): then it must be left alone.
   */
  claimExpired(
    read: Pick<EnvironmentRecord, 'id' | 'status' | 'expiresAt'>,
    now: string,
  ): Promise<boolean>;

  /** Ready environments whose lease ends at or before `before` and whose owner was not told yet. */
  listToNotify(before: string): Promise<EnvironmentRecord[]>;

  /** Marks the owner as told; false when someone else marked it first. */
  markNotified(id: string, now: string): Promise<boolean>;

  addEvent(event: EnvironmentEvent): Promise<void>;
  listEvents(environmentId: string): Promise<EnvironmentEvent[]>;
}
