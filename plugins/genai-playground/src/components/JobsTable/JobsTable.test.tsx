import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { jobRouteRef, jobsRouteRef, rootRouteRef } from '../../routes';
import { makeJob } from '../../testing/jobFixtures';
import { JobsTable } from './JobsTable';

describe('JobsTable', () => {
  it('shows status and reason, GPUs, runtime, GPU-hours and owner, linked to each job', async () => {
    const now = Date.now();
    const iso = (minutesAgo: number) =>
      new Date(now - minutesAgo * 60_000).toISOString();
    await renderInTestApp(
      <JobsTable
        title="Jobs"
        jobs={[
          makeJob({
            id: 'ja',
            name: 'lora-a',
            status: 'Succeeded',
            gpus: 8,
            pods: 2,
            startedAt: iso(70),
            finishedAt: iso(10),
            gpuSeconds: 16 * 3600,
          }),
          makeJob({
            id: 'jb',
            name: 'eval-b',
            status: 'Failed',
            reason: 'OOMKilled',
            owner: 'user:default/marco.rossi',
            startedAt: iso(5),
            finishedAt: iso(4),
            gpuSeconds: 480,
          }),
          makeJob({
            id: 'jc',
            name: 'queued-c',
            status: 'Pending',
            reason: 'Queued',
            startedAt: undefined,
          }),
        ]}
      />,
      {
        mountedRoutes: {
          '/genai-playground/jobs': jobsRouteRef,
          '/genai-playground/environments': rootRouteRef,
        },
      },
    );
    const row = (name: string) => screen.getByText(name).closest('tr')!;
    const a = row('lora-a');
    expect(within(a).getByTestId('job-status-Succeeded')).toBeInTheDocument();
    expect(a).toHaveTextContent('2 × 8');
    expect(a).toHaveTextContent('1h 0m');
    expect(a).toHaveTextContent('16');
    expect(within(a).getByRole('link', { name: 'lora-a' })).toHaveAttribute(
      'href',
      '/genai-playground/jobs/ja',
    );
    const b = row('eval-b');
    expect(b).toHaveTextContent('OOMKilled');
    expect(b).toHaveTextContent('marco.rossi');
    expect(b).toHaveTextContent('0.13');
    expect(row('queued-c')).toHaveTextContent('–');
    expect(jobRouteRef).toBeDefined();
  });
});
