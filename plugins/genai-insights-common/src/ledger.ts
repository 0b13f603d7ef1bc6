import type { Micros } from './money';

/** What a ledger row prices. @public */
export const COST_CATEGORIES = [
  'gpu',
  'cpu',
  'memory',
  'storage',
  'tokens',
] as const;

/** @public */
export type CostCategory = (typeof COST_CATEGORIES)[number];

/**
 * The two bases the ledger keeps side by side: `reserved` prices the quota an environment held
 * for the time it held it; `used` prices what ran (jobs' GPU-seconds, pods' requests). Tokens
 * are consumption either way and appear in both bases, so each basis is a complete bill and
 * idle tokens are zero. Idle = reserved − used, derived at query time.
 * @public
 */
export const COST_BASES = ['reserved', 'used'] as const;

/** @public */
export type CostBasis = (typeof COST_BASES)[number];

/**
 * The unit of a row's quantity. Hours are pro-rated to the second: a GPU held for 90 seconds
 * is 0.025 gpu-hours.
 * @public
 */
export const COST_UNITS = [
  'gpu-hours',
  'core-hours',
  'gib-hours',
  'input-tokens',
  'output-tokens',
] as const;

/** @public */
export type CostUnit = (typeof COST_UNITS)[number];

/** Whether a GPU ran on on-demand or spot nodes (from the node's label). @public */
export type CapacityType = 'on-demand' | 'spot';

/**
 * One row of the hourly cost ledger. The key is (hour, environment, team, costCenter, pool,
 * category, unit, model, basis, capacity); `rate` prices `ratePer` units, and
 * `cost = round(quantity / ratePer × rate)`, rounded once per row.
 * @public
 */
export interface LedgerRow {
  /** Start of the hour, ISO 8601 UTC (`2026-12-01T13:00:00.000Z`). */
  hour: string;
  /** Environment id (its namespace); `''` for usage not charged to an environment. */
  environment: string;
  /** Group entity ref of the team charged. */
  team: string;
  /** Cost center charged; `''` when unknown. */
  costCenter: string;
  /** GPU pool of the environment (`mi300x`, `mi355x`); `''` when unknown. */
  pool: string;
  category: CostCategory;
  unit: CostUnit;
  /** Model name for tokens; `''` for the other categories. */
  model: string;
  basis: CostBasis;
  capacity: CapacityType;
  /** Amount consumed, in `unit`. */
  quantity: number;
  /** Price of `ratePer` units, in micros. */
  rateMicros: Micros;
  /** How many units `rateMicros` buys: 1 for hours, 730 for storage (a GiB-month), 1,000,000 for tokens. */
  ratePer: number;
  costMicros: Micros;
}
