import {
  EntityGenaiEnvironmentCostCard,
  EntityGenaiTeamCostCard,
  GenaiInsightsCostPage,
  genaiInsightsPlugin,
} from './plugin';
import { costRouteRef } from './routes';

describe('genaiInsightsPlugin (legacy frontend system)', () => {
  it('has the plugin id, its route and the API', () => {
    expect(genaiInsightsPlugin.getId()).toBe('genai-insights');
    expect(genaiInsightsPlugin.routes).toEqual({ cost: costRouteRef });
    expect([...genaiInsightsPlugin.getApis()].map(f => f.api.id)).toEqual([
      'plugin.genai-insights.service',
    ]);
  });

  it('provides the page and the entity cards', () => {
    for (const extension of [
      GenaiInsightsCostPage,
      EntityGenaiTeamCostCard,
      EntityGenaiEnvironmentCostCard,
    ]) {
      expect(extension).toBeDefined();
    }
  });
});
