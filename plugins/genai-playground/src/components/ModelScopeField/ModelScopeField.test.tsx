import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { genaiPlaygroundApiRef } from '@genai-portal/plugin-genai-playground-react';
import { fireEvent, screen } from '@testing-library/react';
import { fakeApi } from '../../testing/fixtures';
import { ModelScopeField } from './ModelScopeField';

async function render(value: string[], onChange: jest.Mock) {
  const api = fakeApi({
    listModels: jest
      .fn()
      .mockResolvedValue({ data: [{ id: 'llama-8b' }, { id: 'qwen-7b' }] }),
  });
  await renderInTestApp(
    <TestApiProvider apis={[[genaiPlaygroundApiRef, api]]}>
      <ModelScopeField value={value} onChange={onChange} />
    </TestApiProvider>,
  );
}

describe('ModelScopeField', () => {
  it("checks and unchecks the gateway's models", async () => {
    const onChange = jest.fn();
    await render(['llama-8b'], onChange);
    const qwen = await screen.findByRole('checkbox', { name: 'qwen-7b' });
    expect(screen.getByRole('checkbox', { name: 'llama-8b' })).toBeChecked();
    fireEvent.click(qwen);
    expect(onChange).toHaveBeenLastCalledWith(['llama-8b', 'qwen-7b']);
    fireEvent.click(screen.getByRole('checkbox', { name: 'llama-8b' }));
    expect(onChange).toHaveBeenLastCalledWith([]);
  });
});
