/**
 * The GenAI Insights frontend plugin: the cost page of the GenAI Playground's teams (cost over
 * time, idle GPUs, budgets with forecasts, CSV and FOCUS exports), the GPU utilization page (the
 * fleet's heatmap, idle GPUs, GPU-hours, tokens per GPU-hour), cost and GPU activity cards on
 * teams and playground environments, and a GPU activity card for job pages; the compliance page
 * (scores, levels, environments by check, waivers, trend) and compliance cards on environments,
 * teams and the platform's System.
 *
 * This entry point serves apps on the legacy frontend system, and holds the API for both; the
 * new frontend system's plugin is the default export of
 * `@genai-portal/plugin-genai-insights/alpha`.
 *
 * @packageDocumentation
 */
export {
  genaiInsightsPlugin,
  GenaiInsightsCostPage,
  EntityGenaiTeamCostCard,
  EntityGenaiEnvironmentCostCard,
  GenaiInsightsGpuPage,
  EntityGenaiTeamGpuCard,
  EntityGenaiEnvironmentGpuCard,
  GenaiInsightsCompliancePage,
  EntityGenaiEnvironmentComplianceCard,
  EntityGenaiTeamComplianceCard,
  EntityGenaiPlatformComplianceCard,
} from './plugin';
export { GenaiInsightsClient } from './api';
// Moved to @genai-portal/plugin-genai-insights-react, which other frontend plugins use; exported
// here too so that apps and plugins that imported them from this package keep working.
export {
  complianceRouteRef,
  costRouteRef,
  gpuRouteRef,
  JobGpuActivityCard,
  type JobGpuActivityCardProps,
  genaiInsightsApiRef,
  type GenaiInsightsApi,
  type GenaiInsightsScope,
  type CostRangeQuery,
  type CostOverTimeQuery,
  type CostTopQuery,
  type CostTopAnswer,
  type IdleCostAnswer,
  type BudgetsQuery,
  type StoredBudget,
  type CostExportFormat,
  type CostExportFile,
  type GpuFleetQuery,
  type GpuRangeQuery,
  type GpuUsageQuery,
  type GpuBreakdownQuery,
  type GpuActivityQuery,
  type ComplianceScorecardsQuery,
  type ComplianceHistoryQuery,
  type ComplianceWaiversQuery,
} from '@genai-portal/plugin-genai-insights-react';
export {
  isPlaygroundEnvironmentEntity,
  isPlatformSystemEntity,
  isTeamEntity,
} from './lib/entities';
