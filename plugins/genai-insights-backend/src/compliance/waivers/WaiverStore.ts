import type { ComplianceWaiverState } from '@genai-portal/plugin-genai-insights-common';

/** A waiver as kept: its state is not stored, it follows from the time asked about. */
export interface StoredWaiver {
  id: string;
  checkId: string;
  /** Group ref of the team waived (of the environment, when one is). */
  team: string;
  /** Absent: every environment of the team. */
  environment?: string;
  justification: string;
  expiresAt: string;
  createdBy: string;
  createdAt: string;
  revokedBy?: string;
  revokedAt?: string;
  expiryNotifiedAt?: string;
}

/** Which waivers a list holds. */
export type WaiverStateFilter = ComplianceWaiverState | 'all';

/** A waiver's state at `now` (ISO). */
export function stateOf(
  waiver: Pick<StoredWaiver, 'revokedAt' | 'expiresAt'>,
  now: string,
): ComplianceWaiverState {
  if (waiver.revokedAt) return 'revoked';
  return Date.parse(waiver.expiresAt) > Date.parse(now) ? 'active' : 'expired';
}

/** Compliance waivers. Times are ISO strings, compared at `now`. */
export interface WaiverStore {
  /**
   * Adds a waiver unless one for the same check and place (environment, or team) is in force at
   * `now`; that one is returned instead (the database decides, so concurrent grants cannot
   * both win).
   */
  create(
    waiver: StoredWaiver,
    now: string,
  ): Promise<{ created: StoredWaiver } | { existing: StoredWaiver }>;
  get(id: string): Promise<StoredWaiver | undefined>;
  /** Waivers in a state at `now`, of some teams (all when absent), newest first. */
  list(filter: {
    state: WaiverStateFilter;
    now: string;
    teams?: string[];
  }): Promise<StoredWaiver[]>;
  /**
   * Revokes a waiver in force at `at`; false when it was not (revoked already, or expired), so a
   * revocation is recorded once.
   */
  revoke(id: string, by: string, at: string): Promise<boolean>;
  /** Waivers in force at `now`, expiring before `until`, whose owners were not told yet. */
  expiringUnnotified(now: string, until: string): Promise<StoredWaiver[]>;
  /** Marks the expiry notice sent at `at`; false when another run already did (send nothing). */
  claimExpiryNotice(id: string, at: string): Promise<boolean>;
  /** Gives a claim up after the notice could not be sent: the next run tries again. */
  releaseExpiryNotice(id: string): Promise<void>;
}
