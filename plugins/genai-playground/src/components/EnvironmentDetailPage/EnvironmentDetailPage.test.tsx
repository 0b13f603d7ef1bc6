import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { ResponseError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { genaiPlaygroundApiRef } from '@genai-portal/plugin-genai-playground-react';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { rootRouteRef } from '../../routes';
import { fakeApi, makeEnvironment, withDetails } from '../../testing/fixtures';
import { EnvironmentDetailPage } from './EnvironmentDetailPage';

const environment = makeEnvironment({ monthlyBudget: 30000 });
const id = environment.id;

async function renderPage(
  api = fakeApi(),
  permission = mockApis.permission(),
  pageId = id,
) {
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [genaiPlaygroundApiRef, api],
        [permissionApiRef, permission],
      ]}
    >
      <EnvironmentDetailPage id={pageId} />
    </TestApiProvider>,
    { mountedRoutes: { '/genai-playground/environments': rootRouteRef } },
  );
  return api;
}

async function notFoundError() {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name: 'NotFoundError', message: `no environment ${id}` },
        response: { statusCode: 404 },
      }),
      { status: 404, headers: { 'Content-Type': 'application/json' } },
    ),
  );
}

describe('EnvironmentDetailPage', () => {
  it('shows the header, quota gauges, pods, lease, cost and catalog link', async () => {
    const api = fakeApi({
      getEnvironment: jest.fn().mockResolvedValue(withDetails(environment)),
    });
    await renderPage(api);

    expect(
      await screen.findByRole('heading', { name: 'llama-finetune' }),
    ).toBeInTheDocument();
    expect(api.getEnvironment).toHaveBeenCalledWith(id);
    expect(screen.getByTestId('status-ready')).toBeInTheDocument();
    expect(screen.getByText('ml-research')).toBeInTheDocument();

    expect(screen.getByTestId('gauge-gpus')).toHaveTextContent('2 / 8 GPUs');
    expect(screen.getByTestId('gauge-pods')).toHaveTextContent('2 / 20 pods');
    expect(screen.getByText(/Usage read from the cluster/)).toBeInTheDocument();

    const pod = screen.getByText('trainer-0').closest('tr')!;
    expect(pod).toHaveTextContent('Running');
    expect(pod).toHaveTextContent('mi300x-node-1');

    expect(screen.getByTestId('cost-total')).toHaveTextContent('USD 20,606.80');
    expect(
      screen.getByText('Budget USD 30,000.00 per month'),
    ).toBeInTheDocument();

    expect(
      screen.getByRole('link', { name: `resource:${environment.namespace}` }),
    ).toHaveAttribute(
      'href',
      `/catalog/default/resource/${environment.namespace}`,
    );
    expect(
      screen.getByRole('button', { name: 'All environments' }),
    ).toHaveAttribute('href', '/genai-playground/environments');
    expect(screen.queryByText('The cluster could not be read')).toBeNull();
  });

  it('reads the usage again on refresh', async () => {
    const api = await renderPage();
    await userEvent.click(
      await screen.findByRole('button', { name: 'Refresh usage' }),
    );
    await waitFor(() => expect(api.getEnvironment).toHaveBeenCalledTimes(2));
  });

  it('warns about a cluster error and still shows the record', async () => {
    await renderPage(
      fakeApi({
        getEnvironment: jest.fn().mockResolvedValue({
          ...environment,
          pods: [],
          clusterError: 'connect ECONNREFUSED 127.0.0.1:7070',
        }),
      }),
    );
    expect(
      await screen.findByText('The cluster could not be read'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('heading', { name: 'llama-finetune' }),
    ).toBeInTheDocument();
    expect(screen.getByTestId('gauge-gpus')).toHaveTextContent('– / 8 GPUs');
    expect(
      screen.getByText('No usage from the cluster: the sized quota is shown'),
    ).toBeInTheDocument();
  });

  it('says clearly when the environment does not exist', async () => {
    await renderPage(
      fakeApi({
        getEnvironment: jest.fn().mockRejectedValue(await notFoundError()),
      }),
    );
    expect(
      await screen.findByText(`Environment ${id} not found`),
    ).toBeInTheDocument();
  });

  it('reads a 403 (the backend authorizes before it looks) as not found', async () => {
    const error = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: { name: 'NotAllowedError', message: 'not allowed' },
          response: { statusCode: 403 },
        }),
        { status: 403, headers: { 'Content-Type': 'application/json' } },
      ),
    );
    await renderPage(
      fakeApi({ getEnvironment: jest.fn().mockRejectedValue(error) }),
    );
    expect(
      await screen.findByText(`Environment ${id} not found`),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Back to the environments' }),
    ).toHaveAttribute('href', '/genai-playground/environments');
  });

  it('shows other errors', async () => {
    await renderPage(
      fakeApi({
        getEnvironment: jest.fn().mockRejectedValue(new Error('boom')),
      }),
    );
    expect(
      await screen.findByText('Error: boom', { selector: 'h6' }),
    ).toBeInTheDocument();
  });

  it('extends the lease and reloads', async () => {
    const api = await renderPage();
    await userEvent.click(
      await screen.findByRole('button', { name: 'Extend' }),
    );
    const dialog = await screen.findByRole('dialog');
    const input = within(dialog).getByLabelText('Hours from now');
    expect(input).toHaveValue(72);
    await userEvent.clear(input);
    await userEvent.type(input, '500');
    expect(within(dialog).getByText('At most 336 hours')).toBeInTheDocument();
    await userEvent.clear(input);
    await userEvent.type(input, '120');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Extend' }),
    );

    await waitFor(() =>
      expect(api.extendEnvironment).toHaveBeenCalledWith(id, { ttlHours: 120 }),
    );
    await waitFor(() => expect(api.getEnvironment).toHaveBeenCalledTimes(2));
  });

  it('deletes after the name is typed', async () => {
    const api = await renderPage();
    await userEvent.click(
      await screen.findByRole('button', { name: 'Delete' }),
    );
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(
      within(dialog).getByLabelText('Environment name'),
      'llama-finetune',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Delete' }),
    );
    await waitFor(() => expect(api.deleteEnvironment).toHaveBeenCalledWith(id));
  });

  it('shows when a deleted environment was deleted, without Extend or Delete', async () => {
    const deleted = makeEnvironment({
      name: 'gone',
      status: 'deleted',
      deletedAt: new Date(Date.now() - 2.5 * 3600_000).toISOString(),
    });
    await renderPage(
      fakeApi({
        getEnvironment: jest.fn().mockResolvedValue({ ...deleted, pods: [] }),
      }),
      mockApis.permission(),
      deleted.id,
    );
    expect(await screen.findByText(/^2 hours ago/)).toBeInTheDocument();
    expect(screen.getByText('Deleted')).toBeInTheDocument();
    expect(screen.queryByText('Expires')).toBeNull();
    expect(screen.getByRole('button', { name: 'Extend' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Delete' })).toBeDisabled();
  });

  it('disables Extend and Delete without permission', async () => {
    // Another id: usePermission caches decisions per resource across renders.
    const other = makeEnvironment({ name: 'other' });
    await renderPage(
      fakeApi({
        getEnvironment: jest.fn().mockResolvedValue(withDetails(other)),
      }),
      mockApis.permission({ authorize: AuthorizeResult.DENY }),
      other.id,
    );
    await screen.findByRole('heading', { name: 'other' });
    expect(
      await screen.findByRole('button', { name: 'Extend' }),
    ).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Delete' })).toBeDisabled();
  });
});
