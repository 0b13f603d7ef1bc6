import type { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { setupServer } from 'msw/node';
import type { ReactNode } from 'react';
import {
  genaiInsightsApiRef,
  gpuRouteRef,
} from '@genai-portal/plugin-genai-insights-react';
import {
  activity,
  backendError,
  makeClient,
  ML,
  noActivity,
  serveBackend,
} from '../__testUtils__/fixtures';
import { EntityEnvironmentGpuCard } from './EntityEnvironmentGpuCard';
import { EntityTeamGpuCard } from './EntityTeamGpuCard';

const environment: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'ml-research-llama',
    namespace: 'default',
    annotations: { 'genai-playground.io/environment-id': 'ml-research-llama' },
  },
  spec: {
    type: 'playground-environment',
    owner: 'group:default/ml-research',
    system: 'genai-playground',
  },
};

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

function render(node: ReactNode, entity?: Entity, withPage = true) {
  return renderInTestApp(
    <TestApiProvider apis={[[genaiInsightsApiRef, makeClient()]]}>
      {entity ? <EntityProvider entity={entity}>{node}</EntityProvider> : node}
    </TestApiProvider>,
    withPage
      ? { mountedRoutes: { '/genai-insights/gpu': gpuRouteRef } }
      : undefined,
  );
}

const DAY = 86_400_000;

describe('EntityEnvironmentGpuCard', () => {
  it("shows the environment's GPUs over the last 7 days, with a link to the GPU page", async () => {
    const seen = serveBackend(server);
    await render(<EntityEnvironmentGpuCard />, environment);

    expect(await screen.findByTestId('gpu-activity-mean')).toHaveTextContent(
      '45%',
    );
    expect(screen.getByTestId('gpu-activity-hours')).toHaveTextContent('6');
    expect(
      screen.getByRole('img', {
        name: 'Mean activity up to 80%, up to 2 GPUs held',
      }),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/mi355x-node-0\/4 46%, mi355x-node-0\/5 44%/),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /View ml-research's GPUs/ }),
    ).toHaveAttribute('href', '/genai-insights/gpu?team=ml-research');

    const params = Object.fromEntries(seen[0].url.searchParams);
    expect(seen[0].url.pathname).toBe('/api/genai-insights/gpu/activity');
    expect(params.environment).toBe('ml-research-llama');
    expect(params.teams).toBeUndefined();
    expect(Date.parse(params.to) - Date.parse(params.from)).toBe(7 * DAY);
  });

  it('says when the environment held no GPU', async () => {
    serveBackend(server, { 'GET /gpu/activity': noActivity as any });
    await render(<EntityEnvironmentGpuCard />, environment);
    expect(await screen.findByTestId('gpu-activity-empty')).toHaveTextContent(
      'This environment held no GPU in the last 7 days.',
    );
    expect(screen.queryByTestId('gpu-activity-mean')).toBeNull();
  });

  it('says when Prometheus is down, and still shows the GPU-hours', async () => {
    serveBackend(server, {
      'GET /gpu/activity': {
        ...activity,
        prometheus: {
          available: false,
          reason: 'Prometheus is not configured',
        },
        meanActivity: null,
        points: activity.points.map(p => ({ ...p, meanActivity: null })),
      } as any,
    });
    await render(<EntityEnvironmentGpuCard />, environment);
    expect(await screen.findByTestId('gpu-prometheus-down')).toHaveTextContent(
      'GPU activity is unavailable: Prometheus is not configured.',
    );
    expect(screen.getByTestId('gpu-activity-mean')).toHaveTextContent('—');
    expect(screen.getByTestId('gpu-activity-hours')).toHaveTextContent('6');
  });
});

describe('EntityTeamGpuCard', () => {
  it("shows the team's GPUs, asked for by its ref", async () => {
    const seen = serveBackend(server);
    await render(<EntityTeamGpuCard />, group);
    expect(await screen.findByTestId('gpu-activity-mean')).toHaveTextContent(
      '45%',
    );
    expect(
      screen.getByRole('link', { name: /View GPU utilization/ }),
    ).toHaveAttribute('href', '/genai-insights/gpu?team=ml-research');
    expect(seen[0].url.searchParams.get('teams')).toBe(ML);
    expect(seen[0].url.searchParams.has('environment')).toBe(false);
  });

  it("says the team's GPUs are not the caller's to see, without numbers", async () => {
    serveBackend(server, {
      'GET /gpu/activity': () =>
        backendError(403, 'NotAllowedError', 'Not allowed'),
    });
    await render(<EntityTeamGpuCard />, group);
    expect(
      await screen.findByText("You can't see ml-research's GPU utilization"),
    ).toBeInTheDocument();
    expect(screen.queryByTestId('gpu-activity-mean')).toBeNull();
  });

  it('has no link when the app has no GPU page', async () => {
    serveBackend(server, { 'GET /gpu/activity': noActivity as any });
    await render(<EntityTeamGpuCard />, group, false);
    expect(await screen.findByTestId('gpu-activity-empty')).toBeInTheDocument();
    expect(screen.queryByRole('link')).toBeNull();
  });
});
