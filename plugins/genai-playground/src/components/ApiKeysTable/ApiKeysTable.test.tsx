import { renderInTestApp } from '@backstage/test-utils';
import { fireEvent, screen } from '@testing-library/react';
import { ApiKeysTable } from './ApiKeysTable';

const key = {
  id: 'k1',
  prefix: 'gpk-AbCd1234',
  name: 'ci-evals',
  models: [],
  rpm: 60,
  tpm: 100000,
  currency: 'USD',
  expiresAt: '2026-12-01T00:00:00Z',
  status: 'active',
  usage: { requests: 0, inputTokens: 0, outputTokens: 0, cost: 0 },
} as any;

describe('ApiKeysTable', () => {
  it('lists keys and offers Revoke for active ones only', async () => {
    const onRevoke = jest.fn();
    await renderInTestApp(
      <ApiKeysTable
        keys={[key, { ...key, id: 'k2', name: 'old', status: 'revoked' }]}
        onRevoke={onRevoke}
      />,
    );
    expect(screen.getAllByText('All models')).toHaveLength(2);
    expect(screen.getAllByText('60 RPM · 100,000 TPM')).toHaveLength(2);
    expect(screen.getAllByRole('button', { name: /^Revoke/ })).toHaveLength(1);
    fireEvent.click(screen.getByRole('button', { name: 'Revoke ci-evals' }));
    expect(onRevoke).toHaveBeenCalledWith(key);
  });
});
