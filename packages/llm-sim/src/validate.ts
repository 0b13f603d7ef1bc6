/**
 * Request parsing and validation, split the way vLLM splits it:
 *
 * 1. Schema (pydantic in vLLM): field presence and types, with pydantic's lax coercions
 *    ("5" is a valid int, 1.5 is not). Failures are 400 "Bad Request" (see errors.ts).
 * 2. Semantics (vLLM's serving code and SamplingParams): roles, context length, ranges.
 *    Failures are 400 "BadRequestError" with vLLM's messages. These run after the model lookup,
 *    as in vLLM, so an unknown model is a 404 even when other fields are wrong.
 *
 * Fields the sim does not model (tools, logprobs, response_format, ...) are accepted and ignored,
 * as vLLM ignores unknown fields.
 */
import {
  SchemaIssue,
  VllmError,
  badRequest,
  pyFloat,
  schemaError,
  validationError,
} from './errors';
import { TemplateMessage, countTokens } from './tokenizer';

type Json = Record<string, unknown>;
type Loc = Array<string | number>;

/** Collects schema issues for one body; getters return undefined for absent or invalid fields. */
class Schema {
  readonly issues: SchemaIssue[] = [];

  constructor(readonly body: Json) {}

  fail(loc: Loc, type: string, msg: string, ctx?: Record<string, string>) {
    this.issues.push({ type, loc: ['body', ...loc], msg, ctx });
  }

  throwIfInvalid() {
    if (this.issues.length > 0) throw schemaError(this.issues);
  }

  int(
    name: string,
    value: unknown = this.body[name],
    loc: Loc = [name],
  ): number | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'number' && Number.isFinite(value)) {
      if (Number.isInteger(value)) return value;
      this.fail(
        loc,
        'int_from_float',
        'Input should be a valid integer, got a number with a fractional part',
      );
      return undefined;
    }
    if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value))
      return Number(value);
    if (typeof value === 'string') {
      this.fail(
        loc,
        'int_parsing',
        'Input should be a valid integer, unable to parse string as an integer',
      );
      return undefined;
    }
    this.fail(loc, 'int_type', 'Input should be a valid integer');
    return undefined;
  }

  float(name: string): number | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'number') return value;
    if (
      typeof value === 'string' &&
      value.trim() !== '' &&
      !Number.isNaN(Number(value))
    ) {
      return Number(value);
    }
    if (typeof value === 'string') {
      this.fail(
        [name],
        'float_parsing',
        'Input should be a valid number, unable to parse string as a number',
      );
      return undefined;
    }
    this.fail([name], 'float_type', 'Input should be a valid number');
    return undefined;
  }

  bool(
    name: string,
    value: unknown = this.body[name],
    loc: Loc = [name],
  ): boolean | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'boolean') return value;
    const truthy = ['1', 'true', 't', 'yes', 'y', 'on'];
    const falsy = ['0', 'false', 'f', 'no', 'n', 'off'];
    const text =
      typeof value === 'string' || typeof value === 'number'
        ? String(value).toLowerCase()
        : '';
    if (truthy.includes(text)) return true;
    if (falsy.includes(text)) return false;
    if (typeof value === 'string') {
      this.fail(
        loc,
        'bool_parsing',
        'Input should be a valid boolean, unable to interpret input',
      );
    } else {
      this.fail(loc, 'bool_type', 'Input should be a valid boolean');
    }
    return undefined;
  }

  str(
    name: string,
    value: unknown = this.body[name],
    loc: Loc = [name],
  ): string | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string') return value;
    this.fail(loc, 'string_type', 'Input should be a valid string');
    return undefined;
  }

  /** `str | list[str] | None`, as for `stop`. */
  strList(name: string): string[] {
    const value = this.body[name];
    if (value === undefined || value === null) return [];
    if (typeof value === 'string') return [value];
    if (Array.isArray(value)) {
      return value.filter(
        (item, i) => this.str(name, item, [name, i]) !== undefined,
      ) as string[];
    }
    this.fail([name], 'string_type', 'Input should be a valid string');
    return [];
  }
}

