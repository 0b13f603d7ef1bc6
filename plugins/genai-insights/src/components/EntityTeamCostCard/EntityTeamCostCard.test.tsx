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
  backendError,
  makeClient,
  ML,
  MONTH,
  serveBackend,
} from '../../__testUtils__/fixtures';
import { EntityTeamCostCard } from './EntityTeamCostCard';

const group: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'ml-research', namespace: 'default' },
  spec: { type: 'team', children: [] },
};

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function renderCard() {
  return renderInTestApp(
    <TestApiProvider apis={[[genaiInsightsApiRef, makeClient()]]}>
      <EntityProvider entity={group}>
        <EntityTeamCostCard />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/genai-insights/cost': costRouteRef } },
  );
}

describe('EntityTeamCostCard', () => {
  it('shows the month to date against the budget, the forecast and a link to the cost page', async () => {
    const seen = serveBackend(server);
    await renderCard();

    expect(await screen.findByTestId('team-cost-mtd')).toHaveTextContent(
      '$2,034.50',
    );
    expect(
      screen.getByText('of the $5,000.00 budget (40.7%)'),
    ).toBeInTheDocument();
    expect(screen.getByTestId('team-cost-forecast')).toHaveTextContent(
      'Forecast $5,400.00 at month end ($4,900.00 to $5,900.00)',
    );
    expect(screen.getByText('Forecast over budget')).toBeInTheDocument();
    // The small chart: a bar with what it shows in words.
    expect(
      screen.getByRole('img', {
        name: '$2,034.50 spent of $5,000.00, forecast $5,400.00',
      }),
    ).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /View costs/ })).toHaveAttribute(
      'href',
      '/genai-insights/cost?team=ml-research',
    );

    const budgets = seen.find(
      s => s.url.pathname === '/api/genai-insights/budgets',
    )!;
    expect(Object.fromEntries(budgets.url.searchParams)).toEqual({
      month: MONTH,
      teams: ML,
    });
  });

  it('shows the month to date without a budget', async () => {
    serveBackend(server, { 'GET /budgets': { items: [] } });
    await renderCard();
    expect(await screen.findByTestId('team-cost-mtd')).toHaveTextContent(
      '$2,034.50',
    );
    expect(screen.getByText('No budget set for this team')).toBeInTheDocument();
  });

  it("says the team's costs are not the caller's to see, without numbers", async () => {
    const refuse = () => backendError(403, 'NotAllowedError', 'Not allowed');
    serveBackend(server, {
      'GET /budgets': refuse,
      'GET /cost/compare': refuse,
    });
    await renderCard();
    expect(
      await screen.findByText("You can't see ml-research's costs"),
    ).toBeInTheDocument();
    expect(screen.queryByText(/\$\d/)).not.toBeInTheDocument();
  });
});
