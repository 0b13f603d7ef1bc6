import { renderInTestApp } from '@backstage/test-utils';
import { fireEvent, screen } from '@testing-library/react';
import { makeEnvironment, withDetails } from '../../testing/fixtures';
import { EnvironmentQuotaCard } from './EnvironmentQuotaCard';

describe('EnvironmentQuotaCard', () => {
  it('reads the usage again on demand', async () => {
    const onRefresh = jest.fn();
    await renderInTestApp(
      <EnvironmentQuotaCard
        environment={withDetails(makeEnvironment())}
        refreshing={false}
        onRefresh={onRefresh}
      />,
    );
    expect(screen.getByText('Quota')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Refresh usage' }));
    expect(onRefresh).toHaveBeenCalled();
  });
});
