import { createFrontendPlugin } from '@backstage/frontend-plugin-api';
import {
  entityEnvironmentCard,
  entityGpuPoolsCard,
  entityJobsCard,
  entityTeamQuotaCard,
  genaiCostEstimateField,
  genaiPlaygroundApi,
  genaiPlaygroundInferencePage,
  genaiPlaygroundJobsPage,
  genaiPlaygroundPage,
} from './alpha/extensions';
import {
  environmentRouteRef,
  inferenceRouteRef,
  jobRouteRef,
  jobsRouteRef,
  jobSubmitRouteRef,
  rootRouteRef,
} from './routes';

/**
 * The GPU Playground for the new frontend system: the API, the environments page (and its nav
 * item), entity cards for environments, teams and GPU pools, and the `GenaiCostEstimate`
 * scaffolder field.
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'genai-playground',
  title: 'GPU Playground',
  extensions: [
    genaiPlaygroundApi,
    genaiPlaygroundPage,
    genaiPlaygroundJobsPage,
    genaiPlaygroundInferencePage,
    entityEnvironmentCard,
    entityTeamQuotaCard,
    entityGpuPoolsCard,
    entityJobsCard,
    genaiCostEstimateField,
  ],
  routes: {
    root: rootRouteRef,
    environment: environmentRouteRef,
    jobs: jobsRouteRef,
    job: jobRouteRef,
    jobSubmit: jobSubmitRouteRef,
    inference: inferenceRouteRef,
  },
});
