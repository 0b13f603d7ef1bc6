import { renderInTestApp } from '@backstage/test-utils';
import { projectMonthlyCost } from '@genai-portal/plugin-genai-playground-common';
import { screen } from '@testing-library/react';
import { settings } from '../../testing/fixtures';
import { CostBreakdown } from './CostBreakdown';

describe('CostBreakdown', () => {
  it('shows each line with its rate and the total', async () => {
    const quota = {
      gpuPool: 'mi300x' as const,
      gpus: 8,
      cpu: 32,
      memoryGi: 256,
      storageGi: 500,
    };
    await renderInTestApp(
      <CostBreakdown
        quota={quota}
        rateCard={settings.rateCard}
        cost={projectMonthlyCost(quota, settings.rateCard)}
      />,
    );
    expect(screen.getByTestId('cost-gpu')).toHaveTextContent(
      '8 × mi300x at USD 3.00/h × 730 h',
    );
    expect(screen.getByTestId('cost-gpu')).toHaveTextContent('USD 17,520.00');
    expect(screen.getByTestId('cost-cpu')).toHaveTextContent('USD 1,168.00');
    expect(screen.getByTestId('cost-memory')).toHaveTextContent('USD 1,868.80');
    expect(screen.getByTestId('cost-storage')).toHaveTextContent('USD 50.00');
    expect(screen.getByTestId('cost-total')).toHaveTextContent('USD 20,606.80');
  });
});
