import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { makeEnvironment } from '../../testing/fixtures';
import { JobEnvironmentField } from './JobEnvironmentField';

describe('JobEnvironmentField', () => {
  it('shows the environment picked', async () => {
    const environment = makeEnvironment();
    await renderInTestApp(
      <JobEnvironmentField
        environments={[environment]}
        value={environment.id}
        onChange={() => {}}
      />,
    );
    expect(screen.getByTestId('job-environment-field')).toHaveTextContent(
      environment.id,
    );
  });

  it('says to create an environment when there is none', async () => {
    await renderInTestApp(
      <JobEnvironmentField environments={[]} value="" onChange={() => {}} />,
    );
    expect(
      screen.getByText(/You have no ready environment on an allowed pool/),
    ).toBeInTheDocument();
  });

  it('names what is wrong', async () => {
    await renderInTestApp(
      <JobEnvironmentField
        environments={[]}
        value=""
        onChange={() => {}}
        error="Pick an environment"
      />,
    );
    expect(screen.getByText('Pick an environment')).toBeInTheDocument();
  });
});
