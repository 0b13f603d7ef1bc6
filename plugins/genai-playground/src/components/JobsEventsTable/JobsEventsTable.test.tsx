import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { JobsEventsTable } from './JobsEventsTable';

describe('JobsEventsTable', () => {
  it('shows the events of the Job and its pods', async () => {
    await renderInTestApp(
      <JobsEventsTable
        events={[
          {
            type: 'Warning',
            reason: 'FailedCreate',
            message:
              'Error creating: pods "bp-x-0" is forbidden: exceeded quota: genai-playground-quota',
            object: 'Job/bp-x',
            count: 4,
            lastSeen: new Date().toISOString(),
          },
        ]}
      />,
    );
    expect(screen.getByText('FailedCreate')).toBeInTheDocument();
    expect(screen.getByText('Job/bp-x')).toBeInTheDocument();
    expect(screen.getByText(/exceeded quota/)).toBeInTheDocument();
    expect(screen.getByText('4')).toBeInTheDocument();
  });

  it('explains an empty list', async () => {
    await renderInTestApp(<JobsEventsTable events={[]} />);
    expect(screen.getByText(/No events/)).toBeInTheDocument();
  });
});
