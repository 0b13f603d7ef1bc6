import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { StatusChip } from './StatusChip';

describe('StatusChip', () => {
  it('shows the label, small by default', async () => {
    await renderInTestApp(
      <StatusChip label="ready" tone="ok" data-testid="chip" />,
    );
    expect(screen.getByTestId('chip')).toHaveTextContent('ready');
    expect(screen.getByTestId('chip').className).toMatch(/MuiChip-sizeSmall/);
  });
});
