import { createApiRef } from '@backstage/core-plugin-api';
import type {
  BudgetPutRequest,
  BudgetStatus,
  ComplianceHistory,
  ComplianceScorecards,
  ComplianceWaiver,
  ComplianceWaiverCreateRequest,
  ComplianceWaiverList,
  ComplianceWaiverState,
  CostBasis,
  CostComparison,
  CostDimension,
  CostInterval,
  CostOverTime,
  CostSavings,
  CostTopEntry,
  EnvironmentCompliance,
  GpuActivity,
  GpuBreakdown,
  GpuBreakdownBy,
  GpuFleet,
  GpuIdleList,
  GpuUsage,
  IdleCost,
} from '@genai-portal/plugin-genai-insights-common';

/**
 * Answer of `GET /scope`: what the caller may see and set. Declared here until
 * `@genai-portal/plugin-genai-insights-common` exports it; the shapes are the same.
 * @public
 */
export interface GenaiInsightsScope {
  /** ISO 4217 code all money is in. */
  currency: string;
  /** The basis charged, and answered when a query names none. */
  chargeback: CostBasis;
  /** The caller sees every team (an admin, a service). */
  all: boolean;
  /** Group refs of the teams the caller may read. */
  teams: string[];
  /** Group refs of the teams whose budgets the caller may set. */
  manageableTeams: string[];
  /** The caller may set every team's budget. */
  canManageAll: boolean;
}

/**
 * A range of the ledger: `from` inclusive, `to` exclusive (dates or ISO times; the backend
 * floors and rounds them to whole hours). Without `teams`, every team the caller may see.
 * @public
 */
export interface CostRangeQuery {
  from: string;
  to: string;
  /** Group refs or names. */
  teams?: string[];
  /** The chargeback basis when absent. */
  basis?: CostBasis;
}

/** Query of {@link GenaiInsightsApi.getCostOverTime}. @public */
export interface CostOverTimeQuery extends CostRangeQuery {
  interval?: CostInterval;
  stackBy?: CostDimension;
}

/** Query of {@link GenaiInsightsApi.getTopCosts}. @public */
export interface CostTopQuery extends CostRangeQuery {
  by: 'environment' | 'model';
  /** 1 to 100; 10 when absent. */
  limit?: number;
}

/** Answer of `GET /cost/top`. @public */
export interface CostTopAnswer {
  currency: string;
  basis: CostBasis;
  items: CostTopEntry[];
}

/** Answer of `GET /cost/idle`. @public */
export interface IdleCostAnswer {
  currency: string;
  items: IdleCost[];
}

/** Query of {@link GenaiInsightsApi.getBudgets}. @public */
export interface BudgetsQuery {
  /** `YYYY-MM`; the current month (UTC) when absent. */
  month?: string;
  teams?: string[];
}

/** A budget as stored by `PUT /budgets`. @public */
export interface StoredBudget {
  scope: string;
  subject: string;
  monthlyMicros: number;
  currency: string;
  updatedBy: string;
  updatedAt: string;
}

/** The two exports: the ledger rows (`csv`) and FinOps FOCUS 1.2 (`focus`). @public */
export type CostExportFormat = 'csv' | 'focus';

/** A downloaded export: the file and the name the backend gave it. @public */
export interface CostExportFile {
  blob: Blob;
  filename: string;
}

/** Query of {@link GenaiInsightsApi.getGpuFleet} and {@link GenaiInsightsApi.getGpuIdle}. @public */
export interface GpuFleetQuery {
  /** Group refs or names; the caller's teams when absent. */
  teams?: string[];
  /** Pool names (`mi355x`); every pool when absent. */
  pools?: string[];
}

/**
 * A range of GPU utilization: ISO times, `from` inclusive and `to` exclusive, at most
 * `GPU_MAX_RANGE_DAYS` apart.
 * @public
 */
export interface GpuRangeQuery {
  from: string;
  to: string;
  /** Group refs or names; the caller's teams when absent. */
  teams?: string[];
}

/** Query of {@link GenaiInsightsApi.getGpuUsage}. @public */
export interface GpuUsageQuery extends GpuRangeQuery {
  pools?: string[];
}

/** Query of {@link GenaiInsightsApi.getGpuBreakdown}. @public */
export interface GpuBreakdownQuery extends GpuRangeQuery {
  /** `team` when absent. */
  by?: GpuBreakdownBy;
}

/**
 * Query of {@link GenaiInsightsApi.getGpuActivity}: the GPUs of one environment, one job, or
 * some teams (the caller's when none of the three is given). Give at most one of them.
 * @public
 */
export interface GpuActivityQuery {
  from: string;
  to: string;
  /** An environment's name. */
  environment?: string;
  /** A playground job's id. */
  job?: string;
  teams?: string[];
}

/** Query of {@link GenaiInsightsApi.getComplianceScorecards}. @public */
export interface ComplianceScorecardsQuery {
  /** Group refs or names; every team the caller reads when absent (the platform for admins). */
  teams?: string[];
}

