import {
  EntityGenaiEnvironmentCard,
  EntityGenaiGpuPoolsCard,
  EntityGenaiTeamQuotaCard,
  GenaiCostEstimateFieldExtension,
  GenaiPlaygroundPage,
  genaiPlaygroundPlugin,
} from './plugin';
import { environmentRouteRef, rootRouteRef } from './routes';

describe('genaiPlaygroundPlugin (legacy frontend system)', () => {
  it('has the plugin id, its routes and the API', () => {
    expect(genaiPlaygroundPlugin.getId()).toBe('genai-playground');
    expect(genaiPlaygroundPlugin.routes).toEqual({
      root: rootRouteRef,
      environment: environmentRouteRef,
    });
    expect([...genaiPlaygroundPlugin.getApis()].map(f => f.api.id)).toEqual([
      'plugin.genai-playground.service',
    ]);
  });

  it('provides the page, the entity cards and the field extension', () => {
    for (const extension of [
      GenaiPlaygroundPage,
      EntityGenaiEnvironmentCard,
      EntityGenaiTeamQuotaCard,
      EntityGenaiGpuPoolsCard,
      GenaiCostEstimateFieldExtension,
    ]) {
      expect(extension).toBeDefined();
    }
  });
});