/** Decodes a request body; invalid JSON is a schema error, as in FastAPI. */
export function parseJsonBody(
  raw: string,
  contentType: string | undefined,
): Json {
  // vLLM checks the media type before reading the body (its validate_json_request dependency).
  const mediaType = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (mediaType !== 'application/json') {
    throw schemaError([
      {
        type: 'value_error',
        loc: ['header', 'content-type'],
        msg: "Unsupported Media Type: Only 'application/json' is allowed",
      },
    ]);
  }
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch (error) {
    throw schemaError([
      {
        type: 'json_invalid',
        loc: ['body', 0],
        msg: 'JSON decode error',
        ctx: { error: (error as Error).message },
      },
    ]);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw schemaError([
      {
        type: 'model_attributes_type',
        loc: ['body'],
        msg: 'Input should be a valid dictionary or object to extract fields from',
      },
    ]);
  }
  return body as Json;
}

/** Sampling fields shared by chat and completions. */
export interface SamplingRequest {
  model?: string;
  n: number;
  /** max_completion_tokens, else max_tokens; undefined = up to the context window. */
  maxTokens?: number;
  minTokens: number;
  ignoreEos: boolean;
  temperature?: number;
  topP?: number;
  seed?: number;
  stop: string[];
  includeStopStrInOutput: boolean;
  stream: boolean;
  includeUsage: boolean;
  continuousUsageStats: boolean;
}

function parseSampling(
  schema: Schema,
  defaultMaxTokens?: number,
): SamplingRequest {
  const stream = schema.bool('stream') ?? false;
  const options = schema.body.stream_options;
  let includeUsage = false;
  let continuousUsageStats = false;
  if (options !== undefined && options !== null) {
    if (typeof options !== 'object' || Array.isArray(options)) {
      schema.fail(
        ['stream_options'],
        'model_type',
        'Input should be a valid dictionary or instance of StreamOptions',
      );
    } else {
      const opts = options as Json;
      // vLLM's StreamOptions defaults include_usage to True once stream_options is present.
      includeUsage =
        schema.bool('include_usage', opts.include_usage, [
          'stream_options',
          'include_usage',
        ]) ?? true;
      continuousUsageStats =
        schema.bool('continuous_usage_stats', opts.continuous_usage_stats, [
          'stream_options',
          'continuous_usage_stats',
        ]) ?? false;
      if (!stream) {
        schema.fail(
          [],
          'value_error',
          'Value error, Stream options can only be defined when `stream=True`.',
        );
      }
    }
  }
  const maxCompletionTokens = schema.int('max_completion_tokens');
  const maxTokens = schema.int('max_tokens');
  return {
    model: schema.str('model'),
    n: schema.int('n') ?? 1,
    maxTokens: maxCompletionTokens ?? maxTokens ?? defaultMaxTokens,
    minTokens: schema.int('min_tokens') ?? 0,
    ignoreEos: schema.bool('ignore_eos') ?? false,
    temperature: schema.float('temperature'),
    topP: schema.float('top_p'),
    seed: schema.int('seed'),
    stop: schema.strList('stop'),
    includeStopStrInOutput: schema.bool('include_stop_str_in_output') ?? false,
    stream,
    includeUsage: stream && includeUsage,
    continuousUsageStats: stream && includeUsage && continuousUsageStats,
  };
}

export interface ChatRequest extends SamplingRequest {
  messages: TemplateMessage[];
}

export function parseChatRequest(body: Json): ChatRequest {
  const schema = new Schema(body);
  const messages: TemplateMessage[] = [];
  if (body.messages === undefined) {
    schema.fail(['messages'], 'missing', 'Field required');
  } else if (!Array.isArray(body.messages)) {
    schema.fail(['messages'], 'list_type', 'Input should be a valid list');
  } else {
    body.messages.forEach((message, i) => {
      const parsed = parseMessage(schema, message, ['messages', i]);
      if (parsed) messages.push(parsed);
    });
  }
  const sampling = parseSampling(schema);
  schema.throwIfInvalid();
  return { ...sampling, messages };
}

