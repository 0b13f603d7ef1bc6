import type { Entity } from '@backstage/catalog-model';
import {
  createExtensionTester,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { screen } from '@testing-library/react';
import { genaiInsightsApiRef } from '@genai-portal/plugin-genai-insights-react';
import plugin from './alpha';
import {
  entityEnvironmentComplianceCard,
  entityEnvironmentCostCard,
  entityEnvironmentGpuCard,
  entityPlatformComplianceCard,
  entityTeamComplianceCard,
  entityTeamCostCard,
  entityTeamGpuCard,
} from './alpha/extensions';
import { fakeApi, ML } from './__testUtils__/fixtures';
import {
  environmentCompliance,
  history,
  scorecards,
} from './__testUtils__/compliance';

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

describe('genai-insights (new frontend system)', () => {
  it('has the API, the cost and GPU pages and the entity cards', () => {
    expect(plugin.pluginId).toBe('genai-insights');
    expect(plugin.routes.cost).toBeDefined();
    expect(plugin.routes.gpu).toBeDefined();
    expect(plugin.routes.compliance).toBeDefined();
  });

  it('serves the compliance page under its nav item, with ?team= picking the team', async () => {
    const api = fakeApi({
      getComplianceScorecards: jest.fn().mockResolvedValue(scorecards()),
      getEnvironmentCompliance: jest
        .fn()
        .mockImplementation(async (name: string) =>
          environmentCompliance(name),
        ),
      getComplianceHistory: jest.fn().mockResolvedValue(history),
      getComplianceWaivers: jest.fn().mockResolvedValue({ items: [] }),
    });
    renderTestApp({
      features: [plugin],
      apis: [[genaiInsightsApiRef, api]],
      initialRouteEntries: ['/genai-insights/compliance?team=ml-research'],
    });

    expect(
      await screen.findByRole(
        'table',
        { name: 'Environments by check' },
        { timeout: 25_000 },
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('heading', { name: 'Compliance' }),
    ).toBeInTheDocument();
    expect(
      screen
        .getAllByText('Compliance')
        .some(
          el =>
            el.closest('a')?.getAttribute('href') ===
            '/genai-insights/compliance',
        ),
    ).toBe(true);
    expect(api.getComplianceScorecards).toHaveBeenCalledWith({ teams: [ML] });
  });

  it('serves the GPU page under its nav item, with ?team= picking the team', async () => {
    const api = fakeApi();
    renderTestApp({
      features: [plugin],
      apis: [[genaiInsightsApiRef, api]],
      initialRouteEntries: ['/genai-insights/gpu?team=ml-research'],
    });

    expect(
      await screen.findByRole(
        'region',
        { name: 'GPU fleet heatmap' },
        { timeout: 25_000 },
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('heading', { name: 'GPU utilization' }),
    ).toBeInTheDocument();
    expect(
      screen
        .getAllByText('GPU utilization')
        .some(
          el => el.closest('a')?.getAttribute('href') === '/genai-insights/gpu',
        ),
    ).toBe(true);
    expect(api.getGpuFleet).toHaveBeenCalledWith({ teams: [ML] });
    // The two pages link to each other, for the same teams.
    expect(
      screen.getByRole('link', { name: /What these GPUs cost/ }),
    ).toHaveAttribute('href', '/genai-insights/cost?team=ml-research');
  });

  it('serves the cost page under its nav item, with ?team= picking the team', async () => {
    const api = fakeApi();
    renderTestApp({
      features: [plugin],
      apis: [[genaiInsightsApiRef, api]],
      initialRouteEntries: ['/genai-insights/cost?team=ml-research'],
    });

    // The page's chunk (with the chart library) loads lazily: slow on a cold jest cache.
    expect(
      await screen.findByRole(
        'region',
        { name: 'Cost over time' },
        { timeout: 25_000 },
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Cost' })).toBeInTheDocument();
    expect(
      screen
        .getAllByText('Cost')
        .some(
          el =>
            el.closest('a')?.getAttribute('href') === '/genai-insights/cost',
        ),
    ).toBe(true);
    expect(api.getCostOverTime).toHaveBeenCalledWith(
      expect.objectContaining({ teams: [ML] }),
    );
  });

  it('shows each entity card on the right entities', () => {
    const { filterFunction } = EntityCardBlueprint.dataRefs;
    const teamCard =
      createExtensionTester(entityTeamCostCard).get(filterFunction)!;
    expect(teamCard(entity('Group', 'ml-research', { type: 'team' }))).toBe(
      true,
    );
    expect(teamCard(entity('User', 'guest'))).toBe(false);

    const environmentCard = createExtensionTester(
      entityEnvironmentCostCard,
    ).get(filterFunction)!;
    expect(
      environmentCard(
        entity('Resource', 'ml-research-llama', {
          type: 'playground-environment',
        }),
      ),
    ).toBe(true);
    expect(
      environmentCard(
        entity('Resource', 'gpu-pool-mi300x', { type: 'gpu-node-pool' }),
      ),
    ).toBe(false);
    expect(environmentCard(entity('Group', 'ml-research'))).toBe(false);
  });

  it('shows the compliance cards on environments, teams and the platform', () => {
    const { filterFunction } = EntityCardBlueprint.dataRefs;
    const teamCard = createExtensionTester(entityTeamComplianceCard).get(
      filterFunction,
    )!;
    expect(teamCard(entity('Group', 'ml-research', { type: 'team' }))).toBe(
      true,
    );
    expect(teamCard(entity('User', 'guest'))).toBe(false);
    const environmentCard = createExtensionTester(
      entityEnvironmentComplianceCard,
    ).get(filterFunction)!;
    expect(
      environmentCard(
        entity('Resource', 'ml-research-llama', {
          type: 'playground-environment',
        }),
      ),
    ).toBe(true);
    expect(
      environmentCard(
        entity('Resource', 'gpu-pool-mi300x', { type: 'gpu-node-pool' }),
      ),
    ).toBe(false);
    const platformCard = createExtensionTester(
      entityPlatformComplianceCard,
    ).get(filterFunction)!;
    expect(platformCard(entity('System', 'genai-playground'))).toBe(true);
    expect(platformCard(entity('System', 'billing'))).toBe(false);
    expect(platformCard(entity('Component', 'genai-playground'))).toBe(false);
  });

  it('shows the GPU cards on the same entities as the cost cards', () => {
    const { filterFunction } = EntityCardBlueprint.dataRefs;
    const teamCard =
      createExtensionTester(entityTeamGpuCard).get(filterFunction)!;
    expect(teamCard(entity('Group', 'ml-research', { type: 'team' }))).toBe(
      true,
    );
    expect(teamCard(entity('User', 'guest'))).toBe(false);
    const environmentCard = createExtensionTester(entityEnvironmentGpuCard).get(
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
      environmentCard(
        entity('Resource', 'gpu-pool-mi300x', { type: 'gpu-node-pool' }),
      ),
    ).toBe(false);
  });
});
