import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  factsReadPermission,
  type FactsPage,
} from '@genai-portal/plugin-genai-playground-common';
import type { PermissionGate } from '../permissions/PermissionGate';
import { decodeCursor, encodeCursor } from './cursor';
import type { FactsFeedStore } from './FactsFeedStore';

export interface FactsServiceOptions {
  store: FactsFeedStore;
  gate: Pick<PermissionGate, 'require'>;
  /** Rows younger than this (s) are held back (genaiPlayground.factsFeed.settleSeconds). */
  settleSeconds: number;
  /**
   * The longest a metered call waits in the usage recorder's buffer before it is written
   * (inference.metering.flushIntervalMs): usage records settle this much later.
   */
  usageFlushMs: number;
  clock?: { now(): Date };
}

/**
 * The incremental facts feed: environments' lifecycle, jobs' GPUs and token usage, in pages a
 * cursor strings together, for the genai-insights backend's ledger (under facts.read).
 */
export class FactsService {
  readonly #options: FactsServiceOptions;
  readonly #clock: { now(): Date };

  constructor(options: FactsServiceOptions) {
    this.#options = options;
    this.#clock = options.clock ?? { now: () => new Date() };
  }

  /** The page after the cursor `after` (from the beginning without it). */
  async page(
    query: { after?: string; limit: number },
    { credentials }: { credentials: BackstageCredentials },
  ): Promise<FactsPage> {
    await this.#options.gate.require(factsReadPermission, credentials);
    const after = decodeCursor(query.after);
    const now = this.#clock.now().getTime();
    const settled = now - this.#options.settleSeconds * 1000;
    const batch = await this.#options.store.read({
      after,
      limit: query.limit,
      settledAt: new Date(settled).toISOString(),
      usageSettledAt: new Date(
        settled - this.#options.usageFlushMs,
      ).toISOString(),
    });
    return {
      facts: {
        environmentEvents: batch.environmentEvents,
        jobs: batch.jobs,
        tokens: batch.tokens,
      },
      cursor: encodeCursor(batch.position),
      more: batch.more,
    };
  }
}
