import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { identityApiRef } from '@backstage/core-plugin-api';
import type { ListEnvironmentsQuery } from '@genai-portal/plugin-genai-playground-common';
import { genaiPlaygroundApiRef } from '@genai-portal/plugin-genai-playground-react';
import { screen, within } from '@testing-library/react';
import { rootRouteRef } from '../../routes';
import { fakeApi, makeEnvironment, withDetails } from '../../testing/fixtures';
import { EnvironmentsPage } from './EnvironmentsPage';

const mine = makeEnvironment({ name: 'llama' });
const teammates = makeEnvironment({
  name: 'mistral',
  owner: 'user:default/marco.rossi',
});

function renderPage(
  api = fakeApi(),
  ownershipEntityRefs = ['user:default/guest', 'group:default/ml-research'],
) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [genaiPlaygroundApiRef, api],
        [
          identityApiRef,
          mockApis.identity({
            userEntityRef: 'user:default/guest',
            ownershipEntityRefs,
          }),
        ],
      ]}
    >
      <EnvironmentsPage />
    </TestApiProvider>,
    { mountedRoutes: { '/genai-playground/environments': rootRouteRef } },
  );
}

describe('EnvironmentsPage', () => {
  it("lists the user's and the team's environments with live usage", async () => {
    const api = fakeApi({
      listEnvironments: jest.fn(async (query?: ListEnvironmentsQuery) => ({
        items: query?.owner ? [mine] : [mine, teammates],
      })),
      getEnvironment: jest.fn(async (id: string) =>
        withDetails(id === mine.id ? mine : teammates),
      ),
    });
    await renderPage(api);

    expect(api.listEnvironments).toHaveBeenCalledWith({
      owner: 'user:default/guest',
      team: undefined,
      gpuPool: undefined,
      includeDeleted: undefined,
    });
    expect(api.listEnvironments).toHaveBeenCalledWith({
      team: 'group:default/ml-research',
    });

    const myTable = (await screen.findByText('My environments')).closest(
      'table, .MuiPaper-root',
    ) as HTMLElement;
    expect(
      await within(myTable).findByRole('link', { name: 'llama' }),
    ).toBeInTheDocument();
    expect(within(myTable).queryByRole('link', { name: 'mistral' })).toBeNull();

    const teamTable = screen
      .getByText("My team's environments (ml-research)")
      .closest('.MuiPaper-root') as HTMLElement;
    expect(
      await within(teamTable).findByRole('link', { name: 'mistral' }),
    ).toBeInTheDocument();
    expect(
      within(teamTable).getByRole('link', { name: 'llama' }),
    ).toBeInTheDocument();

    // Details arrive: the bars show used / hard.
    expect(
      await within(myTable).findByRole('progressbar', {
        name: 'llama GPU 2 / 8',
      }),
    ).toBeInTheDocument();
    // One details request per environment, shared by both tables.
    expect(api.getEnvironment).toHaveBeenCalledTimes(2);

    expect(
      screen.getByRole('button', { name: 'Create environment' }),
    ).toHaveAttribute(
      'href',
      '/create/templates/default/playground-environment',
    );
    expect(await screen.findByTestId('pool-mi300x')).toBeInTheDocument();
  });

  it('says when the user has no team and no environment', async () => {
    const api = fakeApi({
      listEnvironments: jest.fn().mockResolvedValue({ items: [] }),
    });
    await renderPage(api, ['user:default/guest']);
    expect(
      await screen.findByText('You are not a member of any team.'),
    ).toBeInTheDocument();
    expect(
      await screen.findByText(/You have no playground environment/),
    ).toBeInTheDocument();
  });

  it('shows a failed list as an error', async () => {
    const api = fakeApi({
      listEnvironments: jest.fn().mockRejectedValue(new Error('forbidden')),
    });
    await renderPage(api);
    expect(
      await screen.findAllByText('Error: forbidden', { selector: 'h6' }),
    ).toHaveLength(2);
  });
});
