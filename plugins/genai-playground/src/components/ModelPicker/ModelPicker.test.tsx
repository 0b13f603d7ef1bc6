import { renderInTestApp } from '@backstage/test-utils';
import { fireEvent, screen } from '@testing-library/react';
import { ModelPicker } from './ModelPicker';

describe('ModelPicker', () => {
  it('offers the models and reports the one picked', async () => {
    const onChange = jest.fn();
    const models = [{ id: 'llama-8b' }, { id: 'qwen-7b' }] as any;
    await renderInTestApp(
      <ModelPicker
        label="Model B"
        models={models}
        value="llama-8b"
        onChange={onChange}
      />,
    );
    expect(screen.getByLabelText('Model B')).toHaveValue('llama-8b');
    fireEvent.change(screen.getByLabelText('Model B'), {
      target: { value: 'qwen-7b' },
    });
    expect(onChange).toHaveBeenCalledWith('qwen-7b');
  });
});
