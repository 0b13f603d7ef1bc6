import {
  complianceRouteRef,
  costRouteRef,
  gpuRouteRef,
} from '@genai-portal/plugin-genai-insights-react';
import {
  EntityGenaiEnvironmentComplianceCard,
  EntityGenaiEnvironmentCostCard,
  EntityGenaiEnvironmentGpuCard,
  EntityGenaiPlatformComplianceCard,
  EntityGenaiTeamComplianceCard,
  EntityGenaiTeamCostCard,
  EntityGenaiTeamGpuCard,
  GenaiInsightsCompliancePage,
  GenaiInsightsCostPage,
  GenaiInsightsGpuPage,
  genaiInsightsPlugin,
} from './plugin';

describe('genaiInsightsPlugin (legacy frontend system)', () => {
  it('has the plugin id, its route and the API', () => {
    expect(genaiInsightsPlugin.getId()).toBe('genai-insights');
    expect(genaiInsightsPlugin.routes).toEqual({
      cost: costRouteRef,
      gpu: gpuRouteRef,
      compliance: complianceRouteRef,
    });
    expect([...genaiInsightsPlugin.getApis()].map(f => f.api.id)).toEqual([
      'plugin.genai-insights.service',
    ]);
  });

  it('provides the pages and the entity cards', () => {
    for (const extension of [
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
    ]) {
      expect(extension).toBeDefined();
    }
  });
});
