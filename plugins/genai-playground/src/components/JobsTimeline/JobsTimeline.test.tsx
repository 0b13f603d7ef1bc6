import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { JobsTimeline } from './JobsTimeline';

describe('JobsTimeline', () => {
  it('lists each status with its reason, actor and message', async () => {
    await renderInTestApp(
      <JobsTimeline
        timeline={[
          {
            at: '2025-01-01T10:00:00Z',
            status: 'Pending',
            reason: 'Queued',
            message: 'queued: waiting for 8 GPUs',
            actor: 'user:default/guest',
          },
          { at: '2025-01-01T10:05:00Z', status: 'Running' },
          {
            at: '2025-01-01T10:06:00Z',
            status: 'Failed',
            reason: 'OOMKilled',
            message: 'pod bp-x-0: container main ran out of memory',
          },
        ]}
      />,
    );
    const items = within(screen.getByTestId('job-timeline')).getAllByRole(
      'listitem',
    );
    expect(items).toHaveLength(3);
    expect(items[0]).toHaveTextContent(/Queued · guest/);
    expect(items[0]).toHaveTextContent('queued: waiting for 8 GPUs');
    expect(items[2]).toHaveTextContent(/Failed.*OOMKilled/);
  });

  it('says when there is nothing yet', async () => {
    await renderInTestApp(<JobsTimeline timeline={[]} />);
    expect(screen.getByText('Nothing recorded yet.')).toBeInTheDocument();
  });
});
