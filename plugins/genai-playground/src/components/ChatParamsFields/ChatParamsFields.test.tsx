import { renderInTestApp } from '@backstage/test-utils';
import { fireEvent, screen } from '@testing-library/react';
import { useChatParams } from '../../hooks/useChatParams';
import { ChatParamsFields } from './ChatParamsFields';

function Form() {
  const form = useChatParams();
  return (
    <>
      <ChatParamsFields form={form} />
      <span data-testid="invalid">{String(form.invalid)}</span>
    </>
  );
}

describe('ChatParamsFields', () => {
  it('starts valid and names what is wrong with a value', async () => {
    await renderInTestApp(<Form />);
    expect(screen.getByLabelText('Temperature')).toHaveValue(0.7);
    expect(screen.getByLabelText('Top P')).toHaveValue(1);
    expect(screen.getByLabelText('Max tokens')).toHaveValue(512);
    expect(screen.getByTestId('invalid')).toHaveTextContent('false');

    fireEvent.change(screen.getByLabelText('Temperature'), {
      target: { value: '3' },
    });
    fireEvent.change(screen.getByLabelText('Max tokens'), {
      target: { value: '1.5' },
    });
    expect(screen.getByText('Between 0 and 2')).toBeInTheDocument();
    expect(
      screen.getByText('A whole number of at least 1'),
    ).toBeInTheDocument();
    expect(screen.getByTestId('invalid')).toHaveTextContent('true');
  });
});
