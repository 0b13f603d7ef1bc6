import type { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { setupServer } from 'msw/node';
import type { ReactNode } from 'react';
import {
  complianceRouteRef,
  genaiInsightsApiRef,
} from '@genai-portal/plugin-genai-insights-react';
import { backendError, makeClient, ML } from '../__testUtils__/fixtures';
import {
  CHAT,
  emptyHistory,
  LLAMA,
  MISTRAL,
  platformHistory,
  scorecards,
  serveCompliance,
} from '../__testUtils__/compliance';
import { EntityEnvironmentComplianceCard } from './EntityEnvironmentComplianceCard';
import { EntityPlatformComplianceCard } from './EntityPlatformComplianceCard';
import { EntityTeamComplianceCard } from './EntityTeamComplianceCard';

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
    owner: ML,
    system: 'genai-playground',
  },
});

const group: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'ml-research', namespace: 'default' },
  spec: { type: 'team', children: [] },
};

const system: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'System',
  metadata: {
    name: 'genai-playground',
    namespace: 'default',
    annotations: { 'genai-playground.io/policy-compliance-target': '100' },
  },
  spec: { owner: 'group:default/platform-team' },
};

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function render(node: ReactNode, entity: Entity, withPage = true) {
  return renderInTestApp(
    <TestApiProvider apis={[[genaiInsightsApiRef, makeClient()]]}>
      <EntityProvider entity={entity}>{node}</EntityProvider>
    </TestApiProvider>,
    withPage
      ? { mountedRoutes: { '/genai-insights/compliance': complianceRouteRef } }
      : undefined,
  );
}

describe('EntityEnvironmentComplianceCard', () => {
  it("shows the environment's score, level and the checks not passing", async () => {
    const seen = serveCompliance(server);
    await render(<EntityEnvironmentComplianceCard />, environment(LLAMA));
    expect(await screen.findByLabelText('Environment score')).toHaveTextContent(
      '60.6%',
    );
    expect(screen.getByTestId('compliance-level')).toHaveTextContent('Bronze');
    const list = screen.getByRole('list', { name: 'Checks not passing' });
    expect(
      within(list)
        .getAllByRole('listitem')
        .map(li => li.textContent),
    ).toEqual([
      '✗ Fail Pod security: restricted (5 objects)',
      '✗ Fail Images pinned (1 object)',
    ]);
    expect(
      screen.getByRole('link', { name: /View compliance/ }),
    ).toHaveAttribute('href', '/genai-insights/compliance?team=ml-research');
    expect(seen[0].url.pathname).toBe(
      `/api/genai-insights/compliance/environments/${LLAMA}`,
    );
  });

  it('lists waived checks too, with the level they allow', async () => {
    serveCompliance(server);
    await render(<EntityEnvironmentComplianceCard />, environment(MISTRAL));
    expect(
      await screen.findByRole('list', { name: 'Checks not passing' }),
    ).toHaveTextContent('W Waived Images pinned (1 object)');
    expect(screen.getByTestId('compliance-level')).toHaveTextContent('Gold');
  });

  it('says when the environment has not been evaluated yet', async () => {
    serveCompliance(server, {
      'GET /compliance/environments': () =>
        backendError(404, 'NotFoundError', "No environment 'x' was evaluated"),
    });
    await render(<EntityEnvironmentComplianceCard />, environment('new-env'));
    expect(
      await screen.findByTestId('compliance-not-evaluated'),
    ).toHaveTextContent('This environment has not been evaluated yet');
  });

  it('says when the user may not read it, without numbers', async () => {
    serveCompliance(server, {
      'GET /compliance/environments': () =>
        backendError(403, 'NotAllowedError', 'Not allowed'),
    });
    await render(<EntityEnvironmentComplianceCard />, environment(CHAT), false);
    expect(await screen.findByTestId('compliance-refusal')).toHaveTextContent(
      'You do not read compliance for these teams',
    );
    expect(screen.queryByLabelText('Environment score')).toBeNull();
    expect(screen.queryByRole('link', { name: /View compliance/ })).toBeNull();
  });
});

