import { z } from 'zod';

/*
 * The playground's incremental facts feed, `GET /api/genai-playground/facts`: environments'
 * lifecycle, jobs' GPUs and the gateway's token usage, for cost ledgers.
 *
 * The genai-insights backend consumes it to fill its fact tables: these shapes are the ones
 * `EnvironmentEvent`, `JobGpuRecord` and `TokenUsage` of
 * `@genai-portal/plugin-genai-insights-common` (src/facts.ts) declare. They are declared again
 * here, not imported, so that the playground does not depend on insights; a change to one side
 * must be made to the other.
 */

/** The quota an environment holds. @public */
export interface FactsReservedQuota {
  gpus: number;
  /** CPU cores. */
  cpu: number;
  memoryGi: number;
  storageGi: number;
}

/**
 * What happened to an environment: `created` (it became ready and holds its quota from `at`),
 * `extended` (its lease moved; no price changes), `resized` (its quota changed; the playground
 * does not resize environments yet, so the feed sends none), `deleted` (deleted or expired: the
 * quota is released).
 * @public
 */
export type FactsEnvironmentEventType =
  | 'created'
  | 'extended'
  | 'resized'
  | 'deleted';

/** A change in an environment's life. Same shape as insights' `EnvironmentEvent`. @public */
export interface FactsEnvironmentEvent {
  /** `env-event-<id of the history entry>`: stable, so a fact delivered twice is stored once. */
  id: string;
  environmentId: string;
  type: FactsEnvironmentEventType;
  /** Group entity ref of the environment's team. */
  team: string;
  costCenter: string;
  /** The environment's GPU pool. */
  pool: string;
  quota: FactsReservedQuota;
  /** The environment's monthly budget in currency units, if it has one. */
  monthlyBudget?: number;
  /** ISO time (UTC). */
  at: string;
}

/**
 * A job's GPUs for the time it ran. Same shape as insights' `JobGpuRecord`: the job's record as it
 * is when the feed sends it, so a job is sent again (same `jobId`) when it ends, with its `end`.
 * @public
 */
export interface FactsJobGpuRecord {
  jobId: string;
  environmentId: string;
  team: string;
  costCenter: string;
  pool: string;
  /** GPUs per pod times pods. */
  gpus: number;
  /** ISO time its first pod started. */
  start: string;
  /** ISO time it ended; absent while it runs. */
  end?: string;
  /** Labels of the node the job ran on; the playground does not record them, so never sent yet. */
  nodeLabels?: Record<string, string>;
}

/** Tokens of one metered call of the gateway. Same shape as insights' `TokenUsage`. @public */
export interface FactsTokenUsage {
  /** `usage-<id of the usage record>`. */
  id: string;
  /** Environment charged; absent for calls not charged to an environment. */
  environmentId?: string;
  /** Group entity ref of the team charged. */
  team: string;
  /** The charged environment's cost center. */
  costCenter?: string;
  /** The charged environment's GPU pool. */
  pool?: string;
  /** API key the call was made with. */
  keyId?: string;
  /** User entity ref, for calls of signed-in users. */
  userRef?: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  /** ISO time the call started. */
  at: string;
}

/** One page of `GET /facts`. @public */
export interface FactsPage {
  facts: {
    environmentEvents: FactsEnvironmentEvent[];
    jobs: FactsJobGpuRecord[];
    tokens: FactsTokenUsage[];
  };
  /** Opaque: pass it as `after` to get what came next. */
  cursor: string;
  /** More facts are ready now: ask again at once with `cursor`. */
  more: boolean;
}

/** Bounds of a page's `limit`. @public */
export const FACTS_PAGE_LIMIT = { default: 1000, max: 5000 } as const;

/** @public */
export const factsQuerySchema = z.strictObject({
  /** The `cursor` of the page before; absent: from the beginning. */
  after: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[A-Za-z0-9_-]+$/, 'must be a cursor of this feed (base64url)')
    .optional(),
  /** Items taken from each of the three sequences at most. */
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(FACTS_PAGE_LIMIT.max)
    .default(FACTS_PAGE_LIMIT.default),
});
/** @public */
export type FactsQuery = z.input<typeof factsQuerySchema>;
