/**
 * The GPU Playground frontend plugin: playground environments with GPU quotas, GPU pool usage,
 * entity cards and the `GenaiCostEstimate` scaffolder field.
 *
 * This entry point serves apps on the legacy frontend system; the new frontend system's plugin is
 * the default export of `@genai-portal/plugin-genai-playground/alpha`.
 *
 * @packageDocumentation
 */
export {
  genaiPlaygroundPlugin,
  GenaiPlaygroundPage,
  EntityGenaiEnvironmentCard,
  EntityGenaiTeamQuotaCard,
  EntityGenaiGpuPoolsCard,
  GenaiGpuPoolsCard,
  GenaiCostEstimateFieldExtension,
  GenaiPlaygroundJobsPage,
  EntityGenaiJobsCard,
  GenaiPlaygroundInferencePage,
} from './plugin';
export {
  rootRouteRef,
  environmentRouteRef,
  jobsRouteRef,
  jobRouteRef,
  jobSubmitRouteRef,
  inferenceRouteRef,
} from './routes';
export {
  isPlaygroundEnvironmentEntity,
  isGpuPoolEntity,
  isTeamEntity,
} from './lib/entityFilters';
export {
  GenaiCostEstimateField,
  GenaiCostEstimateFieldSchema,
  GENAI_COST_ESTIMATE_FIELD_NAME,
} from './components/CostEstimateField';
