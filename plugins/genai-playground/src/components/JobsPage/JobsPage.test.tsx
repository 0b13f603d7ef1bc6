import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { identityApiRef } from '@backstage/core-plugin-api';
import { genaiPlaygroundApiRef } from '@genai-portal/plugin-genai-playground-react';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { jobsRouteRef, rootRouteRef } from '../../routes';
import { fakeApi } from '../../testing/fixtures';
import { makeJob } from '../../testing/jobFixtures';
import { JobsPage } from './JobsPage';

describe('JobsPage', () => {
  it('lists jobs and filters them by status and owner', async () => {
    const api = fakeApi({
      listJobs: jest.fn().mockResolvedValue({
        items: [makeJob(), makeJob({ id: 'jb', name: 'eval-b' })],
      }),
    });
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [genaiPlaygroundApiRef, api],
          [
            identityApiRef,
            mockApis.identity({
              userEntityRef: 'user:default/guest',
              ownershipEntityRefs: [
                'user:default/guest',
                'group:default/ml-research',
              ],
            }),
          ],
        ]}
      >
        <JobsPage />
      </TestApiProvider>,
      {
        mountedRoutes: {
          '/genai-playground/jobs': jobsRouteRef,
          '/genai-playground/environments': rootRouteRef,
        },
      },
    );
    expect(await screen.findByText('eval-b')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /Submit job/ })).toHaveAttribute(
      'href',
      '/genai-playground/jobs/submit',
    );

    const choose = async (filter: string, option: string) => {
      fireEvent.mouseDown(
        within(document.getElementById(filter)!.parentElement!).getByRole(
          'button',
        ),
      );
      await userEvent.click(
        await screen.findByRole('option', { name: option }),
      );
    };
    await choose('jobs-filter-status', 'Failed');
    await choose('jobs-filter-owner', 'Me');
    await waitFor(() =>
      expect(api.listJobs).toHaveBeenLastCalledWith(
        expect.objectContaining({
          status: ['Failed'],
          owner: 'user:default/guest',
        }),
      ),
    );
  });
});
