/**
 * Deterministic "model output".
 *
 * The text is a function of (model, prompt, seed, choice index) only, so the same request gives
 * the same answer on every run and every machine, which is what tests of the portal need. Words
 * come from a fixed list, picked by a mulberry32 PRNG seeded with a hash of those inputs.
 *
 * The token stream does not depend on how many tokens are asked for: a response cut at
 * `max_tokens` is a prefix of the uncut one, as with a real model at a fixed seed.
 */

// Short and long words mixed, so that some words take several tokens (see tokenizer.ts).
const WORDS = (
  'the of and to in is it that for on with as was at by be this are from or an ' +
  'model token layer cache batch queue tensor kernel stream output input value signal ' +
  'system request server client result memory latency throughput inference gateway ' +
  'replica cluster portal prompt answer river mountain forest ocean garden window ' +
  'morning evening quiet bright simple careful gentle rapid steady silver golden ' +
  'compute measure follow gather balance deliver observe explain consider remember ' +
  'a we you they it one two three many some every each other new old small large ' +
  'light sound water stone cloud field paper story music number question reason ' +
  'between through against without within around because however therefore'
).split(' ');

const WORD_CHARS_PER_TOKEN = 4;

/** mulberry32: a tiny, fast PRNG with a 32-bit state; good enough for picking words. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a over UTF-16 code units: stable across runs and platforms. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export interface GenerationInput {
  model: string;
  prompt: string;
  seed: number;
  /** Choice index when n > 1: each choice gets its own text. */
  index: number;
}

/** The natural length of an answer (where the "model" would emit EOS): 16 to 64 tokens. */
export const NATURAL_LENGTH_MIN = 16;
export const NATURAL_LENGTH_MAX = 64;

/**
 * A lazily extended token stream for one choice. `naturalLength` is drawn first so that the word
 * sequence is the same whatever length is finally taken.
 */
export class TokenStream {
  readonly naturalLength: number;
  private readonly random: () => number;
  private readonly tokens: string[] = [];
  private sentenceLeft = 0;

  constructor(input: GenerationInput) {
    this.random = mulberry32(
      hash32(
        `${input.model}\u0000${input.seed}\u0000${input.index}\u0000${input.prompt}`,
      ),
    );
    this.naturalLength =
      NATURAL_LENGTH_MIN +
      Math.floor(this.random() * (NATURAL_LENGTH_MAX - NATURAL_LENGTH_MIN + 1));
  }

  /** The first `count` tokens. */
  take(count: number): string[] {
    while (this.tokens.length < count) this.addWord();
    return this.tokens.slice(0, count);
  }

  private addWord() {
    const first = this.tokens.length === 0;
    const startsSentence = this.sentenceLeft === 0;
    if (startsSentence) this.sentenceLeft = 6 + Math.floor(this.random() * 9);
    let word = WORDS[Math.floor(this.random() * WORDS.length)];
    if (startsSentence) word = word[0].toUpperCase() + word.slice(1);
    const lead = first ? '' : ' ';
    for (let i = 0; i < word.length; i += WORD_CHARS_PER_TOKEN) {
      const piece = word.slice(i, i + WORD_CHARS_PER_TOKEN);
      this.tokens.push(i === 0 ? lead + piece : piece);
    }
    this.sentenceLeft -= 1;
    if (this.sentenceLeft === 0) this.tokens.push('.');
    else if (this.random() < 0.08) this.tokens.push(',');
  }
}

export interface StopRule {
  stop: string[];
  includeStopStrInOutput: boolean;
}

/** One finished choice: what was "generated" and why it ended. */
export interface ChoiceOutput {
  index: number;
  /** Text of each generated token, already cut at a stop string (cut tokens are ''). */
  pieces: string[];
  text: string;
  finishReason: 'stop' | 'length';
  stopReason: string | null;
}

/**
 * Produces one choice: `limit` is the cap from max_tokens and the context window; the model
 * stops earlier at its natural length unless `ignoreEos`, and at the first stop string.
 */
export function generateChoice(
  input: GenerationInput,
  limits: { limit: number; minTokens: number; ignoreEos: boolean },
  stopRule: StopRule,
): ChoiceOutput {
  const stream = new TokenStream(input);
  const natural = limits.ignoreEos
    ? Infinity
    : Math.max(stream.naturalLength, limits.minTokens);
  const count = Math.min(natural, limits.limit);
  const tokens = stream.take(count);
  // EOS has to fit under the cap: reaching the cap first is 'length', as in vLLM.
  let finishReason: ChoiceOutput['finishReason'] =
    natural < limits.limit ? 'stop' : 'length';
  let stopReason: string | null = null;

  const full = tokens.join('');
  const hit = findStop(full, stopRule.stop);
  if (!hit) {
    return {
      index: input.index,
      pieces: tokens,
      text: full,
      finishReason,
      stopReason,
    };
  }

  // Generation ends with the token that completes the stop string; the text is cut before it
  // (or after it with include_stop_str_in_output), as vLLM does.
  const stopEnd = hit.at + hit.stop.length;
  const cut = stopRule.includeStopStrInOutput ? stopEnd : hit.at;
  const pieces: string[] = [];
  let offset = 0;
  for (const token of tokens) {
    const start = offset;
    offset += token.length;
    pieces.push(start < cut ? token.slice(0, cut - start) : '');
    if (offset >= stopEnd) break;
  }
  finishReason = 'stop';
  stopReason = hit.stop;
  return {
    index: input.index,
    pieces,
    text: full.slice(0, cut),
    finishReason,
    stopReason,
  };
}

function findStop(
  text: string,
  stops: string[],
): { at: number; stop: string } | undefined {
  let best: { at: number; stop: string } | undefined;
  for (const stop of stops) {
    const at = text.indexOf(stop);
    if (at >= 0 && (!best || at < best.at)) best = { at, stop };
  }
  return best;
}

/**
 * A deterministic unit-length embedding of `dim` floats for (model, text).
 */
export function embed(model: string, text: string, dim: number): number[] {
  const random = mulberry32(hash32(`${model}\u0000${text}`));
  const vector = new Array<number>(dim);
  let norm = 0;
  for (let i = 0; i < dim; i++) {
    const value = random() * 2 - 1;
    vector[i] = value;
    norm += value * value;
  }
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < dim; i++) {
    // Round through float32 so the float and base64 encodings carry the same numbers.
    vector[i] = Math.fround(vector[i] / norm);
  }
  return vector;
}
