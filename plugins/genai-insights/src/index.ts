/**
 * The GenAI Insights frontend plugin: the cost page of the GenAI Playground's teams (cost over
 * time, idle GPUs, budgets with forecasts, CSV and FOCUS exports) and cost cards on teams and
 * playground environments.
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
} from './plugin';
export { costRouteRef } from './routes';
export {
  GenaiInsightsClient,
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
} from './api';
export { isPlaygroundEnvironmentEntity, isTeamEntity } from './lib/entities';
