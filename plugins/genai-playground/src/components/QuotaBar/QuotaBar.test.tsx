import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { QuotaBar } from './QuotaBar';

describe('QuotaBar', () => {
  it('shows used and hard with the unit', async () => {
    await renderInTestApp(
      <QuotaBar label="Memory" used={64} hard={256} unit="GiB" />,
    );
    expect(screen.getByText('64 / 256 GiB')).toBeInTheDocument();
    const bar = screen.getByRole('progressbar', {
      name: 'Memory 64 / 256 GiB',
    });
    expect(bar).toHaveAttribute('aria-valuenow', '25');
  });

  it('shows a dash while usage is unknown', async () => {
    await renderInTestApp(<QuotaBar label="GPU" hard={8} />);
    expect(screen.getByText('– / 8')).toBeInTheDocument();
    expect(screen.getByRole('progressbar')).toHaveAttribute(
      'aria-valuenow',
      '0',
    );
  });

  it('caps the bar at 100 %', async () => {
    await renderInTestApp(<QuotaBar label="GPU" used={12} hard={8} />);
    expect(screen.getByRole('progressbar')).toHaveAttribute(
      'aria-valuenow',
      '100',
    );
  });
});
