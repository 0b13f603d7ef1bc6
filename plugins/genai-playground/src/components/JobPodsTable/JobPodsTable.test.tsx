import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { makeJob, withJobDetails } from '../../testing/jobFixtures';
import { JobPodsTable } from './JobPodsTable';

describe('JobPodsTable', () => {
  it('lists the pods', async () => {
    const job = withJobDetails(makeJob());
    await renderInTestApp(<JobPodsTable pods={job.podDetails} />);
    expect(screen.getByText(job.podDetails[0].name)).toBeInTheDocument();
  });

  it('explains an empty list', async () => {
    await renderInTestApp(<JobPodsTable pods={[]} />);
    expect(
      screen.getByText('No pods: not created yet, or gone with the Job.'),
    ).toBeInTheDocument();
  });
});
