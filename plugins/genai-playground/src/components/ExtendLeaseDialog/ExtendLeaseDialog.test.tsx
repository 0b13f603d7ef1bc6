import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { ResponseError } from '@backstage/errors';
import { genaiPlaygroundApiRef } from '@genai-portal/plugin-genai-playground-react';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { fakeApi, makeEnvironment } from '../../testing/fixtures';
import { ExtendLeaseDialog, validateHours } from './ExtendLeaseDialog';

describe('validateHours', () => {
  it.each([
    ['24', 336, undefined],
    ['336', 336, undefined],
    ['337', 336, 'At most 336 hours'],
    ['0', 336, 'At least 1 hour'],
    ['-5', 336, 'At least 1 hour'],
    ['1.5', 336, 'Whole hours only'],
    ['', 336, 'Enter a number of hours'],
  ])('%p with max %p: %p', (text, max, expected) => {
    expect(validateHours(text, max)).toBe(expected);
  });
});

describe('ExtendLeaseDialog', () => {
  const environment = makeEnvironment();

  async function renderDialog(api = fakeApi()) {
    const onExtended = jest.fn();
    const onClose = jest.fn();
    await renderInTestApp(
      <TestApiProvider apis={[[genaiPlaygroundApiRef, api]]}>
        <ExtendLeaseDialog
          open
          environment={environment}
          maxTtlHours={336}
          defaultTtlHours={72}
          onClose={onClose}
          onExtended={onExtended}
        />
      </TestApiProvider>,
    );
    return { api, onExtended, onClose };
  }

  it('extends by the hours entered', async () => {
    const { api, onExtended, onClose } = await renderDialog();
    const input = screen.getByLabelText('Hours from now');
    expect(input).toHaveValue(72);

    await userEvent.clear(input);
    await userEvent.type(input, '48');
    await userEvent.click(screen.getByRole('button', { name: 'Extend' }));

    await waitFor(() =>
      expect(api.extendEnvironment).toHaveBeenCalledWith(environment.id, {
        ttlHours: 48,
      }),
    );
    expect(onExtended).toHaveBeenCalledWith(environment);
    expect(onClose).toHaveBeenCalled();
  });

  it('refuses more hours than the longest lease', async () => {
    const { api } = await renderDialog();
    const input = screen.getByLabelText('Hours from now');
    await userEvent.clear(input);
    await userEvent.type(input, '400');

    expect(screen.getByText('At most 336 hours')).toBeInTheDocument();
    const extend = screen.getByRole('button', { name: 'Extend' });
    expect(extend).toBeDisabled();
    await userEvent.type(input, '{enter}');
    expect(api.extendEnvironment).not.toHaveBeenCalled();
  });

  it('refuses zero hours', async () => {
    const { api } = await renderDialog();
    const input = screen.getByLabelText('Hours from now');
    await userEvent.clear(input);
    await userEvent.type(input, '0');
    expect(screen.getByText('At least 1 hour')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Extend' })).toBeDisabled();
    expect(api.extendEnvironment).not.toHaveBeenCalled();
  });

  it("shows the backend's refusal and stays open", async () => {
    const response = new Response(
      JSON.stringify({
        error: {
          name: 'ConflictError',
          message: 'environment is being deleted',
        },
        response: { statusCode: 409 },
      }),
      { status: 409, headers: { 'Content-Type': 'application/json' } },
    );
    const error = await ResponseError.fromResponse(response);
    const { onClose, onExtended } = await renderDialog(
      fakeApi({ extendEnvironment: jest.fn().mockRejectedValue(error) }),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Extend' }));

    expect(
      await screen.findByText('environment is being deleted'),
    ).toBeInTheDocument();
    expect(onExtended).not.toHaveBeenCalled();
    expect(onClose).not.toHaveBeenCalled();
  });
});
