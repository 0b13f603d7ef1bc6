import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { makeJob, withJobDetails } from '../../testing/jobFixtures';
import { JobStatusAlert } from './JobStatusAlert';

describe('JobStatusAlert', () => {
  it('says why a job failed', async () => {
    const job = withJobDetails(
      makeJob({ status: 'Failed', reason: 'BackoffLimitExceeded' }),
    );
    await renderInTestApp(<JobStatusAlert job={job} />);
    expect(screen.getByTestId('job-failure')).toHaveTextContent(
      'Failed: BackoffLimitExceeded',
    );
  });

  it('says what a pending job waits for', async () => {
    const job = withJobDetails(
      makeJob({
        status: 'Pending',
        reason: 'ExceededQuota',
        statusMessage: 'not enough GPUs',
      }),
    );
    await renderInTestApp(<JobStatusAlert job={job} />);
    expect(screen.getByTestId('job-waiting')).toHaveTextContent(
      'ExceededQuota',
    );
  });

  it('says nothing of a job that runs', async () => {
    await renderInTestApp(
      <JobStatusAlert job={withJobDetails(makeJob({ status: 'Running' }))} />,
    );
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
