import type { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { setupServer } from 'msw/node';
import {
  genaiInsightsApiRef,
  costRouteRef,
} from '@genai-portal/plugin-genai-insights-react';
import {
  makeClient,
  ML,
  serveBackend,
  teamBudget,
  topEnvironments,
} from '../../__testUtils__/fixtures';
import { EntityEnvironmentCostCard } from './EntityEnvironmentCostCard';

const environment = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name,
    namespace: 'default',
    annotations: { 'genai-playground.io/environment-id': name },
  },
  spec: {
    type: 'playground-environment',
    owner: 'group:default/ml-research',
    system: 'genai-playground',
  },
});

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function renderCard(entity: Entity) {
  return renderInTestApp(
    <TestApiProvider apis={[[genaiInsightsApiRef, makeClient()]]}>
      <EntityProvider entity={entity}>
        <EntityEnvironmentCostCard />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/genai-insights/cost': costRouteRef } },
  );
}

describe('EntityEnvironmentCostCard', () => {
  it("shows the environment's cost this month and its budget", async () => {
    const seen = serveBackend(server);
    await renderCard(environment('ml-research-llama'));

    expect(await screen.findByTestId('environment-cost-mtd')).toHaveTextContent(
      '$1,500.00',
    );
    expect(
      screen.getByText('of the $2,000.00 monthly budget'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Forecast $2,600.00 at month end'),
    ).toBeInTheDocument();
    expect(screen.getByText('50% spent')).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /View ml-research's costs/ }),
    ).toHaveAttribute('href', '/genai-insights/cost?team=ml-research');

    // The team's budgets, and the team's environments ranked by cost.
    const budgets = seen.find(
      s => s.url.pathname === '/api/genai-insights/budgets',
    )!;
    expect(budgets.url.searchParams.get('teams')).toBe(ML);
    const top = seen.find(
      s => s.url.pathname === '/api/genai-insights/cost/top',
    )!;
    expect(top.url.searchParams.get('by')).toBe('environment');
    expect(top.url.searchParams.get('teams')).toBe(ML);
    expect(top.url.searchParams.get('limit')).toBe('100');
  });

  it('takes the cost from the top list when the environment has no budget', async () => {
    serveBackend(server, { 'GET /budgets': { items: [teamBudget] } });
    await renderCard(environment('ml-research-mistral'));
    expect(await screen.findByTestId('environment-cost-mtd')).toHaveTextContent(
      '$534.50',
    );
    expect(
      screen.getByText(/^No budget for this environment/),
    ).toBeInTheDocument();
  });

  it('shows nothing spent for an environment not in the list', async () => {
    serveBackend(server, {
      'GET /budgets': { items: [] },
      'GET /cost/top': { ...topEnvironments, items: [] },
    });
    await renderCard(environment('ml-research-new'));
    expect(await screen.findByTestId('environment-cost-mtd')).toHaveTextContent(
      '$0.00',
    );
  });
});
