import { createFrontendPlugin } from '@backstage/frontend-plugin-api';
import {
  costRouteRef,
  gpuRouteRef,
} from '@genai-portal/plugin-genai-insights-react';
import {
  entityEnvironmentCostCard,
  entityEnvironmentGpuCard,
  entityTeamCostCard,
  entityTeamGpuCard,
  genaiInsightsApi,
  genaiInsightsCostPage,
  genaiInsightsGpuPage,
} from './alpha/extensions';

/**
 * GenAI Insights for the new frontend system: the API, the cost page and the GPU utilization
 * page (and their "Cost" and "GPU utilization" nav items), and cost and GPU activity cards for
 * teams (Groups) and playground environments.
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'genai-insights',
  title: 'GenAI Insights',
  extensions: [
    genaiInsightsApi,
    genaiInsightsCostPage,
    genaiInsightsGpuPage,
    entityTeamCostCard,
    entityEnvironmentCostCard,
    entityTeamGpuCard,
    entityEnvironmentGpuCard,
  ],
  routes: {
    cost: costRouteRef,
    gpu: gpuRouteRef,
  },
});
