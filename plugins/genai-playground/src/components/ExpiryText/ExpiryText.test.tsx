import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { ExpiryText } from './ExpiryText';

const inHours = (hours: number) =>
  new Date(Date.now() + hours * 3600_000 + 60_000).toISOString();

describe('ExpiryText', () => {
  it('shows a far expiry plainly', async () => {
    await renderInTestApp(<ExpiryText expiresAt={inHours(72)} />);
    expect(screen.getByTestId('expiry')).toHaveTextContent('in 3 days');
  });

  it('marks an expiry within 24 hours', async () => {
    await renderInTestApp(<ExpiryText expiresAt={inHours(5)} />);
    expect(screen.getByTestId('expiry-soon')).toHaveTextContent('in 5 hours');
  });

  it('says when a lease has expired', async () => {
    await renderInTestApp(<ExpiryText expiresAt={inHours(-3)} />);
    expect(screen.getByTestId('expiry-soon')).toHaveTextContent(
      'expired 2 hours ago',
    );
  });
});
