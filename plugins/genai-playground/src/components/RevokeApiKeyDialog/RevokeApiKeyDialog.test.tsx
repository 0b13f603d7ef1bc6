import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { genaiPlaygroundApiRef } from '@genai-portal/plugin-genai-playground-react';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { fakeApi } from '../../testing/fixtures';
import { RevokeApiKeyDialog } from './RevokeApiKeyDialog';

describe('RevokeApiKeyDialog', () => {
  it('revokes the key once confirmed', async () => {
    const revokeApiKey = jest.fn().mockResolvedValue({});
    const onRevoked = jest.fn();
    await renderInTestApp(
      <TestApiProvider
        apis={[[genaiPlaygroundApiRef, fakeApi({ revokeApiKey })]]}
      >
        <RevokeApiKeyDialog
          environmentId="env-1"
          apiKey={{ id: 'k1', name: 'ci-evals', prefix: 'gpk-AbCd' }}
          onClose={() => {}}
          onRevoked={onRevoked}
        />
      </TestApiProvider>,
    );
    expect(
      screen.getByText(/Calls with gpk-AbCd… will be refused/),
    ).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Revoke key' }));
    await waitFor(() => expect(onRevoked).toHaveBeenCalled());
    expect(revokeApiKey).toHaveBeenCalledWith('env-1', 'k1');
  });
});
