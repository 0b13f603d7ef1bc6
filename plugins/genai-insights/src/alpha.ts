import { createFrontendPlugin } from '@backstage/frontend-plugin-api';
import {
  complianceRouteRef,
  costRouteRef,
  gpuRouteRef,
} from '@genai-portal/plugin-genai-insights-react';
import {
  entityEnvironmentComplianceCard,
  entityEnvironmentCostCard,
  entityEnvironmentGpuCard,
  entityTeamCostCard,
  entityPlatformComplianceCard,
  entityTeamComplianceCard,
  entityTeamGpuCard,
  genaiInsightsApi,
  genaiInsightsCompliancePage,
  genaiInsightsCostPage,
  genaiInsightsGpuPage,
} from './alpha/extensions';

/**
 * GenAI Insights for the new frontend system: the API, the cost page and the GPU utilization
 * page (and their "Cost" and "GPU utilization" nav items), the compliance page ("Compliance"),
 * cost, GPU activity and compliance cards for teams (Groups) and playground environments, and
 * the platform's compliance card on its System.
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
    genaiInsightsCompliancePage,
    entityEnvironmentComplianceCard,
    entityTeamComplianceCard,
    entityPlatformComplianceCard,
  ],
  routes: {
    cost: costRouteRef,
    gpu: gpuRouteRef,
    compliance: complianceRouteRef,
  },
});
