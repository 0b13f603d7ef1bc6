import type { CostBasis, CostCategory } from './ledger';
import type { Micros } from './money';
import type { BudgetScope, CostDimension, CostInterval } from './schemas';

/** One stacked bar: the cost of one key of the stack in one period. @public */
export interface CostPoint {
  /** Start of the period: `YYYY-MM-DD` for days and weeks (Mondays), `YYYY-MM` for months. */
  period: string;
  /** The value of the stacking dimension (a pool, a category, ...). */
  key: string;
  costMicros: Micros;
}

/** Answer of `GET /cost`. @public */
export interface CostOverTime {
  currency: string;
  basis: CostBasis;
  interval: CostInterval;
  stackBy: CostDimension;
  points: CostPoint[];
}

/** Answer of `GET /cost/compare`. @public */
export interface CostComparison {
  currency: string;
  basis: CostBasis;
  current: { from: string; to: string; costMicros: Micros };
  previous: { from: string; to: string; costMicros: Micros };
  changeMicros: Micros;
  /** (current − previous) / previous; null when the previous period cost nothing. */
  changeRatio: number | null;
}

/** One entry of `GET /cost/top`. @public */
export interface CostTopEntry {
  key: string;
  team: string;
  costMicros: Micros;
}

/** Reserved, used and idle cost of one category (`GET /cost/idle`). @public */
export interface IdleCost {
  category: CostCategory;
  reservedMicros: Micros;
  usedMicros: Micros;
  /** reserved − used, never below 0 (use beyond the reservation is not negative idle). */
  idleMicros: Micros;
  reservedQuantity: number;
  usedQuantity: number;
}

/** A month-end forecast with its range (see the backend's README for the method). @public */
export interface BudgetForecast {
  costMicros: Micros;
  lowMicros: Micros;
  highMicros: Micros;
}

/** A threshold a budget's spending crossed. @public */
export type BudgetThreshold =
  | 'actual-50'
  | 'actual-80'
  | 'actual-100'
  | 'forecast-100';

/** A budget and where the month stands against it. @public */
export interface BudgetStatus {
  scope: BudgetScope | 'environment';
  subject: string;
  month: string;
  currency: string;
  budgetMicros: Micros;
  monthToDateMicros: Micros;
  forecast: BudgetForecast;
  thresholds: BudgetThreshold[];
}

/**
 * Answer of `GET /scope`: what the caller may see and set, for the team picker.
 * @public
 */
export interface InsightsScope {
  currency: string;
  /** The basis charged, and answered when a query names none. */
  chargeback: CostBasis;
  /** The caller sees every team (an admin, a service). */
  all: boolean;
  /**
   * Group refs of the teams the caller may read, sorted; when `all`, the teams with ledger rows
   * in the last 400 days (the longest range a query covers) or a budget.
   */
  teams: string[];
  /** Group refs of the teams whose budgets the caller may set; when `canManageAll`, as `teams`. */
  manageableTeams: string[];
  /** The caller may set every team's budget. */
  canManageAll: boolean;
}

/**
 * Reserved against used for one category of one environment over a range (`GET /cost/savings`).
 * @public
 */
export interface SavingsUsage {
  /** Reserved quantity in the category's unit (GPU-hours, core-hours, GiB-hours). */
  reservedQuantity: number;
  usedQuantity: number;
  reservedMicros: Micros;
  usedMicros: Micros;
  /** reserved − used cost, never below 0. */
  idleMicros: Micros;
  /** used / reserved quantity; null when nothing was reserved. */
  utilization: number | null;
}

/**
 * The GPU quota that would have covered an environment's busiest hour, and what it would have
 * saved over the range at the same rates.
 * @public
 */
export interface SavingsRecommendation {
  /** The GPU quota held: the largest hourly reserved GPU quantity, rounded up to a whole GPU. */
  currentGpus: number;
  /** The largest hourly used GPU quantity (GPU-hours in one hour: the GPUs busy at once). */
  peakUsedGpus: number;
  /** `peakUsedGpus` rounded up to a whole GPU; 0 when nothing ran. */
  recommendedGpus: number;
  /**
   * The reserved GPU cost × (1 − recommended / current), rounded once; 0 when the
   * recommendation is not below the quota held.
   */
  savingMicros: Micros;
}

/** One environment of `GET /cost/savings`. @public */
export interface SavingsEntry {
  environment: string;
  team: string;
  gpu: SavingsUsage;
  cpu: SavingsUsage;
  memory: SavingsUsage;
  /** The idle cost of its GPUs, CPU and memory: the sum of their `idleMicros`. */
  idleMicros: Micros;
  recommendation: SavingsRecommendation;
}

/** Sums of `GET /cost/savings` over every environment read, not only the items listed. @public */
export interface SavingsTotals {
  /** Reserved cost of GPUs, CPU and memory. */
  reservedMicros: Micros;
  /** Idle cost of GPUs, CPU and memory (each environment's, never below 0). */
  idleMicros: Micros;
  /** idle / reserved; null when nothing was reserved. */
  idleRatio: number | null;
  gpuReservedMicros: Micros;
  gpuIdleMicros: Micros;
  /** GPU idle / GPU reserved; null when no GPU was reserved. */
  gpuIdleRatio: number | null;
  /** The sum of every environment's recommended saving. */
  savingMicros: Micros;
}

/**
 * Answer of `GET /cost/savings`: per environment, reserved against used GPUs, CPU and memory,
 * the idle cost and the GPU quota that would have been enough; the environments with the most
 * idle cost first.
 * @public
 */
export interface CostSavings {
  currency: string;
  /** The range on whole hours. */
  from: string;
  to: string;
  items: SavingsEntry[];
  totals: SavingsTotals;
}
