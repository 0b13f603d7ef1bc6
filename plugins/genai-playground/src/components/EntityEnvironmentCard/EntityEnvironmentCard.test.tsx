import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import type { Entity } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { genaiPlaygroundApiRef } from '@genai-portal/plugin-genai-playground-react';
import { screen } from '@testing-library/react';
import { rootRouteRef } from '../../routes';
import { fakeApi, makeEnvironment, withDetails } from '../../testing/fixtures';
import { EntityEnvironmentCard } from './EntityEnvironmentCard';

const environment = makeEnvironment();
const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name: environment.namespace },
  spec: { type: 'playground-environment', owner: environment.team },
};

async function renderCard(api = fakeApi(), withPage = true) {
  await renderInTestApp(
    <TestApiProvider apis={[[genaiPlaygroundApiRef, api]]}>
      <EntityProvider entity={entity}>
        <EntityEnvironmentCard />
      </EntityProvider>
    </TestApiProvider>,
    withPage
      ? { mountedRoutes: { '/genai-playground/environments': rootRouteRef } }
      : undefined,
  );
  return api;
}

describe('EntityEnvironmentCard', () => {
  it('shows the environment named by the entity: status, quota, expiry and pods', async () => {
    const api = await renderCard(
      fakeApi({
        getEnvironment: jest.fn().mockResolvedValue(withDetails(environment)),
      }),
    );
    expect(await screen.findByTestId('status-ready')).toBeInTheDocument();
    expect(api.getEnvironment).toHaveBeenCalledWith(environment.namespace);
    expect(
      screen.getByRole('progressbar', { name: 'GPU 2 / 8 GPUs' }),
    ).toBeInTheDocument();
    expect(screen.getByText('64 / 256 GiB')).toBeInTheDocument();
    expect(screen.getByText('2 / 20')).toBeInTheDocument();
    expect(screen.getByTestId('expiry')).toHaveTextContent('in 3 days');
    expect(screen.getByText('Pods (2)')).toBeInTheDocument();
    expect(
      screen.getByText('Running on mi300x-node-1 · 2 GPUs'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /Open in GPU Playground/ }),
    ).toHaveAttribute(
      'href',
      `/genai-playground/environments/${environment.id}`,
    );
  });

  it('warns about a cluster error', async () => {
    await renderCard(
      fakeApi({
        getEnvironment: jest.fn().mockResolvedValue({
          ...environment,
          pods: [],
          clusterError: 'timeout',
        }),
      }),
      false,
    );
    expect(
      await screen.findByText('The cluster could not be read: timeout'),
    ).toBeInTheDocument();
    expect(screen.getByText('No pods are running.')).toBeInTheDocument();
    expect(
      screen.queryByRole('link', { name: /Open in GPU Playground/ }),
    ).toBeNull();
  });

  it('says when the environment is gone', async () => {
    await renderCard(
      fakeApi({
        getEnvironment: jest.fn().mockRejectedValue(new NotFoundError('gone')),
      }),
    );
    expect(
      await screen.findByText(/has no environment ml-research-llama-finetune/),
    ).toBeInTheDocument();
  });
});
