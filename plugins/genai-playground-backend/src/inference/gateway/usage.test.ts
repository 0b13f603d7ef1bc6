import { findUsage } from './usage';

describe('findUsage', () => {
  it('reads the last top-level usage of an answer', () => {
    const body = Buffer.from(
      JSON.stringify({
        id: 'x',
        choices: [
          {
            message: {
              content: 'a "usage": {"prompt_tokens": 999} inside text',
            },
          },
        ],
        usage: {
          prompt_tokens: 7,
          completion_tokens: 3,
          prompt_tokens_details: { cached_tokens: 1 },
        },
      }),
    );
    expect(findUsage(body)).toEqual({ promptTokens: 7, completionTokens: 3 });
  });

  it('reads embeddings usage (no completion tokens)', () => {
    const body = Buffer.from(
      `{"object":"list","data":[{"embedding":"${'A'.repeat(
        5000,
      )}"}],"usage":{"prompt_tokens":5,"total_tokens":5}}`,
    );
    expect(findUsage(body)).toEqual({ promptTokens: 5, completionTokens: 0 });
  });

  it('is undefined without usage or when it is cut', () => {
    expect(findUsage(Buffer.from('{"id":1}'))).toBeUndefined();
    expect(
      findUsage(Buffer.from('{"usage":{"prompt_tokens":1')),
    ).toBeUndefined();
  });
});
