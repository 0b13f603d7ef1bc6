import {
  EntityGenaiEnvironmentCard,
  EntityGenaiJobsCard,
  EntityGenaiGpuPoolsCard,
  EntityGenaiTeamQuotaCard,
  GenaiCostEstimateFieldExtension,
  GenaiPlaygroundInferencePage,
  GenaiPlaygroundJobsPage,
  GenaiPlaygroundPage,
  genaiPlaygroundPlugin,
} from './plugin';
import {
  environmentRouteRef,
  inferenceRouteRef,
  jobRouteRef,
  jobsRouteRef,
  jobSubmitRouteRef,
  rootRouteRef,
} from './routes';

describe('genaiPlaygroundPlugin (legacy frontend system)', () => {
  it('has the plugin id, its routes and the API', () => {
    expect(genaiPlaygroundPlugin.getId()).toBe('genai-playground');
    expect(genaiPlaygroundPlugin.routes).toEqual({
      root: rootRouteRef,
      environment: environmentRouteRef,
      jobs: jobsRouteRef,
      job: jobRouteRef,
      jobSubmit: jobSubmitRouteRef,
      inference: inferenceRouteRef,
    });
    expect([...genaiPlaygroundPlugin.getApis()].map(f => f.api.id)).toEqual([
      'plugin.genai-playground.service',
    ]);
  });

  it('provides the page, the entity cards and the field extension', () => {
    for (const extension of [
      GenaiPlaygroundPage,
      GenaiPlaygroundInferencePage,
      EntityGenaiEnvironmentCard,
      EntityGenaiTeamQuotaCard,
      EntityGenaiGpuPoolsCard,
      GenaiCostEstimateFieldExtension,
      GenaiPlaygroundJobsPage,
      EntityGenaiJobsCard,
    ]) {
      expect(extension).toBeDefined();
    }
  });
});
