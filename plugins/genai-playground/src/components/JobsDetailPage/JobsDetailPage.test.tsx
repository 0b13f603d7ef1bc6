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
import { jobsRouteRef, rootRouteRef } from '../../routes';
import { fakeApi } from '../../testing/fixtures';
import { makeJob, withJobDetails } from '../../testing/jobFixtures';
import { JobsDetailPage } from './JobsDetailPage';

async function renderPage(
  api: ReturnType<typeof fakeApi>,
  permission = mockApis.permission(),
  id = 'j7k2m9x4q1ab',
) {
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [genaiPlaygroundApiRef, api],
        [permissionApiRef, permission],
      ]}
    >
      <JobsDetailPage id={id} />
    </TestApiProvider>,
    {
      mountedRoutes: {
        '/genai-playground/jobs': jobsRouteRef,
        '/genai-playground/environments': rootRouteRef,
      },
    },
  );
}

describe('JobsDetailPage', () => {
  it('shows a running job: resources, timeline, pods, events, live logs, and cancels it', async () => {
    const job = makeJob();
    const api = fakeApi({
      getJob: jest
        .fn()
        .mockResolvedValueOnce(withJobDetails(job))
        .mockResolvedValue(
          withJobDetails({
            ...job,
            status: 'Cancelled',
            cancelledBy: 'user:default/guest',
            finishedAt: new Date().toISOString(),
            gpuSeconds: 8 * 1800,
          }),
        ),
      followJobLogs: jest.fn().mockImplementation(async function* follow() {
        yield 'kube-sim: starting container main\n';
      }),
      cancelJob: jest.fn().mockResolvedValue({ ...job, status: 'Cancelled' }),
    });
    await renderPage(api);

    expect(
      await screen.findByRole('heading', { name: 'llama-lora' }),
    ).toBeInTheDocument();
    expect(screen.getAllByTestId('job-status-Running').length).toBeGreaterThan(
      0,
    );
    expect(screen.getByText('ml-research-llama-finetune')).toHaveAttribute(
      'href',
      '/genai-playground/environments/ml-research-llama-finetune',
    );
    expect(screen.getByText('8 × MI300X')).toBeInTheDocument();
    expect(
      within(screen.getByTestId('job-timeline')).getAllByRole('listitem'),
    ).toHaveLength(2);
    expect(screen.getAllByText('bp-j7k2m9x4q1ab-abcde').length).toBeGreaterThan(
      0,
    );
    expect(screen.getByText('SuccessfulCreate')).toBeInTheDocument();
    expect(
      await screen.findByText(/starting container main/),
    ).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Cancel job' }));
    await userEvent.click(
      within(screen.getByRole('dialog')).getByRole('button', {
        name: 'Cancel job',
      }),
    );
    expect(api.cancelJob).toHaveBeenCalledWith(job.id, {
      propagationPolicy: 'Background',
    });
    await waitFor(() =>
      expect(screen.getByTestId('job-status-Cancelled')).toBeInTheDocument(),
    );
    expect(screen.getByText('Cancelled by')).toBeInTheDocument();
    // The dialog closes, and an ended job has nothing to cancel.
    await waitFor(() =>
      expect(screen.queryByRole('button', { name: 'Cancel job' })).toBeNull(),
    );
  });

  it('shows why a job failed', async () => {
    const job = makeJob({
      status: 'Failed',
      reason: 'OOMKilled',
      statusMessage:
        'pod bp-j7k2m9x4q1ab-abcde: container main ran out of memory and was killed (OOMKilled, exit code 137); the Job failed: BackoffLimitExceeded',
      finishedAt: new Date().toISOString(),
      gpuSeconds: 120,
    });
    await renderPage(
      fakeApi({
        getJob: jest.fn().mockResolvedValue(withJobDetails(job)),
        getJobLogs: jest.fn().mockResolvedValue('Killed\n'),
      }),
    );
    const failure = await screen.findByTestId('job-failure');
    expect(failure).toHaveTextContent('Failed: OOMKilled');
    expect(failure).toHaveTextContent(/ran out of memory/);
    expect(screen.queryByRole('button', { name: 'Cancel job' })).toBeNull();
  });

  it('shows what a pending job waits for, and no cancel button without the permission', async () => {
    // Another environment: usePermission caches decisions per resource across renders.
    const job = makeJob({
      environmentId: 'ml-research-other',
      status: 'Pending',
      startedAt: undefined,
      reason: 'ExceededQuota',
      statusMessage:
        "the environment's quota refused the job's pods: exceeded quota genai-playground-quota: requested requests.amd.com/gpu=8, used requests.amd.com/gpu=8, limited requests.amd.com/gpu=8",
    });
    await renderPage(
      fakeApi({
        getJob: jest
          .fn()
          .mockResolvedValue(withJobDetails(job, { podDetails: [] })),
        followJobLogs: jest.fn().mockImplementation(async function* none() {}),
      }),
      mockApis.permission({ authorize: AuthorizeResult.DENY }),
    );
    expect(await screen.findByTestId('job-waiting')).toHaveTextContent(
      /ExceededQuota.*exceeded quota genai-playground-quota/,
    );
    expect(screen.queryByRole('button', { name: 'Cancel job' })).toBeNull();
  });

  it('says clearly when the job does not exist', async () => {
    const notFound = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: { name: 'NotFoundError', message: 'no job jx' },
          response: { statusCode: 404 },
        }),
        { status: 404, headers: { 'Content-Type': 'application/json' } },
      ),
    );
    await renderPage(
      fakeApi({ getJob: jest.fn().mockRejectedValue(notFound) }),
      mockApis.permission(),
      'jx',
    );
    expect(await screen.findByText('Job jx not found')).toBeInTheDocument();
  });
});
