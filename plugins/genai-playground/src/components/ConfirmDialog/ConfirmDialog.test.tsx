import { renderInTestApp } from '@backstage/test-utils';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { useConfirmAction } from '../../hooks/useConfirmAction';
import { ConfirmDialog } from './ConfirmDialog';

function Harness(props: { action: () => Promise<void>; onClose: () => void }) {
  const { busy, failure, confirm } = useConfirmAction(true, props.action);
  return (
    <ConfirmDialog
      open
      title="Remove it?"
      cancelLabel="Keep"
      confirmLabel="Remove"
      confirmColor="secondary"
      busy={busy}
      failure={failure}
      onConfirm={confirm}
      onClose={props.onClose}
    >
      It cannot be undone.
    </ConfirmDialog>
  );
}

describe('ConfirmDialog', () => {
  it('runs the action and shows why it failed', async () => {
    const action = jest
      .fn()
      .mockRejectedValueOnce(new Error('quota exceeded'))
      .mockResolvedValueOnce(undefined);
    const onClose = jest.fn();
    await renderInTestApp(<Harness action={action} onClose={onClose} />);
    expect(screen.getByText('Remove it?')).toBeInTheDocument();
    expect(screen.getByText('It cannot be undone.')).toBeInTheDocument();

    fireEvent.click(screen.getByRole('button', { name: 'Remove' }));
    expect(await screen.findByText('quota exceeded')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Remove' }));
    await waitFor(() =>
      expect(screen.queryByText('quota exceeded')).not.toBeInTheDocument(),
    );
    expect(action).toHaveBeenCalledTimes(2);

    fireEvent.click(screen.getByRole('button', { name: 'Keep' }));
    expect(onClose).toHaveBeenCalled();
  });
});
