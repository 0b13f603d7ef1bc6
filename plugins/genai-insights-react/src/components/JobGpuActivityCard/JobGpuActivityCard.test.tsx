import { NotAllowedError } from '@backstage/errors';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import type { GpuActivity } from '@genai-portal/plugin-genai-insights-common';
import { screen } from '@testing-library/react';
import type { ReactElement } from 'react';
import { genaiInsightsApiRef, type GenaiInsightsApi } from '../../api';
import { gpuRouteRef } from '../../routes';
import { JobGpuActivityCard } from './JobGpuActivityCard';

const DAY = 86_400_000;

/** The job's 2 GPUs over 3 hours: 45% busy on average, 6 GPU-hours. */
const activity: GpuActivity = {
  from: '2026-11-01T10:00:00.000Z',
  to: '2026-11-01T16:00:00.000Z',
  stepSeconds: 3600,
  prometheus: { available: true },
  points: [
    { at: '2026-11-01T10:00:00.000Z', gpus: 2, meanActivity: 80 },
    { at: '2026-11-01T11:00:00.000Z', gpus: 2, meanActivity: 50 },
    { at: '2026-11-01T12:00:00.000Z', gpus: 2, meanActivity: 5 },
  ],
  devices: [
    { node: 'mi355x-node-0', gpuId: 4, pod: 'bp-job-ft-7-0', meanActivity: 46 },
    { node: 'mi355x-node-0', gpuId: 5, pod: 'bp-job-ft-7-0', meanActivity: 44 },
  ],
  meanActivity: 45,
  allocatedGpuHours: 6,
};

const noActivity: GpuActivity = {
  ...activity,
  points: [],
  devices: [],
  meanActivity: null,
  allocatedGpuHours: 0,
};

function render(
  getGpuActivity: GenaiInsightsApi['getGpuActivity'],
  node: ReactElement,
  withGpuPage = false,
) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [genaiInsightsApiRef, { getGpuActivity } as Partial<GenaiInsightsApi>],
      ]}
    >
      {node}
    </TestApiProvider>,
    withGpuPage
      ? { mountedRoutes: { '/genai-insights/gpu': gpuRouteRef } }
      : undefined,
  );
}

describe('JobGpuActivityCard', () => {
  it("shows a job's GPUs over its run", async () => {
    const getGpuActivity = jest.fn().mockResolvedValue(activity);
    await render(
      getGpuActivity,
      <JobGpuActivityCard
        jobId="job-ft-7"
        from="2026-11-01T10:00:00.000Z"
        to="2026-11-01T16:00:00.000Z"
      />,
    );
    expect(await screen.findByTestId('gpu-activity-mean')).toHaveTextContent(
      '45%',
    );
    expect(screen.getByText('GPU activity')).toBeInTheDocument();
    expect(screen.getByText('While the job ran')).toBeInTheDocument();
    expect(screen.getByTestId('gpu-activity-hours')).toHaveTextContent('6');
    expect(
      screen.getByRole('img', {
        name: 'Mean activity up to 80%, up to 2 GPUs held',
      }),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/mi355x-node-0\/4 46%, mi355x-node-0\/5 44%/),
    ).toBeInTheDocument();
    expect(getGpuActivity).toHaveBeenCalledWith({
      from: '2026-11-01T10:00:00.000Z',
      to: '2026-11-01T16:00:00.000Z',
      job: 'job-ft-7',
    });
    // No GPU page in the app: no link.
    expect(screen.queryByRole('link')).toBeNull();
  });

  it('asks for at most 31 days, and says when the job held no GPU', async () => {
    const getGpuActivity = jest.fn().mockResolvedValue(noActivity);
    await render(
      getGpuActivity,
      <JobGpuActivityCard
        jobId="job-long"
        from="2026-01-01T00:00:00.000Z"
        to="2026-06-01T00:00:00.000Z"
      />,
    );
    expect(await screen.findByTestId('gpu-activity-empty')).toHaveTextContent(
      'The job held no GPU in this period.',
    );
    const query = getGpuActivity.mock.calls[0][0];
    expect(query.to).toBe('2026-06-01T00:00:00.000Z');
    expect(Date.parse(query.to) - Date.parse(query.from)).toBe(31 * DAY);
  });

  it("links to the GPU page for the job's team when the app has it", async () => {
    await render(
      jest.fn().mockResolvedValue(activity),
      <JobGpuActivityCard jobId="job-ft-7" team="group:default/ml-research" />,
      true,
    );
    expect(await screen.findByText('Last 7 days')).toBeInTheDocument();
    expect(
      await screen.findByRole('link', { name: /View GPU utilization/ }),
    ).toHaveAttribute('href', '/genai-insights/gpu?team=ml-research');
  });

  it("says the job's GPUs are not the caller's to see, without numbers", async () => {
    await render(
      jest.fn().mockRejectedValue(new NotAllowedError('Not allowed')),
      <JobGpuActivityCard jobId="job-ft-7" team="group:default/finance" />,
    );
    expect(
      await screen.findByText("You can't see finance's GPU utilization"),
    ).toBeInTheDocument();
    expect(screen.getByTestId('gpu-refusal')).toHaveTextContent('Not allowed');
    expect(screen.queryByTestId('gpu-activity-mean')).toBeNull();
  });

  it('says when GPU activity is unavailable, and still shows the GPU-hours', async () => {
    await render(
      jest.fn().mockResolvedValue({
        ...activity,
        prometheus: { available: false, reason: 'Prometheus timed out.' },
        meanActivity: null,
        points: activity.points.map(p => ({ ...p, meanActivity: null })),
      }),
      <JobGpuActivityCard jobId="job-ft-7" />,
    );
    expect(await screen.findByTestId('gpu-prometheus-down')).toHaveTextContent(
      'GPU activity is unavailable: Prometheus timed out. Allocation below is from the cluster.',
    );
    expect(screen.getByTestId('gpu-activity-mean')).toHaveTextContent('—');
    expect(screen.getByTestId('gpu-activity-hours')).toHaveTextContent('6');
  });

  it('asks nothing without a job', async () => {
    const getGpuActivity = jest.fn();
    await render(getGpuActivity, <JobGpuActivityCard jobId="" />);
    expect(await screen.findByText('No job.')).toBeInTheDocument();
    expect(getGpuActivity).not.toHaveBeenCalled();
  });
});
