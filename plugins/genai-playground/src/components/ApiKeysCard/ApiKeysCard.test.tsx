import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import type { ApiKeyWithUsage } from '@genai-portal/plugin-genai-playground-common';
import { genaiPlaygroundApiRef } from '@genai-portal/plugin-genai-playground-react';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { fakeApi } from '../../testing/fixtures';
import { ApiKeysCard } from './ApiKeysCard';
import { validateApiKeyForm } from './CreateApiKeyDialog';

function makeKey(overrides: Partial<ApiKeyWithUsage> = {}): ApiKeyWithUsage {
  return {
    id: 'k1',
    prefix: 'gpk-AbCd1234',
    name: 'ci-evals',
    environmentId: 'ml-research-llama',
    team: 'group:default/ml-research',
    models: ['llama-8b'],
    rpm: 60,
    tpm: 100000,
    monthlyBudget: 100,
    currency: 'USD',
    createdBy: 'user:default/guest',
    createdAt: '2026-11-01T00:00:00Z',
    expiresAt: '2026-12-01T00:00:00Z',
    status: 'active',
    usage: {
      month: '2026-11',
      requests: 1200,
      inputTokens: 30000,
      outputTokens: 12000,
      cost: 42.5,
    },
    ...overrides,
  };
}

async function renderCard(keysApi: Record<string, jest.Mock>) {
  const listModels = jest.fn().mockResolvedValue({
    data: [{ id: 'llama-8b' }, { id: 'qwen-7b' }],
  });
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [genaiPlaygroundApiRef, { ...fakeApi({ listModels }), ...keysApi }],
      ]}
    >
      <ApiKeysCard environmentId="ml-research-llama" currency="USD" />
    </TestApiProvider>,
  );
}

describe('validateApiKeyForm', () => {
  it('explains what is wrong', () => {
    expect(
      validateApiKeyForm({
        name: ' ',
        models: [],
        rpm: '1.5',
        tpm: '2000000000',
        monthlyBudget: '-1',
      }),
    ).toEqual({
      name: 'Give the key a name, e.g. what it is for',
      rpm: 'Requests per minute must be a whole number of at least 1',
      tpm: 'Tokens per minute must be at most 1,000,000,000',
      monthlyBudget: 'The budget must be a number of 0 or more',
    });
    expect(
      validateApiKeyForm({
        name: 'ok',
        models: [],
        rpm: '',
        tpm: '',
        monthlyBudget: '',
      }),
    ).toEqual({});
  });
});

describe('ApiKeysCard', () => {
  it('lists keys with scope, limits, usage against the budget and status', async () => {
    await renderCard({
      listApiKeys: jest.fn().mockResolvedValue({
        items: [
          makeKey(),
          makeKey({
            id: 'k2',
            name: 'old',
            models: [],
            monthlyBudget: undefined,
            status: 'revoked',
            revokedAt: '2026-11-10T00:00:00Z',
          }),
        ],
      }),
    });
    expect(await screen.findByText('ci-evals')).toBeInTheDocument();
    expect(screen.getAllByText('gpk-AbCd1234')).toHaveLength(2);
    expect(screen.getByText('llama-8b')).toBeInTheDocument();
    expect(screen.getByText('All models')).toBeInTheDocument();
    expect(screen.getAllByText('60 RPM · 100,000 TPM')).toHaveLength(2);
    expect(screen.getByText('USD 42.50 of USD 100.00')).toBeInTheDocument();
    expect(
      screen.getByRole('progressbar', { name: 'USD 42.50 of USD 100.00' }),
    ).toHaveAttribute('aria-valuenow', '43');
    expect(screen.getByText('USD 42.50 (no budget)')).toBeInTheDocument();
    expect(screen.getByText('revoked')).toBeInTheDocument();
    // Only the active key can be revoked.
    expect(screen.getAllByRole('button', { name: /^Revoke/ })).toHaveLength(1);
  });

  it('creates a key with validation and shows the secret once', async () => {
    const createApiKey = jest
      .fn()
      .mockResolvedValue({ ...makeKey({ id: 'k3' }), key: 'gpk-secret-123' });
    const listApiKeys = jest.fn().mockResolvedValue({ items: [] });
    await renderCard({ listApiKeys, createApiKey });
    expect(await screen.findByText('No API keys yet.')).toBeInTheDocument();

    fireEvent.click(screen.getByRole('button', { name: 'Create key' }));
    const dialog = await screen.findByRole('dialog');
    expect(await within(dialog).findByLabelText('qwen-7b')).toBeInTheDocument();

    fireEvent.change(within(dialog).getByLabelText('Requests per minute'), {
      target: { value: '0' },
    });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create' }));
    expect(
      await within(dialog).findByText(
        'Give the key a name, e.g. what it is for',
      ),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByText(
        'Requests per minute must be a whole number of at least 1',
      ),
    ).toBeInTheDocument();
    expect(createApiKey).not.toHaveBeenCalled();

    fireEvent.change(within(dialog).getByLabelText(/^Name/), {
      target: { value: 'ci-evals' },
    });
    fireEvent.change(within(dialog).getByLabelText('Requests per minute'), {
      target: { value: '120' },
    });
    fireEvent.change(within(dialog).getByLabelText('Monthly budget (USD)'), {
      target: { value: '50' },
    });
    fireEvent.click(within(dialog).getByLabelText('qwen-7b'));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create' }));

    expect(await screen.findByTestId('api-key-secret')).toHaveTextContent(
      'gpk-secret-123',
    );
    expect(createApiKey).toHaveBeenCalledWith('ml-research-llama', {
      name: 'ci-evals',
      models: ['qwen-7b'],
      rpm: 120,
      monthlyBudget: 50,
    });
    expect(screen.getByText(/shown only once/)).toBeInTheDocument();
    expect(listApiKeys).toHaveBeenCalledTimes(1);

    fireEvent.click(screen.getByRole('button', { name: 'Done' }));
    await waitFor(() =>
      expect(screen.queryByTestId('api-key-secret')).not.toBeInTheDocument(),
    );
    await waitFor(() => expect(listApiKeys).toHaveBeenCalledTimes(2));
  });

  it('revokes a key after confirmation and shows a failure', async () => {
    const revokeApiKey = jest
      .fn()
      .mockRejectedValueOnce(new Error('not allowed to revoke'))
      .mockResolvedValueOnce(makeKey({ status: 'revoked' }));
    const listApiKeys = jest.fn().mockResolvedValue({ items: [makeKey()] });
    await renderCard({ listApiKeys, revokeApiKey });

    fireEvent.click(
      await screen.findByRole('button', { name: 'Revoke ci-evals' }),
    );
    expect(await screen.findByText('Revoke key ci-evals?')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Revoke key' }));
    expect(
      await screen.findByText('not allowed to revoke'),
    ).toBeInTheDocument();

    fireEvent.click(screen.getByRole('button', { name: 'Revoke key' }));
    await waitFor(() =>
      expect(
        screen.queryByText('Revoke key ci-evals?'),
      ).not.toBeInTheDocument(),
    );
    expect(revokeApiKey).toHaveBeenLastCalledWith('ml-research-llama', 'k1');
    expect(listApiKeys).toHaveBeenCalledTimes(2);
  });
});
