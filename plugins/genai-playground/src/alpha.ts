import { createFrontendPlugin } from '@backstage/frontend-plugin-api';
import {
  entityEnvironmentCard,
  entityGpuPoolsCard,
  entityTeamQuotaCard,
  genaiCostEstimateField,
  genaiPlaygroundApi,
  genaiPlaygroundPage,
} from './alpha/extensions';
import { environmentRouteRef, rootRouteRef } from './routes';

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
    entityEnvironmentCard,
    entityTeamQuotaCard,
    entityGpuPoolsCard,
    genaiCostEstimateField,
  ],
  routes: {
    root: rootRouteRef,
    environment: environmentRouteRef,
  },
});
