import { countTokens, renderChatTemplate, tokenize } from './tokenizer';

describe('tokenizer', () => {
  it('counts words by 4-character pieces, symbols and special tokens as one', () => {
    expect(tokenize('Hello there')).toEqual(['Hell', 'o', ' ther', 'e']);
    expect(tokenize('a, b.')).toEqual(['a', ',', ' b', '.']);
    expect(tokenize('<|im_start|>user\nhi<|im_end|>\n')).toEqual([
      '<|im_start|>',
      'user',
      '\nhi',
      '<|im_end|>',
      '\n',
    ]);
    expect(tokenize('tokenization')).toEqual(['toke', 'niza', 'tion']);
    expect(tokenize('  \n')).toEqual(['  \n']);
    expect(tokenize('héllo wörld')).toEqual(['héll', 'o', ' wörl', 'd']);
  });

  it('countTokens agrees with tokenize', () => {
    for (const text of [
      '',
      'Hello there',
      'x'.repeat(17),
      'Ünïcödé wörds, and 12345678 digits!',
      'a  b\n\nc',
      '🙂 emoji',
    ]) {
      expect(countTokens(text)).toBe(tokenize(text).length);
    }
  });

  it('renders a ChatML template with a generation prompt', () => {
    const prompt = renderChatTemplate([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hello there' },
    ]);
    expect(prompt).toBe(
      '<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHello there<|im_end|>\n<|im_start|>assistant\n',
    );
    // system(2) Be brief.(4) Hello there(4) assistant(3) + 3 x <|im_start|>, 2 x <|im_end|>, 5 newlines
    expect(countTokens(prompt)).toBe(22);
  });
});
