import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { makeEnvironment, withDetails } from '../../testing/fixtures';
import { EnvironmentHeader } from './EnvironmentHeader';

describe('EnvironmentHeader', () => {
  it('names the environment, its status and its catalog entity', async () => {
    const environment = withDetails(makeEnvironment());
    await renderInTestApp(<EnvironmentHeader environment={environment} />);
    expect(
      screen.getByRole('heading', { name: environment.name }),
    ).toBeInTheDocument();
    expect(
      screen.getByTestId(`status-${environment.status}`),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: `resource:${environment.namespace}` }),
    ).toHaveAttribute(
      'href',
      `/catalog/default/resource/${environment.namespace}`,
    );
  });
});
