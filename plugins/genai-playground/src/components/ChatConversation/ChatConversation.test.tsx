import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { ChatConversation } from './ChatConversation';

const model = {
  id: 'llama-8b',
  object: 'model' as const,
  created: 0,
  owned_by: 'genai-playground',
  genai: {
    kind: 'chat' as const,
    gpuPool: 'mi300x' as const,
    pricePer1MInput: 1,
    pricePer1MOutput: 2,
    currency: 'USD',
    source: 'config' as const,
  },
};

describe('ChatConversation', () => {
  it('says so when there is nothing yet', async () => {
    await renderInTestApp(
      <ChatConversation
        title="llama-8b"
        panel={{ turns: [], streaming: false }}
      />,
    );
    expect(screen.getByText('No messages yet.')).toBeInTheDocument();
  });

  it("shows each answer's tokens, cost and speed, and the error", async () => {
    await renderInTestApp(
      <ChatConversation
        title="llama-8b"
        model={model as any}
        panel={{
          streaming: false,
          error: 'Rate limit reached',
          turns: [
            { role: 'user', content: 'Hi' },
            {
              role: 'assistant',
              content: 'Hello',
              usage: {
                prompt_tokens: 10,
                completion_tokens: 5,
                total_tokens: 15,
              },
              timing: { firstTokenMs: 100, totalMs: 1100 },
            },
          ],
        }}
      />,
    );
    expect(screen.getByTestId('turn-user')).toHaveTextContent('Hi');
    expect(screen.getByTestId('turn-assistant')).toHaveTextContent('Hello');
    expect(
      screen.getByText('10 input + 5 output tokens · 0.00002 USD'),
    ).toBeInTheDocument();
    expect(screen.getByTestId('turn-timing')).toHaveTextContent(
      'first token 100 ms · 1.1 s · 4 tokens/s',
    );
    expect(screen.getByText('Rate limit reached')).toBeInTheDocument();
  });
});