function parseMessage(
  schema: Schema,
  message: unknown,
  loc: Loc,
): TemplateMessage | undefined {
  if (
    typeof message !== 'object' ||
    message === null ||
    Array.isArray(message)
  ) {
    schema.fail(loc, 'dict_type', 'Input should be a valid dictionary');
    return undefined;
  }
  const m = message as Json;
  if (m.role === undefined) {
    schema.fail([...loc, 'role'], 'missing', 'Field required');
    return undefined;
  }
  const role = schema.str('role', m.role, [...loc, 'role']);
  if (role === undefined) return undefined;

  let content = '';
  if (typeof m.content === 'string') {
    content = m.content;
  } else if (Array.isArray(m.content)) {
    // Content parts: text is rendered; other parts (images, audio) stand in as one token each.
    content = m.content
      .map(part => {
        const p = (part ?? {}) as Json;
        return p.type === 'text' && typeof p.text === 'string'
          ? p.text
          : '<|media|>';
      })
      .join('\n');
  } else if (m.content !== undefined && m.content !== null) {
    schema.fail(
      [...loc, 'content'],
      'string_type',
      'Input should be a valid string',
    );
  }
  // Tool calls of earlier assistant turns are part of the prompt the model sees.
  if (Array.isArray(m.tool_calls) && m.tool_calls.length > 0) {
    content += JSON.stringify(m.tool_calls);
  }
  return { role, content };
}

export interface PromptInput {
  text: string;
  tokens: number;
}

export interface CompletionRequest extends SamplingRequest {
  prompts: PromptInput[];
}

/** OpenAI's legacy completions default max_tokens to 16, and vLLM keeps that default. */
const COMPLETIONS_DEFAULT_MAX_TOKENS = 16;

export function parseCompletionRequest(body: Json): CompletionRequest {
  const schema = new Schema(body);
  const prompts = parseInputs(schema, 'prompt');
  if (prompts !== undefined && prompts.length === 0) {
    schema.fail(
      [],
      'value_error',
      'Value error, Either prompt or prompt_embeds must be provided and non-empty.',
    );
  }
  const sampling = parseSampling(schema, COMPLETIONS_DEFAULT_MAX_TOKENS);
  schema.throwIfInvalid();
  return { ...sampling, prompts: prompts ?? [] };
}

export interface EmbeddingRequest {
  model?: string;
  inputs: PromptInput[];
  encodingFormat: 'float' | 'base64';
  dimensions?: number;
}

export function parseEmbeddingRequest(body: Json): EmbeddingRequest {
  const schema = new Schema(body);
  let inputs = parseInputs(schema, 'input');
  if (inputs === undefined) inputs = [];
  const format = schema.str('encoding_format') ?? 'float';
  if (format !== 'float' && format !== 'base64') {
    schema.fail(
      ['encoding_format'],
      'literal_error',
      "Input should be 'float' or 'base64'",
    );
  }
  const request: EmbeddingRequest = {
    model: schema.str('model'),
    inputs,
    encodingFormat: format === 'base64' ? 'base64' : 'float',
    dimensions: schema.int('dimensions'),
  };
  schema.throwIfInvalid();
  return request;
}

/**
 * `str | list[str] | list[int] | list[list[int]]`: text, a batch of texts, token ids, or a batch
 * of token-id lists. Token ids are taken as they are (one id = one token). Returns undefined when
 * the field is absent (reported) or of the wrong type (reported).
 */
function parseInputs(schema: Schema, name: string): PromptInput[] | undefined {
  const value = schema.body[name];
  if (value === undefined || value === null) {
    if (name === 'input') schema.fail([name], 'missing', 'Field required');
    return name === 'input' ? undefined : [];
  }
  const fromText = (text: string) => ({ text, tokens: countTokens(text) });
  const fromIds = (ids: number[]) => ({
    text: ids.join(' '),
    tokens: ids.length,
  });
  const isIds = (item: unknown): item is number[] =>
    Array.isArray(item) && item.every(id => Number.isInteger(id));
  if (typeof value === 'string') return [fromText(value)];
  if (Array.isArray(value)) {
    if (value.length > 0 && value.every(item => Number.isInteger(item))) {
      return [fromIds(value as number[])];
    }
    if (value.every(item => typeof item === 'string'))
      return (value as string[]).map(fromText);
    if (value.every(isIds)) return (value as number[][]).map(fromIds);
  }
  schema.fail([name], 'string_type', 'Input should be a valid string');
  return undefined;
}

