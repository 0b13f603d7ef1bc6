import type { RequestLimits } from '../config';
import { badRequest, GatewayError } from './errors';

export type Endpoint = 'chat' | 'completions' | 'embeddings';

export const ENDPOINT_PATHS: Record<Endpoint, string> = {
  chat: '/v1/chat/completions',
  completions: '/v1/completions',
  embeddings: '/v1/embeddings',
};

/** What the gateway needs to know of a request body; the body itself goes upstream as sent. */
export interface RequestShape {
  model: string;
  stream: boolean;
  /** The client asked for the usage chunk (`stream_options.include_usage`). */
  clientWantsUsage: boolean;
  /** `stream_options` is present (then it is rewritten rather than appended). */
  hasStreamOptions: boolean;
  /**
   * The larger of `max_tokens` and `max_completion_tokens`, when either is given (servers differ
   * in which one wins, so the worst case is the larger).
   */
  maxTokens?: number;
  /** Choices asked for. */
  n: number;
  /** Choices generated per prompt: the larger of `n` and `best_of` (best_of are all paid for). */
  choices: number;
  /** Prompts (completions) or inputs (embeddings) in the request; 1 for chat. */
  prompts: number;
}

export const DEFAULT_REQUEST_LIMITS: RequestLimits = {
  maxChoices: 16,
  maxPrompts: 100,
  maxInputs: 2048,
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function positiveInteger(
  body: Record<string, unknown>,
  name: string,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw badRequest(
      `Invalid type for '${name}': expected an integer, but got ${JSON.stringify(
        value,
      )}`,
      name,
      'invalid_type',
    );
  }
  if (value < 1 || value > max) {
    throw badRequest(
      `Invalid '${name}': ${value}. It must be at least 1${
        max < Number.MAX_SAFE_INTEGER ? ` and at most ${max}` : ''
      }.`,
      name,
      'invalid_value',
    );
  }
  return value;
}

const isTokenId = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;

/**
 * How many prompts `value` holds in one of OpenAI's shapes: a string, a list of strings, a list
 * of token ids (one prompt), or a list of lists of token ids. Anything else is a 400, and so is a
 * list longer than `max`: each prompt is generated (and paid for) separately.
 */
function countPrompts(value: unknown, name: string, max: number): number {
  let count: number | undefined;
  if (typeof value === 'string') count = 1;
  else if (Array.isArray(value) && value.length > 0) {
    if (value.every(v => typeof v === 'string')) count = value.length;
    else if (value.every(isTokenId)) count = 1;
    else if (
      value.every(v => Array.isArray(v) && v.length > 0 && v.every(isTokenId))
    ) {
      count = value.length;
    }
  }
  if (count === undefined) {
    throw badRequest(
      `Invalid type for '${name}': expected a string, an array of strings, an array of token ids or an array of arrays of token ids (none of them empty).`,
      name,
      'invalid_type',
    );
  }
  if (count > max) {
    throw badRequest(
      `Invalid '${name}': array too long. Expected an array with maximum length ${max}, but got an array with length ${count} instead.`,
      name,
      'array_above_max_length',
    );
  }
  return count;
}

/**
 * Checks what the gateway relies on, with OpenAI's wording and `param`; everything else is the
 * model server's to judge (vLLM answers 400s in the same shape, passed on as they are).
 */
