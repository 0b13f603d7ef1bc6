/**
 * A stand-in for a model's BPE tokenizer.
 *
 * vLLM counts tokens with the model's own tokenizer. The sim cannot ship one, and does not need to:
 * it needs a rule that never changes between runs (so tests can predict `usage`) and that is about
 * as dense as a real BPE on English (~4 characters per token), so numbers in dashboards look sane.
 *
 * The rule, applied left to right:
 * - a special token such as `<|im_start|>` is one token;
 * - a word (letters and digits) together with the whitespace before it is ceil(letters / 4) tokens,
 *   split into 4-character pieces (the first piece keeps the whitespace, like GPT-style BPE);
 * - any other symbol, with the whitespace before it, is one token;
 * - whitespace that precedes neither is one token.
 *
 * The generator in generate.ts only emits pieces of exactly this form, so
 * `tokenize(text of N generated tokens).length === N` holds for every output.
 */

const SPECIAL = String.raw`<\|[\w.-]{1,32}\|>`;
const PIECE = new RegExp(
  `${SPECIAL}|\\s*[\\p{L}\\p{N}]+|\\s*(?!${SPECIAL})[^\\s\\p{L}\\p{N}]|\\s+`,
  'gu',
);
const WORD_CHARS_PER_TOKEN = 4;

/** Splits text into the sim's tokens. */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  for (const match of text.matchAll(PIECE)) {
    const piece = match[0];
    const lead = piece.length - piece.trimStart().length;
    const chars = Array.from(piece.slice(lead));
    if (chars.length <= WORD_CHARS_PER_TOKEN || !isWordChar(chars[0])) {
      tokens.push(piece);
      continue;
    }
    for (let i = 0; i < chars.length; i += WORD_CHARS_PER_TOKEN) {
      const chunk = chars.slice(i, i + WORD_CHARS_PER_TOKEN).join('');
      tokens.push(i === 0 ? piece.slice(0, lead) + chunk : chunk);
    }
  }
  return tokens;
}

/** Counts tokens without keeping the pieces (prompts can be long). */
export function countTokens(text: string): number {
  let count = 0;
  for (const match of text.matchAll(PIECE)) {
    const piece = match[0];
    const body = piece.trimStart();
    const length =
      body.length > WORD_CHARS_PER_TOKEN
        ? Array.from(body).length
        : body.length;
    count += isWordChar(body)
      ? Math.max(1, Math.ceil(length / WORD_CHARS_PER_TOKEN))
      : 1;
  }
  return count;
}

function isWordChar(text: string): boolean {
  return /^[\p{L}\p{N}]/u.test(text);
}

/** A chat message as the template sees it: content already flattened to text. */
export interface TemplateMessage {
  role: string;
  content: string;
}

/**
 * Renders messages with a ChatML-style template (what Qwen uses), ending with the generation
 * prompt, as vLLM does with `add_generation_prompt=True`. Every model in the sim uses this one
 * template: prompt_tokens only has to be stable and plausible, not model-exact.
 */
export function renderChatTemplate(messages: TemplateMessage[]): string {
  let prompt = '';
  for (const message of messages) {
    prompt += `<|im_start|>${message.role}\n${message.content}<|im_end|>\n`;
  }
  return `${prompt}<|im_start|>assistant\n`;
}
