import { renderInTestApp } from '@backstage/test-utils';
import { fireEvent, screen } from '@testing-library/react';
import { ChatComposer } from './ChatComposer';

function setup(props: { canSend?: boolean; streaming?: boolean } = {}) {
  const handlers = { onSend: jest.fn(), onStop: jest.fn(), onClear: jest.fn() };
  return renderInTestApp(
    <ChatComposer
      canSend={props.canSend ?? true}
      streaming={props.streaming ?? false}
      {...handlers}
    />,
  ).then(() => handlers);
}

describe('ChatComposer', () => {
  it('sends the trimmed message on Enter and empties the box', async () => {
    const { onSend } = await setup();
    const box = screen.getByLabelText('Message');
    fireEvent.change(box, { target: { value: '  Hi there ' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(onSend).toHaveBeenCalledWith('Hi there');
    expect(box).toHaveValue('');
  });

  it('does not send while it may not', async () => {
    const { onSend } = await setup({ canSend: false });
    fireEvent.change(screen.getByLabelText('Message'), {
      target: { value: 'Hi' },
    });
    expect(screen.getByRole('button', { name: 'Send' })).toBeDisabled();
    fireEvent.keyDown(screen.getByLabelText('Message'), { key: 'Enter' });
    expect(onSend).not.toHaveBeenCalled();
  });

  it('offers Stop while streaming, Clear otherwise', async () => {
    const { onStop } = await setup({ streaming: true });
    expect(screen.getByRole('button', { name: 'Clear' })).toBeDisabled();
    fireEvent.click(screen.getByRole('button', { name: 'Stop' }));
    expect(onStop).toHaveBeenCalled();
  });
});