/**
 * Query of {@link GenaiInsightsApi.getComplianceHistory}: the teams' daily trend (the platform's
 * too for those who read every team and name none), or one environment's.
 * @public
 */
export interface ComplianceHistoryQuery {
  teams?: string[];
  /** An environment's name (its namespace). */
  environment?: string;
  /** `YYYY-MM-DD` (UTC); 90 days before `to` when absent. */
  from?: string;
  /** `YYYY-MM-DD` (UTC); today when absent. */
  to?: string;
}

/** Query of {@link GenaiInsightsApi.getComplianceWaivers}. @public */
export interface ComplianceWaiversQuery {
  teams?: string[];
  /** `active` when absent. */
  state?: ComplianceWaiverState | 'all';
}

/**
 * The genai-insights backend (`/api/genai-insights`) as the frontend uses it. Every method
 * rejects with a `ResponseError` of `@backstage/errors` carrying the backend's message.
 * @public
 */
export interface GenaiInsightsApi {
  /** `GET /scope`: the teams the caller may read and whose budgets it may set. */
  getScope(): Promise<GenaiInsightsScope>;
  /** `GET /cost`: cost over time, stacked by a dimension. */
  getCostOverTime(query: CostOverTimeQuery): Promise<CostOverTime>;
  /** `GET /cost/compare`: the range against the one of the same length just before it. */
  getCostComparison(query: CostRangeQuery): Promise<CostComparison>;
  /** `GET /cost/top`: the environments or models that cost most. */
  getTopCosts(query: CostTopQuery): Promise<CostTopAnswer>;
  /** `GET /cost/idle`: reserved vs used vs idle per category (both bases, so no `basis`). */
  getIdleCost(query: Omit<CostRangeQuery, 'basis'>): Promise<IdleCostAnswer>;
  /**
   * `GET /cost/savings`: idle cost per environment (both bases, so no `basis`) and the GPU quota
   * that would have covered its busiest hour, with what it would have saved; `limit`
   * environments, the most idle cost first (1 to 100; 10 when absent).
   */
  getSavings(
    query: Omit<CostRangeQuery, 'basis'> & {
      limit?: number;
    },
  ): Promise<CostSavings>;
  /** `GET /budgets`: budgets with the month to date, the forecast and the thresholds crossed. */
  getBudgets(query?: BudgetsQuery): Promise<{ items: BudgetStatus[] }>;
  /** `PUT /budgets`: set a monthly budget in currency units, or remove it with `null`. */
  setBudget(
    request: BudgetPutRequest,
  ): Promise<{ budget: StoredBudget | null }>;
  /** `GET /export/csv` or `/export/focus`, fetched with the caller's token. */
  downloadExport(
    format: CostExportFormat,
    query: CostRangeQuery,
  ): Promise<CostExportFile>;
  /** `GET /gpu/fleet`: the fleet now (pools, nodes and their GPUs, pending demand). */
  getGpuFleet(query?: GpuFleetQuery): Promise<GpuFleet>;
  /** `GET /gpu/usage`: allocated, active and idle GPU-hours per pool over time. */
  getGpuUsage(query: GpuUsageQuery): Promise<GpuUsage>;
  /** `GET /gpu/breakdown`: GPU-hours, activity, idle cost and tokens by team, model, ... */
  getGpuBreakdown(query: GpuBreakdownQuery): Promise<GpuBreakdown>;
  /** `GET /gpu/idle`: the held GPUs idle now (open idle episodes), longest first. */
  getGpuIdle(query?: Pick<GpuFleetQuery, 'teams'>): Promise<GpuIdleList>;
  /** `GET /gpu/activity`: the GPUs of an environment, a job or teams over a range. */
  getGpuActivity(query: GpuActivityQuery): Promise<GpuActivity>;
  /** `GET /compliance/scorecards`: scores and levels per environment, team and the platform. */
  getComplianceScorecards(
    query?: ComplianceScorecardsQuery,
  ): Promise<ComplianceScorecards>;
  /** `GET /compliance/environments/{namespace}`: one environment's checks and failing objects. */
  getEnvironmentCompliance(namespace: string): Promise<EnvironmentCompliance>;
  /** `GET /compliance/history`: the daily scores of the platform, teams or one environment. */
  getComplianceHistory(
    query?: ComplianceHistoryQuery,
  ): Promise<ComplianceHistory>;
  /** `GET /compliance/waivers`: the waivers of the caller's teams, active ones by default. */
  getComplianceWaivers(
    query?: ComplianceWaiversQuery,
  ): Promise<ComplianceWaiverList>;
  /** `POST /compliance/waivers`: waive a check in an environment (or a team's) until a date. */
  createComplianceWaiver(
    request: ComplianceWaiverCreateRequest,
  ): Promise<ComplianceWaiver>;
  /** `DELETE /compliance/waivers/{id}`: revoke a waiver; it stops counting at once. */
  revokeComplianceWaiver(id: string): Promise<void>;
}

/** The {@link GenaiInsightsApi}. @public */
export const genaiInsightsApiRef = createApiRef<GenaiInsightsApi>({
  id: 'plugin.genai-insights.service',
});
