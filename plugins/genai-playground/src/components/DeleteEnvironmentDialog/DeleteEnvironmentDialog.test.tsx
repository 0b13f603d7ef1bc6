import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { genaiPlaygroundApiRef } from '@genai-portal/plugin-genai-playground-react';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { fakeApi, makeEnvironment } from '../../testing/fixtures';
import { DeleteEnvironmentDialog } from './DeleteEnvironmentDialog';

describe('DeleteEnvironmentDialog', () => {
  const environment = makeEnvironment({ name: 'llama-finetune' });

  async function renderDialog(api = fakeApi()) {
    const onDeleted = jest.fn();
    const onClose = jest.fn();
    await renderInTestApp(
      <TestApiProvider apis={[[genaiPlaygroundApiRef, api]]}>
        <DeleteEnvironmentDialog
          open
          environment={environment}
          onClose={onClose}
          onDeleted={onDeleted}
        />
      </TestApiProvider>,
    );
    return { api, onDeleted, onClose };
  }

  it('deletes once the name is typed', async () => {
    const { api, onDeleted, onClose } = await renderDialog();
    const button = screen.getByRole('button', { name: 'Delete' });
    expect(button).toBeDisabled();

    await userEvent.type(
      screen.getByLabelText('Environment name'),
      'llama-finetune',
    );
    expect(button).toBeEnabled();
    await userEvent.click(button);

    await waitFor(() =>
      expect(api.deleteEnvironment).toHaveBeenCalledWith(
        'ml-research-llama-finetune',
      ),
    );
    expect(onDeleted).toHaveBeenCalledWith(
      expect.objectContaining({ status: 'deleting' }),
    );
    expect(onClose).toHaveBeenCalled();
  });

  it('refuses a wrong name', async () => {
    const { api } = await renderDialog();
    await userEvent.type(screen.getByLabelText('Environment name'), 'llama');

    expect(screen.getByText('The name does not match')).toBeInTheDocument();
    const button = screen.getByRole('button', { name: 'Delete' });
    expect(button).toBeDisabled();
    await userEvent.click(button).catch(() => undefined);
    expect(api.deleteEnvironment).not.toHaveBeenCalled();
  });

  it('shows a failure and stays open', async () => {
    const { onClose } = await renderDialog(
      fakeApi({
        deleteEnvironment: jest
          .fn()
          .mockRejectedValue(new Error('not allowed to delete')),
      }),
    );
    await userEvent.type(
      screen.getByLabelText('Environment name'),
      'llama-finetune',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Delete' }));
    expect(
      await screen.findByText('not allowed to delete'),
    ).toBeInTheDocument();
    expect(onClose).not.toHaveBeenCalled();
  });
});
