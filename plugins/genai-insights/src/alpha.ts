import { createFrontendPlugin } from '@backstage/frontend-plugin-api';
import {
  entityEnvironmentCostCard,
  entityTeamCostCard,
  genaiInsightsApi,
  genaiInsightsCostPage,
} from './alpha/extensions';
import { costRouteRef } from './routes';

/**
 * GenAI Insights for the new frontend system: the API, the cost page (and its "Cost" nav item),
 * and cost cards for teams (Groups) and playground environments.
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'genai-insights',
  title: 'GenAI Insights',
  extensions: [
    genaiInsightsApi,
    genaiInsightsCostPage,
    entityTeamCostCard,
    entityEnvironmentCostCard,
  ],
  routes: {
    cost: costRouteRef,
  },
});
