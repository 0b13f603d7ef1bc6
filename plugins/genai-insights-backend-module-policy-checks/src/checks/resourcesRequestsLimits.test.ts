import { evaluate, failedPaths } from '../__testUtils__/environment';
import { resourcesRequestsLimitsCheck as check } from './resourcesRequestsLimits';

describe('resources-requests-limits', () => {
  it.each([
    ['requests', 'cpu'],
    ['requests', 'memory'],
    ['limits', 'cpu'],
    ['limits', 'memory'],
  ])('fails a container without %s.%s', async (group, resource) => {
    await expect(
      evaluate(check, env => {
        delete env.pods[1].spec.containers[0].resources[group][resource];
      }),
    ).resolves.toEqual([
      {
        kind: 'Pod',
        name: 'llama-7c9d4-abcde',
        fieldPath: `spec.containers[0].resources.${group}.${resource}`,
        message: 'is missing',
      },
    ]);
  });

  it('fails a container without resources, and init containers', async () => {
    await expect(
      failedPaths(check, env => {
        delete env.pods[0].spec.containers[0].resources;
        env.pods[0].spec.initContainers = [
          {
            name: 'init',
            resources: {
              requests: { cpu: '1', memory: '' },
              limits: { cpu: '1', memory: '1Gi' },
            },
          },
        ];
      }),
    ).resolves.toEqual([
      'Pod/bp-j-7f3a-x2k9d spec.initContainers[0].resources.requests.memory',
      'Pod/bp-j-7f3a-x2k9d spec.containers[0].resources.requests.cpu',
      'Pod/bp-j-7f3a-x2k9d spec.containers[0].resources.requests.memory',
      'Pod/bp-j-7f3a-x2k9d spec.containers[0].resources.limits.cpu',
      'Pod/bp-j-7f3a-x2k9d spec.containers[0].resources.limits.memory',
    ]);
  });
});
