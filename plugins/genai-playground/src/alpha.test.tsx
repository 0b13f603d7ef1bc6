import {
  createExtensionTester,
  mockApis,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { genaiPlaygroundApiRef } from '@genai-portal/plugin-genai-playground-react';
import { screen } from '@testing-library/react';
import plugin from './alpha';
import {
  entityEnvironmentCard,
  entityGpuPoolsCard,
  entityTeamQuotaCard,
} from './alpha/extensions';
import { fakeApi, makeEnvironment, withDetails } from './testing/fixtures';

const entity = (
  kind: string,
  name: string,
  spec: Entity['spec'] = {},
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name },
  spec,
});

describe('genai-playground (new frontend system)', () => {
  it('serves the environments page and an environment below it', async () => {
    const environment = makeEnvironment();
    const api = fakeApi({
      getEnvironment: jest.fn().mockResolvedValue(withDetails(environment)),
    });
    renderTestApp({
      features: [plugin],
      apis: [
        [genaiPlaygroundApiRef, api],
        mockApis.identity({
          userEntityRef: 'user:default/guest',
          ownershipEntityRefs: ['group:default/ml-research'],
        }),
      ],
      initialRouteEntries: [`/genai-playground/environments/${environment.id}`],
    });

    expect(
      await screen.findByRole('heading', { name: environment.name }),
    ).toBeInTheDocument();
    expect(api.getEnvironment).toHaveBeenCalledWith(environment.id);
    // The page's title heads the page and names its nav item.
    expect(
      screen.getByRole('heading', { name: 'GPU Playground' }),
    ).toBeInTheDocument();
    expect(
      screen
        .getAllByText('GPU Playground')
        .some(
          el =>
            el.closest('a')?.getAttribute('href') ===
            '/genai-playground/environments',
        ),
    ).toBe(true);
  });

  it('shows each entity card on the right entities', () => {
    const { filterFunction } = EntityCardBlueprint.dataRefs;
    const environmentCard = createExtensionTester(entityEnvironmentCard).get(
      filterFunction,
    )!;
    expect(
      environmentCard(
        entity('Resource', 'ml-research-llama', {
          type: 'playground-environment',
        }),
      ),
    ).toBe(true);
    expect(
      environmentCard(entity('Resource', 'db', { type: 'database' })),
    ).toBe(false);

    const teamCard =
      createExtensionTester(entityTeamQuotaCard).get(filterFunction)!;
    expect(teamCard(entity('Group', 'ml-research', { type: 'team' }))).toBe(
      true,
    );
    expect(teamCard(entity('User', 'guest'))).toBe(false);

    const poolsCard =
      createExtensionTester(entityGpuPoolsCard).get(filterFunction)!;
    expect(
      poolsCard(
        entity('Resource', 'gpu-pool-mi300x', { type: 'gpu-node-pool' }),
      ),
    ).toBe(true);
    expect(poolsCard(entity('System', 'genai-playground'))).toBe(true);
    expect(poolsCard(entity('System', 'other'))).toBe(false);
    expect(
      poolsCard(entity('Resource', 'genai-redis', { type: 'cache' })),
    ).toBe(false);
  });
});
