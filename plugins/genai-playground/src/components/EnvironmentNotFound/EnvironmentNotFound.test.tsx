import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { rootRouteRef } from '../../routes';
import { EnvironmentNotFound } from './EnvironmentNotFound';

describe('EnvironmentNotFound', () => {
  it('says so and leads back to the list', async () => {
    await renderInTestApp(<EnvironmentNotFound id="nope" />, {
      mountedRoutes: { '/genai-playground/environments': rootRouteRef },
    });
    expect(screen.getByText('Environment nope not found')).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Back to the environments' }),
    ).toHaveAttribute('href', '/genai-playground/environments');
  });
});
