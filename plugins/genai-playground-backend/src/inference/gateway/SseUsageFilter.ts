import { StringDecoder } from 'node:string_decoder';
import { toTokenUsage, type TokenUsage } from './usage';

const USAGE_NULL = ',"usage":null';

/**
 * Passes an OpenAI/vLLM SSE stream through event by event, as the chunks arrive, while it
 * reads the token usage from it. The gateway always asks the model server for usage
 * (`stream_options.include_usage`); when the client did not, the usage-only chunk is dropped
 * and the `"usage":null` vLLM then adds to every chunk is removed, so the client sees the stream
 * it asked for.
 *
 * Only an event split across network chunks is held back, until its end arrives, and the
 * closing `data: [DONE]` (with anything after it), which `end()` gives: the gateway sends the
 * stream's end only once the call's usage record is safe.
 */
export class SseUsageFilter {
  usage: TokenUsage | undefined;
  /** Data events with choices (about one per token). */
  chunks = 0;
  /** The model server sent an error event (vLLM's in-stream error). */
  errorMessage: string | undefined;
  done = false;
  /** An event grew past `maxEventBytes` without ending: the stream must be cut. */
  overflow = false;

  readonly #decoder = new StringDecoder('utf8');
  readonly #clientWantsUsage: boolean;
  readonly #maxEventBytes: number;
  #pending = '';
  /** `[DONE]` and what came after it, for `end()`. */
  #held = '';

  constructor(options: { clientWantsUsage: boolean; maxEventBytes?: number }) {
    this.#clientWantsUsage = options.clientWantsUsage;
    this.#maxEventBytes = options.maxEventBytes ?? Infinity;
  }

  /**
   * Takes a network chunk; returns the text to send on (possibly empty). What is held back (an
   * event not ended yet) is capped: past `maxEventBytes` it is dropped and `overflow` set, so a
   * server sending an endless line cannot grow the gateway's memory.
   */
  push(chunk: Buffer): string {
    if (this.overflow) return '';
    const text = this.#pending + this.#decoder.write(chunk);
    let out = '';
    let from = 0;
    for (;;) {
      const end = text.indexOf('\n\n', from);
      if (end < 0) break;
      out += this.#event(text.slice(from, end));
      from = end + 2;
    }
    this.#pending = from === 0 ? text : text.slice(from);
    // (characters, not bytes: a close enough measure for a cap)
    if (this.#pending.length > this.#maxEventBytes) {
      this.#pending = '';
      this.overflow = true;
    }
    return out;
  }

  /**
   * The rest, when the stream ended: the held `[DONE]` and an unterminated last event, passed on
   * as it is.
   */
  end(): string {
    if (this.overflow) return '';
    const rest = this.#pending + this.#decoder.end();
    this.#pending = '';
    const last = rest ? this.#passed(rest) : '';
    const held = this.#held;
    this.#held = '';
    return held + last;
  }

  /** An event as the client gets it now ('' when dropped, or held back until `end()`). */
  #event(event: string): string {
    const out = this.#passed(event);
    if (!this.done) return out;
    this.#held += out;
    // a server going on after [DONE] must not fill the gateway's memory either
    if (this.#held.length > this.#maxEventBytes) {
      this.#held = '';
      this.overflow = true;
    }
    return '';
  }

  /** The event as the client is to get it ('' when dropped), noting usage, errors and [DONE]. */
  #passed(event: string): string {
    if (!event.startsWith('data: ')) {
      // comments, `event:` lines, retry hints: not ours to judge
      return `${event}\n\n`;
    }
    if (event.startsWith('data: [DONE]')) {
      this.done = true;
      return `${event}\n\n`;
    }
    if (event.includes('"usage":{')) {
      let parsed: { usage?: unknown; choices?: unknown[] } | undefined;
      try {
        parsed = JSON.parse(event.slice(6));
      } catch {
        parsed = undefined;
      }
      const usage = toTokenUsage(parsed?.usage);
      if (usage) this.usage = usage;
      const usageOnly =
        Array.isArray(parsed?.choices) && parsed!.choices.length === 0;
      if (usageOnly) return this.#clientWantsUsage ? `${event}\n\n` : '';
      this.chunks++;
      return `${event}\n\n`;
    }
    if (event.startsWith('data: {"error"')) {
      try {
        this.errorMessage = String(
          JSON.parse(event.slice(6))?.error?.message ?? 'error',
        );
      } catch {
        this.errorMessage = 'error';
      }
      return `${event}\n\n`;
    }
    this.chunks++;
    if (!this.#clientWantsUsage && event.includes(USAGE_NULL)) {
      return `${event.replace(USAGE_NULL, '')}\n\n`;
    }
    return `${event}\n\n`;
  }
}
