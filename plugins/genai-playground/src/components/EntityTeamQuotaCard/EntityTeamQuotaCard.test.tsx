import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import type { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { genaiPlaygroundApiRef } from '@genai-portal/plugin-genai-playground-react';
import { screen, within } from '@testing-library/react';
import { rootRouteRef } from '../../routes';
import { fakeApi, makeEnvironment } from '../../testing/fixtures';
import { EntityTeamQuotaCard } from './EntityTeamQuotaCard';

const group: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'ml-research', namespace: 'default' },
  spec: { type: 'team', children: [] },
};

describe('EntityTeamQuotaCard', () => {
  it("shows the team's quota against its caps and its environments", async () => {
    const api = fakeApi({
      listEnvironments: jest.fn().mockResolvedValue({
        items: [
          makeEnvironment({ name: 'llama' }),
          makeEnvironment({
            name: 'mistral',
            status: 'creating',
            gpuPool: 'mi355x',
          }),
        ],
      }),
    });
    await renderInTestApp(
      <TestApiProvider apis={[[genaiPlaygroundApiRef, api]]}>
        <EntityProvider entity={group}>
          <EntityTeamQuotaCard />
        </EntityProvider>
      </TestApiProvider>,
      { mountedRoutes: { '/genai-playground/environments': rootRouteRef } },
    );

    const gpus = await screen.findByTestId('team-gpus');
    expect(api.getTeamQuotas).toHaveBeenCalledWith({
      team: 'group:default/ml-research',
    });
    expect(api.listEnvironments).toHaveBeenCalledWith(
      expect.objectContaining({ team: 'group:default/ml-research' }),
    );
    // committed 12 of the cap 16; 5 of the 12 in use
    expect(within(gpus).getByText('12 / 16')).toBeInTheDocument();
    expect(within(gpus).getByText('5 / 12')).toBeInTheDocument();
    expect(
      within(screen.getByTestId('team-memoryGi')).getByText('512 / 2,048 GiB'),
    ).toBeInTheDocument();
    expect(await screen.findByTestId('team-environments')).toHaveTextContent(
      '2 environments of at most 5',
    );

    const table = await screen.findByRole('table', {
      name: 'Team environments',
    });
    expect(within(table).getByRole('link', { name: 'llama' })).toHaveAttribute(
      'href',
      '/genai-playground/environments/ml-research-llama',
    );
    expect(within(table).getByTestId('status-creating')).toBeInTheDocument();
  });

  it('says when the team holds no quota', async () => {
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [
            genaiPlaygroundApiRef,
            fakeApi({
              getTeamQuotas: jest.fn().mockResolvedValue({ items: [] }),
              listEnvironments: jest.fn().mockResolvedValue({ items: [] }),
            }),
          ],
        ]}
      >
        <EntityProvider entity={group}>
          <EntityTeamQuotaCard />
        </EntityProvider>
      </TestApiProvider>,
    );
    expect(
      await screen.findByText('This team holds no GPU quota.'),
    ).toBeInTheDocument();
    expect(
      await screen.findByText('No playground environments.'),
    ).toBeInTheDocument();
  });
});
