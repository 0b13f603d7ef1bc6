import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type { LedgerFacts } from '@genai-portal/plugin-genai-insights-common';

/**
 * What a {@link FactSource} is given on each run of the collector.
 * @public
 */
export interface FactSourceCollectOptions {
  /**
   * The `now` of this source's last run whose facts were stored (ISO 8601). Absent on the first
   * run, and when the source's progress was reset: deliver everything that still counts.
   */
  since?: string;
  /** The time of this run, from the collector's clock: nothing the source reports ends later. */
  now: Date;
  /** Aborted when the backend stops or the run times out. */
  signal?: AbortSignal;
}

/**
 * A source of facts for the cost ledger, asked for what is new on every run of the collector
 * (`genaiInsights.collector.frequencySeconds`, one replica at a time).
 *
 * - Facts are stored by id, replacing a stored fact with the same id: deliver a fact again when
 *   it changes (a pod that ended, with its `end`), and use ids no other source uses.
 * - Return what is new or changed since `since`. Returning more is harmless but costly: the
 *   hours from the earliest time of what is returned are recomputed.
 * - The returned facts are checked like the playground feed's; when the run throws or returns
 *   a fact of the wrong shape, nothing of it is stored, the error is logged and the next run
 *   gets the same `since`.
 * @public
 */
export interface FactSource {
  /**
   * Unique among the sources and stable across restarts: the collector keeps each source's
   * progress under it. Lowercase letters, digits and dashes.
   */
  id: string;
  /** What is new or changed since `since`: facts of any kinds, each kind optional. */
  collect(options: FactSourceCollectOptions): Promise<Partial<LedgerFacts>>;
}

/**
 * Adds sources of facts to the genai-insights backend's collector.
 * @public
 */
export interface GenaiInsightsFactsExtensionPoint {
  /** Adds a source; its facts join the ledger from the collector's next run. */
  addFactSource(source: FactSource): void;
}

/**
 * The extension point of the genai-insights backend plugin for sources of cost facts.
 *
 * @example
 * ```ts
 * createBackendModule({
 *   pluginId: 'genai-insights',
 *   moduleId: 'my-facts',
 *   register(reg) {
 *     reg.registerInit({
 *       deps: { facts: genaiInsightsFactsExtensionPoint },
 *       async init({ facts }) {
 *         facts.addFactSource({ id: 'my-facts', collect: async ({ since, now }) => ({ tokens: [] }) });
 *       },
 *     });
 *   },
 * });
 * ```
 * @public
 */
export const genaiInsightsFactsExtensionPoint =
  createExtensionPoint<GenaiInsightsFactsExtensionPoint>({
    id: 'genai-insights.facts',
  });