export function parseRequest(
  endpoint: Endpoint,
  raw: Buffer,
  limits: RequestLimits = DEFAULT_REQUEST_LIMITS,
): {
  body: Record<string, unknown>;
  shape: RequestShape;
} {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw badRequest(
      `We could not parse the JSON body of your request: ${
        (error as Error).message
      }. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload.)`,
      undefined,
      'invalid_json',
    );
  }
  if (!isObject(body)) {
    throw badRequest('The request body must be a JSON object');
  }
  const model = body.model;
  if (typeof model !== 'string' || !model) {
    throw badRequest('you must provide a model parameter', 'model');
  }
  let prompts = 1;
  if (endpoint === 'chat') {
    const messages = body.messages;
    if (!Array.isArray(messages)) {
      throw badRequest(
        messages === undefined
          ? "Missing required parameter: 'messages'."
          : "Invalid type for 'messages': expected an array.",
        'messages',
        messages === undefined ? 'missing_required_parameter' : 'invalid_type',
      );
    }
    if (messages.length === 0) {
      throw badRequest(
        "Invalid 'messages': empty array. Expected an array with minimum length 1.",
        'messages',
        'empty_array',
      );
    }
    messages.forEach((m, i) => {
      if (!isObject(m) || typeof m.role !== 'string') {
        throw badRequest(
          `Invalid 'messages[${i}]': expected an object with a 'role'.`,
          `messages[${i}]`,
          'invalid_type',
        );
      }
    });
  } else if (endpoint === 'completions') {
    if (body.prompt === undefined || body.prompt === null) {
      throw badRequest(
        "Missing required parameter: 'prompt'.",
        'prompt',
        'missing_required_parameter',
      );
    }
    prompts = countPrompts(body.prompt, 'prompt', limits.maxPrompts);
  } else {
    const input = body.input;
    if (
      input === undefined ||
      input === null ||
      input === '' ||
      (Array.isArray(input) && input.length === 0)
    ) {
      throw badRequest(
        "Missing required parameter: 'input'.",
        'input',
        'missing_required_parameter',
      );
    }
    prompts = countPrompts(input, 'input', limits.maxInputs);
  }
  const outputLimits = [
    positiveInteger(body, 'max_completion_tokens'),
    positiveInteger(body, 'max_tokens'),
  ].filter((v): v is number => v !== undefined);
  const maxTokens = outputLimits.length ? Math.max(...outputLimits) : undefined;
  const n = positiveInteger(body, 'n', limits.maxChoices) ?? 1;
  const bestOf = positiveInteger(body, 'best_of', limits.maxChoices) ?? 1;
  const stream = body.stream;
  if (stream !== undefined && stream !== null && typeof stream !== 'boolean') {
    throw badRequest(
      "Invalid type for 'stream': expected a boolean.",
      'stream',
      'invalid_type',
    );
  }
  const streamOptions = body.stream_options;
  if (streamOptions !== undefined && streamOptions !== null) {
    if (!stream) {
      throw badRequest(
        "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
        'stream_options',
        'invalid_value',
      );
    }
    if (!isObject(streamOptions)) {
      throw badRequest(
        "Invalid type for 'stream_options': expected an object.",
        'stream_options',
        'invalid_type',
      );
    }
  }
  return {
    body,
    shape: {
      model,
      stream: stream === true && endpoint !== 'embeddings',
      clientWantsUsage:
        isObject(streamOptions) && streamOptions.include_usage === true,
      hasStreamOptions: isObject(streamOptions),
      maxTokens,
      n,
      choices: endpoint === 'embeddings' ? 1 : Math.max(n, bestOf),
      prompts,
    },
  };
}

/**
 * The body sent upstream: the client's bytes, except that streams always ask for usage. When the
 * client sent no `stream_options`, the field is appended to the raw JSON (no re-serialisation);
 * otherwise the parsed body is serialised with `include_usage` set.
 */
export function upstreamBody(
  raw: Buffer,
  body: Record<string, unknown>,
  shape: RequestShape,
): Buffer {
  if (!shape.stream || shape.clientWantsUsage) return raw;
  if (!shape.hasStreamOptions) {
    let end = raw.length - 1;
    while (end >= 0 && raw[end] !== 0x7d /* } */) end--;
    if (end > 0) {
      return Buffer.concat([
        raw.subarray(0, end),
        Buffer.from(',"stream_options":{"include_usage":true}}'),
      ]);
    }
  }
  return Buffer.from(
    JSON.stringify({
      ...body,
      stream_options: {
        ...(body.stream_options as object),
        include_usage: true,
      },
    }),
  );
}

/** A model server's error answer in OpenAI's shape (vLLM's own already is; others are wrapped). */
export function upstreamErrorBody(status: number, text: string): string {
  try {
    const parsed = JSON.parse(text);
    if (isObject(parsed) && isObject(parsed.error) && parsed.error.message) {
      return text;
    }
  } catch {
    // not JSON
  }
  return JSON.stringify(
    new GatewayError(
      status,
      `The model server answered ${status}: ${text.slice(0, 500)}`,
    ).toJSON(),
  );
}
