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
