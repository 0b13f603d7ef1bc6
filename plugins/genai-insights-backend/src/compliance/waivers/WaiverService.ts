import { randomUUID } from 'node:crypto';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  MAX_WAIVER_DAYS,
  type ComplianceWaiver,
} from '@genai-portal/plugin-genai-insights-common';
import type { ActiveWaiver } from '../applyWaivers';
import type { WaiverSource } from '../ComplianceService';
import {
  stateOf,
  type StoredWaiver,
  type WaiverStateFilter,
  type WaiverStore,
} from './WaiverStore';

const DAY_MS = 86_400_000;

/** A waiver to grant, its check and place already checked by the caller. */
export interface WaiverGrant {
  checkId: string;
  team: string;
  environment?: string;
  justification: string;
  expiresAt: string;
  createdBy: string;
}

/**
 * Granting, revoking and listing waivers, and the waivers in force for scoring. Nothing is
 * cached: every answer reads the store, so an expiry or a revocation counts at once.
 */
export class WaiverService implements WaiverSource {
  readonly #store: WaiverStore;
  readonly #now: () => Date;

  constructor(options: { store: WaiverStore; clock?: () => Date }) {
    this.#store = options.store;
    this.#now = options.clock ?? (() => new Date());
  }

  async active(now: Date): Promise<ActiveWaiver[]> {
    const list = await this.#store.list({
      state: 'active',
      now: now.toISOString(),
    });
    return list.map(w => ({
      id: w.id,
      checkId: w.checkId,
      team: w.team,
      ...(w.environment ? { environment: w.environment } : {}),
      justification: w.justification,
      expiresAt: w.expiresAt,
      createdBy: w.createdBy,
    }));
  }

  async list(filter: {
    state: WaiverStateFilter;
    teams?: string[];
  }): Promise<ComplianceWaiver[]> {
    const now = this.#now().toISOString();
    const list = await this.#store.list({ ...filter, now });
    return list.map(w => this.#answer(w, now));
  }

  /** A waiver; NotFoundError naming the id when there is none. */
  async get(id: string): Promise<ComplianceWaiver> {
    const waiver = await this.#store.get(id);
    if (!waiver) throw new NotFoundError(`No compliance waiver '${id}'`);
    return this.#answer(waiver, this.#now().toISOString());
  }

  /**
   * Grants a waiver: `expiresAt` must be in the future and at most MAX_WAIVER_DAYS away
   * (InputError naming the field); a waiver of the same check and place in force is a
   * ConflictError naming its id.
   */
  async create(grant: WaiverGrant): Promise<ComplianceWaiver> {
    const now = this.#now();
    const expires = this.checkExpiry(grant.expiresAt, now);
    const waiver: StoredWaiver = {
      id: randomUUID(),
      ...grant,
      expiresAt: new Date(expires).toISOString(),
      createdAt: now.toISOString(),
    };
    const result = await this.#store.create(waiver, now.toISOString());
    if ('existing' in result) {
      const place = grant.environment
        ? `environment '${grant.environment}'`
        : `team ${grant.team}`;
      throw new ConflictError(
        `Check '${grant.checkId}' is already waived for ${place} by waiver ${result.existing.id}, until ${result.existing.expiresAt}`,
      );
    }
    return this.#answer(result.created, now.toISOString());
  }

  /**
   * Revokes a waiver in force: NotFoundError for an unknown id, ConflictError when it is already
   * revoked or expired.
   */
  async revoke(id: string, by: string): Promise<ComplianceWaiver> {
    const now = this.#now().toISOString();
    const waiver = await this.#store.get(id);
    if (!waiver) throw new NotFoundError(`No compliance waiver '${id}'`);
    if (!(await this.#store.revoke(id, by, now))) {
      // Someone else may have revoked it meanwhile: say what it is now.
      const current = (await this.#store.get(id)) ?? waiver;
      throw new ConflictError(
        `Compliance waiver ${id} is ${stateOf(current, now)} already`,
      );
    }
    return this.#answer({ ...waiver, revokedBy: by, revokedAt: now }, now);
  }

  /**
   * The expiry as a time, or an InputError naming `expiresAt` unless it is in the future and at
   * most MAX_WAIVER_DAYS away. Routes call it before the policy, so bad input is a 400 for all.
   */
  checkExpiry(expiresAt: string, now: Date = this.#now()): number {
    const expires = Date.parse(expiresAt);
    if (Number.isNaN(expires) || expires <= now.getTime()) {
      throw new InputError(
        `Invalid request: expiresAt: must be in the future (now is ${now.toISOString()})`,
      );
    }
    if (expires > now.getTime() + MAX_WAIVER_DAYS * DAY_MS) {
      throw new InputError(
        `Invalid request: expiresAt: must be at most ${MAX_WAIVER_DAYS} days away`,
      );
    }
    return expires;
  }

  #answer(w: StoredWaiver, now: string): ComplianceWaiver {
    return { ...w, state: stateOf(w, now) };
  }
}