/** Roles the sim's template knows; vLLM leaves this to the model's chat template. */
const ROLES = ['system', 'developer', 'user', 'assistant', 'tool', 'function'];

export function checkRoles(messages: TemplateMessage[]) {
  for (const message of messages) {
    if (!ROLES.includes(message.role)) {
      throw badRequest(
        `Unknown role '${
          message.role
        }' in messages: expected one of ${ROLES.join(', ')}.`,
        'messages',
      );
    }
  }
}

/**
 * vLLM's context-length checks (OpenAIServing._validate_input): a generation request may use up
 * to max_model_len - 1 prompt tokens, and prompt + max_tokens may not exceed max_model_len.
 */
export function checkContextLength(
  promptTokens: number,
  maxTokens: number | undefined,
  maxModelLen: number,
) {
  if (promptTokens >= maxModelLen) {
    throw validationError(
      `This model's maximum context length is ${maxModelLen} tokens. However, your request has ` +
        `${promptTokens} input tokens. Please reduce the length of the input messages.`,
      'input_tokens',
      String(promptTokens),
    );
  }
  if (maxTokens !== undefined && promptTokens + maxTokens > maxModelLen) {
    throw validationError(
      `'max_tokens' or 'max_completion_tokens' is too large: ${maxTokens}. This model's maximum ` +
        `context length is ${maxModelLen} tokens and your request has ${promptTokens} input tokens ` +
        `(${maxTokens} > ${maxModelLen} - ${promptTokens}).`,
      'max_tokens',
      String(maxTokens),
    );
  }
}

/** Embedding inputs may use the whole window: nothing is generated. */
export function checkEmbeddingLength(tokens: number, maxModelLen: number) {
  if (tokens > maxModelLen) {
    throw validationError(
      `This model's maximum context length is ${maxModelLen} tokens. However, you requested ` +
        `${tokens} tokens in the input for embedding generation. Please reduce the length of the input.`,
      'input_tokens',
      String(tokens),
    );
  }
}

const MAX_N = 128;

/** SamplingParams._verify_args, for the parameters the sim reads. */
export function checkSampling(request: SamplingRequest): void {
  const { n, temperature, topP, maxTokens, minTokens } = request;
  if (n < 1) throw badRequest(`n must be at least 1, got ${n}.`);
  // A sim limit (vLLM's depends on its scheduler): keeps one request from holding huge arrays.
  if (n > MAX_N) throw badRequest(`n must be at most ${MAX_N}, got ${n}.`);
  if (temperature !== undefined) {
    if (!Number.isFinite(temperature)) {
      throw validationError(
        `temperature must be a finite number, got ${temperature}.`,
        'temperature',
        String(temperature),
      );
    }
    const t = pyFloat(temperature);
    if (temperature < 0) {
      throw validationError(
        `temperature must be non-negative, got ${t}.`,
        'temperature',
        t,
      );
    }
    if (temperature > 2) {
      throw validationError(
        `temperature must be in [0, 2], got ${t}.`,
        'temperature',
        t,
      );
    }
  }
  if (topP !== undefined && !(topP > 0 && topP <= 1)) {
    const p = pyFloat(topP);
    throw validationError(`top_p must be in (0, 1], got ${p}.`, 'top_p', p);
  }
  if (maxTokens !== undefined && maxTokens < 1) {
    throw validationError(
      `max_tokens must be at least 1, got ${maxTokens}.`,
      'max_tokens',
      String(maxTokens),
    );
  }
  if (minTokens < 0) {
    throw badRequest(
      `min_tokens must be greater than or equal to 0, got ${minTokens}.`,
    );
  }
  if (maxTokens !== undefined && minTokens > maxTokens) {
    throw badRequest(
      `min_tokens must be less than or equal to max_tokens=${maxTokens}, got ${minTokens}.`,
    );
  }
  if (request.stop.some(stop => stop === '')) {
    throw badRequest('stop cannot contain an empty string.');
  }
  // Greedy decoding cannot give n different answers; vLLM refuses rather than repeat itself.
  if (temperature === 0 && n > 1) {
    throw badRequest(`n must be 1 when using greedy sampling, got ${n}.`);
  }
}

export function isVllmError(error: unknown): error is VllmError {
  return error instanceof VllmError;
}
