import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { ResponseError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  genaiInsightsApiRef,
  type GenaiInsightsApi,
} from '@genai-portal/plugin-genai-insights-react';
import { genaiPlaygroundApiRef } from '@genai-portal/plugin-genai-playground-react';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { jobsRouteRef, rootRouteRef } from '../../routes';
import { fakeApi } from '../../testing/fixtures';
import { makeJob, withJobDetails } from '../../testing/jobFixtures';
import { JobsDetailPage } from './JobsDetailPage';

type GpuActivity = Awaited<ReturnType<GenaiInsightsApi['getGpuActivity']>>;

/** The job's 8 GPUs over 2 hours: 72% busy on average, 16 GPU-hours (as genai-insights answers). */
const gpuActivity: GpuActivity = {
  from: '2026-11-03T10:00:00.000Z',
  to: '2026-11-03T12:00:00.000Z',
  stepSeconds: 3600,
  prometheus: { available: true },
  points: [
    { at: '2026-11-03T10:00:00.000Z', gpus: 8, meanActivity: 70 },
    { at: '2026-11-03T11:00:00.000Z', gpus: 8, meanActivity: 74 },
  ],
  devices: [
    {
      node: 'mi300x-node-0',
      gpuId: 0,
      pod: 'bp-j7k2m9x4q1ab-abcde',
      meanActivity: 72,
    },
  ],
  meanActivity: 72,
  allocatedGpuHours: 16,
};

async function renderPage(
  api: ReturnType<typeof fakeApi>,
  permission = mockApis.permission(),
  id = 'j7k2m9x4q1ab',
  insights?: Partial<GenaiInsightsApi>,
) {
  const page = <JobsDetailPage id={id} />;
  await renderInTestApp(
    // With genai-insights in the app, or without it.
    insights ? (
      <TestApiProvider
        apis={[
          [genaiPlaygroundApiRef, api],
          [permissionApiRef, permission],
          [genaiInsightsApiRef, insights],
        ]}
      >
        {page}
      </TestApiProvider>
    ) : (
      <TestApiProvider
        apis={[
          [genaiPlaygroundApiRef, api],
          [permissionApiRef, permission],
        ]}
      >
        {page}
      </TestApiProvider>
    ),
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

  it("shows the job's GPUs over its run when the app has genai-insights", async () => {
    const job = makeJob({
      status: 'Succeeded',
      startedAt: '2026-11-03T10:00:00.000Z',
      finishedAt: '2026-11-03T12:00:00.000Z',
      gpuSeconds: 8 * 7200,
    });
    const getGpuActivity = jest.fn().mockResolvedValue(gpuActivity);
    await renderPage(
      fakeApi({
        getJob: jest.fn().mockResolvedValue(withJobDetails(job)),
        getJobLogs: jest.fn().mockResolvedValue('done\n'),
      }),
      mockApis.permission(),
      job.id,
      { getGpuActivity },
    );
    expect(await screen.findByText('GPU activity')).toBeInTheDocument();
    expect(screen.getByText('While the job ran')).toBeInTheDocument();
    expect(await screen.findByTestId('gpu-activity-hours')).toHaveTextContent(
      '16',
    );
    expect(getGpuActivity).toHaveBeenCalledWith({
      job: job.id,
      from: '2026-11-03T10:00:00.000Z',
      to: '2026-11-03T12:00:00.000Z',
    });
  });

  it('shows no GPU card without genai-insights', async () => {
    const job = makeJob({
      status: 'Succeeded',
      finishedAt: new Date().toISOString(),
      gpuSeconds: 60,
    });
    await renderPage(
      fakeApi({
        getJob: jest.fn().mockResolvedValue(withJobDetails(job)),
        getJobLogs: jest.fn().mockResolvedValue('done\n'),
      }),
    );
    expect(
      await screen.findByRole('heading', { name: 'llama-lora' }),
    ).toBeInTheDocument();
    expect(screen.getByText('Status timeline')).toBeInTheDocument();
    expect(screen.queryByText('GPU activity')).toBeNull();
  });
});
