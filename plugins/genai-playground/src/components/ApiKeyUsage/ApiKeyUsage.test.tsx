import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { ApiKeyUsage } from './ApiKeyUsage';

const usage = {
  month: '2026-11',
  requests: 1200,
  inputTokens: 30000,
  outputTokens: 12000,
  cost: 42.5,
};

describe('ApiKeyUsage', () => {
  it('shows the spend against the budget, requests and tokens', async () => {
    await renderInTestApp(
      <ApiKeyUsage
        apiKey={{ usage, monthlyBudget: 100, currency: 'USD' } as any}
      />,
    );
    expect(screen.getByRole('progressbar')).toHaveAttribute(
      'aria-valuenow',
      '43',
    );
    expect(
      screen.getByText('1,200 requests · 42,000 tokens'),
    ).toBeInTheDocument();
  });

  it('says when there is no budget', async () => {
    await renderInTestApp(
      <ApiKeyUsage apiKey={{ usage, currency: 'USD' } as any} />,
    );
    expect(screen.getByText(/\(no budget\)/)).toBeInTheDocument();
  });
});
