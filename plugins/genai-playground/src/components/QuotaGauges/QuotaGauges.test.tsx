import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { makeEnvironment, withDetails } from '../../testing/fixtures';
import { QuotaGauges } from './QuotaGauges';

describe('QuotaGauges', () => {
  it('shows used versus hard of GPUs, CPU, memory and pods', async () => {
    await renderInTestApp(
      <QuotaGauges environment={withDetails(makeEnvironment())} />,
    );
    expect(screen.getByTestId('gauge-gpus')).toHaveTextContent('2 / 8 GPUs');
    expect(screen.getByTestId('gauge-gpus')).toHaveTextContent('25%');
    expect(screen.getByTestId('gauge-cpu')).toHaveTextContent('4.5 / 32 cores');
    expect(screen.getByTestId('gauge-memoryGi')).toHaveTextContent(
      '64 / 256 GiB',
    );
    expect(screen.getByTestId('gauge-pods')).toHaveTextContent('2 / 20 pods');
  });

  it('shows the sized quota when there is no usage', async () => {
    await renderInTestApp(<QuotaGauges environment={makeEnvironment()} />);
    expect(screen.getByTestId('gauge-gpus')).toHaveTextContent('– / 8 GPUs');
    expect(screen.getAllByText('no usage')).toHaveLength(4);
  });
});
