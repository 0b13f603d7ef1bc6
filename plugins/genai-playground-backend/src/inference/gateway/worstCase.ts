import type { ModelEntry } from '../models/ModelRegistry';
import type { Endpoint, RequestShape } from './requestShape';

/**
 * Tokens a chat template may add around the messages (role headers, a default system prompt
 * such as Llama 3.1's dated one): not in the body, yet counted by the server as input.
 */
const CHAT_TEMPLATE_TOKENS = 64;
/** Special tokens a server may add to each prompt or input (BOS/EOS, CLS/SEP). */
const SPECIAL_TOKENS_PER_PROMPT = 2;

/** The most tokens one call can be charged for: what is reserved, and what is believed after. */
export interface TokenBounds {
  input: number;
  output: number;
}

/**
 * The worst case of a call, whatever shape its body has:
 *
 * - input: every byte of the body as a token (a token is at least one byte of text, and a token
 *   id takes at least one digit and a comma), plus the special tokens of each prompt and the chat
 *   template; never more than the context window per prompt;
 * - output: the longest output per choice (`max_tokens` / `max_completion_tokens`, else the
 *   context window) times the choices per prompt (`n`, `best_of`) times the prompts
 *   (`/v1/completions` takes a list); embeddings have none.
 */
export function worstCaseTokens(
  endpoint: Endpoint,
  shape: RequestShape,
  bodyBytes: number,
  model: Pick<ModelEntry, 'kind' | 'contextLength'>,
): TokenBounds {
  const context = model.contextLength;
  const input = Math.min(
    bodyBytes +
      shape.prompts * SPECIAL_TOKENS_PER_PROMPT +
      (endpoint === 'chat' ? CHAT_TEMPLATE_TOKENS : 0),
    context * shape.prompts,
  );
  if (model.kind === 'embedding' || endpoint === 'embeddings') {
    return { input, output: 0 };
  }
  const perChoice = Math.min(shape.maxTokens ?? context, context);
  return { input, output: perChoice * shape.choices * shape.prompts };
}

/** The cost of so many tokens, in micro-units of the currency (prices are per million). */
export function costMicros(
  tokens: TokenBounds,
  model: Pick<ModelEntry, 'pricePer1MInput' | 'pricePer1MOutput'>,
): number {
  return (
    tokens.input * model.pricePer1MInput +
    tokens.output * model.pricePer1MOutput
  );
}
