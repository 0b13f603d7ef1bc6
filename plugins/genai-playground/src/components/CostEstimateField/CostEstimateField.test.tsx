import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { genaiPlaygroundApiRef } from '@genai-portal/plugin-genai-playground-react';
import { screen, waitFor } from '@testing-library/react';
import { ReactElement } from 'react';
import { fakeApi, teamQuota } from '../../testing/fixtures';
import { GenaiCostEstimateField, readCostInput } from './CostEstimateField';

function fieldProps(formData: Record<string, unknown>, onChange = jest.fn()) {
  return {
    formContext: { formData },
    onChange,
    formData: undefined,
    schema: { type: 'string', title: 'Projected monthly cost' },
    uiSchema: {},
    idSchema: { $id: 'root_costEstimate' },
    name: 'costEstimate',
    disabled: false,
    readonly: true,
    required: false,
    onBlur: jest.fn(),
    onFocus: jest.fn(),
    registry: {},
    rawErrors: [],
  } as any;
}

describe('readCostInput', () => {
  it('reads numbers and numeric strings, zero when missing', () => {
    expect(
      readCostInput({ gpuPool: 'mi355x', gpus: '2', cpu: 8, memoryGi: '' }),
    ).toEqual({
      gpuPool: 'mi355x',
      gpus: 2,
      cpu: 8,
      memoryGi: 0,
      storageGi: 0,
    });
  });

  it('waits for a known pool', () => {
    expect(readCostInput({ gpus: 2 })).toBeUndefined();
    expect(readCostInput({ gpuPool: 'h100', gpus: 2 })).toBeUndefined();
  });
});

describe('GenaiCostEstimateField', () => {
  async function renderField(
    api: ReturnType<typeof fakeApi>,
    element: ReactElement,
  ) {
    const wrap = (child: ReactElement) => (
      <TestApiProvider apis={[[genaiPlaygroundApiRef, api]]}>
        {child}
      </TestApiProvider>
    );
    const rendered = await renderInTestApp(wrap(element));
    return {
      rerender: (next: ReactElement) => rendered.rerender(wrap(next)),
    };
  }

  it('prices the form data with the rate card and sets its value to the total', async () => {
    const api = fakeApi();
    const onChange = jest.fn();
    await renderField(
      api,
      <GenaiCostEstimateField
        {...fieldProps(
          {
            gpuPool: 'mi300x',
            gpus: 8,
            cpu: 32,
            memoryGi: 256,
            storageGi: 500,
          },
          onChange,
        )}
      />,
    );

    expect(await screen.findByTestId('cost-estimate-total')).toHaveTextContent(
      'USD 20,606.80 / month',
    );
    expect(screen.getByTestId('cost-gpu')).toHaveTextContent('USD 17,520.00');
    expect(screen.getByTestId('cost-cpu')).toHaveTextContent('USD 1,168.00');
    expect(screen.getByTestId('cost-memory')).toHaveTextContent('USD 1,868.80');
    expect(screen.getByTestId('cost-storage')).toHaveTextContent('USD 50.00');
    await waitFor(() =>
      expect(onChange).toHaveBeenCalledWith('USD 20,606.80 / month'),
    );
  });

  it('updates as the other fields change', async () => {
    const api = fakeApi();
    const onChange = jest.fn();
    const { rerender } = await renderField(
      api,
      <GenaiCostEstimateField
        {...fieldProps({ gpuPool: 'mi355x' }, onChange)}
      />,
    );
    expect(await screen.findByTestId('cost-estimate-total')).toHaveTextContent(
      'USD 0.00 / month',
    );

    rerender(
      <GenaiCostEstimateField
        {...fieldProps({ gpuPool: 'mi355x', gpus: '1' }, onChange)}
      />,
    );
    // 1 GPU × USD 4/h × 730 h
    expect(await screen.findByText('USD 2,920.00 / month')).toBeInTheDocument();

    rerender(
      <GenaiCostEstimateField
        {...fieldProps({ gpuPool: 'mi355x', gpus: 3, cpu: 4 }, onChange)}
      />,
    );
    // 3 × 4 × 730 + 4 × 0.05 × 730
    expect(await screen.findByText('USD 8,906.00 / month')).toBeInTheDocument();
    await waitFor(() =>
      expect(onChange).toHaveBeenLastCalledWith('USD 8,906.00 / month'),
    );
    expect(api.getSettings).toHaveBeenCalledTimes(1);
  });

  it('asks for a pool before pricing', async () => {
    const onChange = jest.fn();
    await renderField(
      fakeApi(),
      <GenaiCostEstimateField {...fieldProps({ gpus: 2 }, onChange)} />,
    );
    expect(await screen.findByTestId('cost-waiting')).toBeInTheDocument();
    expect(onChange).not.toHaveBeenCalled();
  });

  it("warns, without blocking, when the GPUs exceed the team's cap", async () => {
    const api = fakeApi();
    await renderField(
      api,
      <GenaiCostEstimateField
        {...fieldProps({
          gpuPool: 'mi300x',
          gpus: 6,
          team: 'group:default/genai-apps',
        })}
      />,
    );
    expect(await screen.findByTestId('team-cap-warning')).toHaveTextContent(
      "6 GPUs is more than genai-apps's cap of 4 GPUs",
    );
    expect(screen.getByTestId('cost-estimate-total')).toBeInTheDocument();
  });

  it("warns when the team's environments already hold most of the cap", async () => {
    const api = fakeApi({
      getTeamQuotas: jest.fn().mockResolvedValue({ items: [teamQuota] }),
    });
    await renderField(
      api,
      <GenaiCostEstimateField
        {...fieldProps({
          gpuPool: 'mi300x',
          gpus: 8,
          team: 'group:default/ml-research',
        })}
      />,
    );
    // cap 16, already 12 committed
    expect(await screen.findByTestId('team-cap-warning')).toHaveTextContent(
      "ml-research's environments already hold 12 of its 16 GPUs",
    );
    expect(api.getTeamQuotas).toHaveBeenCalledWith({
      team: 'group:default/ml-research',
    });
  });

  it('does not warn within the cap', async () => {
    const api = fakeApi({
      getTeamQuotas: jest.fn().mockResolvedValue({ items: [] }),
    });
    await renderField(
      api,
      <GenaiCostEstimateField
        {...fieldProps({ gpuPool: 'mi300x', gpus: 8, team: 'ml-research' })}
      />,
    );
    await screen.findByTestId('cost-estimate-total');
    await waitFor(() => expect(api.getTeamQuotas).toHaveBeenCalled());
    expect(screen.queryByTestId('team-cap-warning')).toBeNull();
  });

  it('shows a rate card failure', async () => {
    await renderField(
      fakeApi({ getSettings: jest.fn().mockRejectedValue(new Error('503')) }),
      <GenaiCostEstimateField {...fieldProps({ gpuPool: 'mi300x' })} />,
    );
    expect(
      await screen.findByText('The rate card could not be loaded: 503'),
    ).toBeInTheDocument();
  });
});
