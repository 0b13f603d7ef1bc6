import { renderInTestApp } from '@backstage/test-utils';
import { fireEvent, screen } from '@testing-library/react';
import { CreatedApiKeyDialog } from './CreatedApiKeyDialog';

describe('CreatedApiKeyDialog', () => {
  it('shows the secret once and closes on Done', async () => {
    const onClose = jest.fn();
    await renderInTestApp(
      <CreatedApiKeyDialog
        created={{ name: 'ci-evals', key: 'gpk-secret' } as any}
        onClose={onClose}
      />,
    );
    expect(screen.getByText('Key ci-evals created')).toBeInTheDocument();
    expect(screen.getByText(/shown only once/)).toBeInTheDocument();
    expect(screen.getByTestId('api-key-secret')).toHaveTextContent(
      'gpk-secret',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Done' }));
    expect(onClose).toHaveBeenCalled();
  });
});
