import { renderInTestApp } from '@backstage/test-utils';
import { fireEvent, screen } from '@testing-library/react';
import { useChatParams } from '../../hooks/useChatParams';
import { makeEnvironment } from '../../testing/fixtures';
import {
  InferenceSettings,
  InferenceSettingsValues,
} from './InferenceSettings';

const models = [{ id: 'llama-8b' }, { id: 'qwen-7b' }] as any;

function Settings(props: {
  values: InferenceSettingsValues;
  onChange: jest.Mock;
  onViewCode: jest.Mock;
}) {
  const paramsForm = useChatParams();
  return (
    <InferenceSettings
      models={models}
      environments={[
        makeEnvironment({ id: 'env-a', name: 'a' }),
        makeEnvironment({ id: 'env-gone', name: 'gone', status: 'deleted' }),
      ]}
      paramsForm={paramsForm}
      {...props}
    />
  );
}

const values: InferenceSettingsValues = {
  modelIds: ['llama-8b', 'qwen-7b'],
  compare: true,
  environment: '',
  systemPrompt: '',
};

describe('InferenceSettings', () => {
  it('edits models, environment and prompt, and opens the code', async () => {
    const onChange = jest.fn();
    const onViewCode = jest.fn();
    await renderInTestApp(
      <Settings values={values} onChange={onChange} onViewCode={onViewCode} />,
    );
    expect(screen.getByLabelText('Model A')).toHaveValue('llama-8b');
    fireEvent.change(screen.getByLabelText('Model B'), {
      target: { value: 'llama-8b' },
    });
    expect(onChange).toHaveBeenLastCalledWith({
      modelIds: ['llama-8b', 'llama-8b'],
    });
    // deleted environments cannot be charged
    expect(
      screen.getByRole('option', { name: 'a (env-a)' }),
    ).toBeInTheDocument();
    expect(screen.queryByRole('option', { name: /env-gone/ })).toBeNull();
    fireEvent.change(screen.getByLabelText('Environment (charged)'), {
      target: { value: 'env-a' },
    });
    expect(onChange).toHaveBeenLastCalledWith({ environment: 'env-a' });
    fireEvent.change(screen.getByLabelText('System prompt'), {
      target: { value: 'Be brief.' },
    });
    expect(onChange).toHaveBeenLastCalledWith({ systemPrompt: 'Be brief.' });
    fireEvent.click(screen.getByLabelText('Compare two models'));
    expect(onChange).toHaveBeenLastCalledWith({ compare: false });
    fireEvent.click(screen.getByRole('button', { name: 'View code' }));
    expect(onViewCode).toHaveBeenCalled();
  });
});