describe('EntityTeamComplianceCard', () => {
  it("shows the team's score, its levels and its lowest scoring environments", async () => {
    const seen = serveCompliance(server);
    await render(<EntityTeamComplianceCard />, group);
    expect(await screen.findByLabelText('Team score')).toHaveTextContent(
      '80.3%',
    );
    expect(
      within(screen.getByRole('list', { name: 'Environments by level' }))
        .getAllByRole('listitem')
        .map(li => li.textContent),
    ).toEqual(['Gold: 1', 'Silver: 0', 'Bronze: 1', 'No level: 0']);
    expect(
      within(screen.getByRole('list', { name: 'Lowest scoring environments' }))
        .getAllByRole('listitem')
        .map(li => li.textContent),
    ).toEqual([`${LLAMA}: 60.6%, Bronze`, `${MISTRAL}: 100%, Gold`]);
    expect(
      screen.getByRole('link', {
        name: /View the team on the compliance page/,
      }),
    ).toHaveAttribute('href', '/genai-insights/compliance?team=ml-research');
    expect(seen[0].url.searchParams.get('teams')).toBe(ML);
  });

  it('says when the team has no evaluated environment', async () => {
    serveCompliance(server, {
      'GET /compliance/scorecards': {
        ...scorecards(),
        environments: [],
        teams: [],
      } as any,
    });
    await render(<EntityTeamComplianceCard />, group);
    expect(
      await screen.findByTestId('compliance-team-empty'),
    ).toHaveTextContent('The team has no evaluated environment yet.');
  });

  it('says when the backend is down', async () => {
    serveCompliance(server, {
      'GET /compliance/scorecards': () =>
        backendError(503, 'ServiceUnavailableError', 'Cluster unreachable'),
    });
    await render(<EntityTeamComplianceCard />, group);
    expect(await screen.findByTestId('compliance-error')).toHaveTextContent(
      'The compliance service did not answer: Cluster unreachable',
    );
  });
});

describe('EntityPlatformComplianceCard', () => {
  it("shows the platform's score against the target, and its trend", async () => {
    const seen = serveCompliance(server, {
      'GET /compliance/scorecards': scorecards({ scope: 'platform' }) as any,
      'GET /compliance/history': platformHistory as any,
    });
    await render(<EntityPlatformComplianceCard />, system);
    expect(await screen.findByLabelText('Platform score')).toHaveTextContent(
      '68.5%',
    );
    expect(screen.getByTestId('compliance-target')).toHaveTextContent(
      'Target 100%',
    );
    expect(
      await screen.findByRole('img', {
        name: 'Daily score from 60% on 2026-12-03 to 68.5% on 2026-12-04',
      }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /View compliance/ }),
    ).toHaveAttribute('href', '/genai-insights/compliance');
    const history = seen.find(s => s.url.pathname.endsWith('/history'))!;
    const from = Date.parse(history.url.searchParams.get('from')!);
    const to = Date.parse(history.url.searchParams.get('to')!);
    expect((to - from) / 86_400_000).toBe(29);
    expect(history.url.searchParams.get('teams')).toBeNull();
  });

  it('says history starts after the first daily snapshot', async () => {
    serveCompliance(server, {
      'GET /compliance/scorecards': scorecards({ scope: 'platform' }) as any,
      'GET /compliance/history': emptyHistory as any,
    });
    await render(<EntityPlatformComplianceCard />, system);
    expect(
      await screen.findByTestId('compliance-trend-empty'),
    ).toHaveTextContent(
      'No history yet: history starts after the first daily snapshot.',
    );
  });

  it("shows the user's teams' score to those who do not read every team", async () => {
    serveCompliance(server);
    await render(<EntityPlatformComplianceCard />, system);
    expect(await screen.findByLabelText('Teams score')).toHaveTextContent(
      '68.5%',
    );
    expect(screen.queryByLabelText('Platform score')).toBeNull();
    expect(
      screen.getByText(/the platform's score is for those who read every team/),
    ).toBeInTheDocument();
  });
});
