import { discoveryApiRef } from '@backstage/core-plugin-api';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { ViewCodeDialog } from './ViewCodeDialog';

const baseUrl = 'http://backstage.test/api/genai-playground';

describe('ViewCodeDialog', () => {
  it('gives the call as curl and as TypeScript', async () => {
    await renderInTestApp(
      <TestApiProvider
        apis={[[discoveryApiRef, { getBaseUrl: async () => baseUrl }]]}
      >
        <ViewCodeDialog
          open
          onClose={() => {}}
          model="llama-8b"
          systemPrompt="Be brief."
          params={{ temperature: 0.7, top_p: 1, max_tokens: 512 }}
        />
      </TestApiProvider>,
    );
    expect(screen.getByText('Call llama-8b from code')).toBeInTheDocument();
    await waitFor(() =>
      expect(document.body.textContent).toContain(
        `curl ${baseUrl}/v1/chat/completions`,
      ),
    );
    fireEvent.click(screen.getByRole('tab', { name: 'TypeScript' }));
    await waitFor(() =>
      expect(document.body.textContent).toContain(`baseURL: '${baseUrl}/v1'`),
    );
  });
});
