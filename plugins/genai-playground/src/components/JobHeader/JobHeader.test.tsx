import { renderInTestApp } from '@backstage/test-utils';
import { fireEvent, screen } from '@testing-library/react';
import { makeJob, withJobDetails } from '../../testing/jobFixtures';
import { JobHeader } from './JobHeader';

describe('JobHeader', () => {
  it('names the job and its status, and offers Cancel when given', async () => {
    const job = withJobDetails(makeJob());
    const onCancel = jest.fn();
    await renderInTestApp(<JobHeader job={job} onCancel={onCancel} />);
    expect(screen.getByRole('heading', { name: job.name })).toBeInTheDocument();
    expect(screen.getByTestId(`job-status-${job.status}`)).toBeInTheDocument();
    expect(
      screen.getByText(`${job.namespace}/${job.kubernetesName}`),
    ).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Cancel job' }));
    expect(onCancel).toHaveBeenCalled();
  });

  it('has no Cancel without the handler', async () => {
    await renderInTestApp(<JobHeader job={withJobDetails(makeJob())} />);
    expect(screen.queryByRole('button', { name: 'Cancel job' })).toBeNull();
  });
});
