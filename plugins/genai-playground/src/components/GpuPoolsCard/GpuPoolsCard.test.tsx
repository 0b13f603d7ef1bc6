import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { genaiPlaygroundApiRef } from '@genai-portal/plugin-genai-playground-react';
import { screen, within } from '@testing-library/react';
import { fakeApi } from '../../testing/fixtures';
import { GpuPoolsCard } from './GpuPoolsCard';

describe('GpuPoolsCard', () => {
  it('shows capacity, allocated, free and committed GPUs per pool', async () => {
    const api = fakeApi();
    await renderInTestApp(
      <TestApiProvider apis={[[genaiPlaygroundApiRef, api]]}>
        <GpuPoolsCard />
      </TestApiProvider>,
    );

    const mi355x = await screen.findByTestId('pool-mi355x');
    expect(within(mi355x).getByText('AMD Instinct MI355X')).toBeInTheDocument();
    expect(within(mi355x).getByTestId('figure-capacity')).toHaveTextContent(
      '16',
    );
    expect(within(mi355x).getByTestId('figure-allocated')).toHaveTextContent(
      '6',
    );
    expect(within(mi355x).getByTestId('figure-free')).toHaveTextContent('10');
    expect(
      within(mi355x).getByTestId('figure-quota-committed'),
    ).toHaveTextContent('12');
    expect(
      within(mi355x).getByText('6 / 16 GPUs allocated'),
    ).toBeInTheDocument();
    expect(within(mi355x).queryByText(/Quotas promise/)).toBeNull();

    const mi300x = screen.getByTestId('pool-mi300x');
    expect(within(mi300x).getByTestId('figure-capacity')).toHaveTextContent(
      '32',
    );
    expect(
      within(mi300x).getByText('Quotas promise 8 GPUs more than the pool has.'),
    ).toBeInTheDocument();
  });

  it('shows only the pools asked for', async () => {
    await renderInTestApp(
      <TestApiProvider apis={[[genaiPlaygroundApiRef, fakeApi()]]}>
        <GpuPoolsCard pools={['mi300x']} />
      </TestApiProvider>,
    );
    expect(await screen.findByTestId('pool-mi300x')).toBeInTheDocument();
    expect(screen.queryByTestId('pool-mi355x')).toBeNull();
  });

  it('shows errors', async () => {
    const api = fakeApi({
      getPoolUsage: jest.fn().mockRejectedValue(new Error('cluster is down')),
    });
    await renderInTestApp(
      <TestApiProvider apis={[[genaiPlaygroundApiRef, api]]}>
        <GpuPoolsCard />
      </TestApiProvider>,
    );
    expect(
      await screen.findByText('Error: cluster is down', { selector: 'h6' }),
    ).toBeInTheDocument();
  });
});
