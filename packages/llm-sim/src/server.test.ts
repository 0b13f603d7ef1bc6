/**
 * The sim against the official openai client: shapes, usage, determinism, limits and errors.
 */
import OpenAI from 'openai';
import { LlmSim, startLlmSim } from './server';
import { countTokens, renderChatTemplate, tokenize } from './tokenizer';

const CHAT = 'meta-llama/Llama-3.1-8B-Instruct';
const ALIAS = 'llama-8b';
const QWEN = 'Qwen/Qwen2.5-7B-Instruct';
const EMBED = 'BAAI/bge-m3';
const API_KEY = 'test-key';

/** vLLM-only request fields the openai client's types do not know. */
type VllmExtras = { ignore_eos?: boolean; min_tokens?: number };

let sim: LlmSim;
let client: OpenAI;

beforeAll(async () => {
  sim = await startLlmSim({
    models: [
      { id: CHAT, servedModelNames: [CHAT, ALIAS], maxModelLen: 256 },
      QWEN,
      { id: EMBED, kind: 'embedding', embeddingDim: 16, maxModelLen: 64 },
    ],
    ttftMs: 2,
    tpotMs: 0,
    seed: 7,
    apiKey: API_KEY,
  });
  client = new OpenAI({
    baseURL: `${sim.url}/v1`,
    apiKey: API_KEY,
    maxRetries: 0,
  });
});

afterAll(() => sim.close());

const hello = [{ role: 'user' as const, content: 'Hello there, how are you?' }];

describe('GET /v1/models', () => {
  it('lists every served name in vLLM’s card shape', async () => {
    const page = await client.models.list();
    expect(page.data.map(m => m.id)).toEqual([CHAT, ALIAS, QWEN, EMBED]);
    const raw = await (
      await fetch(`${sim.url}/v1/models`, {
        headers: { authorization: `Bearer ${API_KEY}` },
      })
    ).json();
    expect(raw.object).toBe('list');
    expect(raw.data[1]).toEqual({
      id: ALIAS,
      object: 'model',
      created: expect.any(Number),
      owned_by: 'vllm',
      root: CHAT,
      parent: null,
      max_model_len: 256,
      permission: [
        expect.objectContaining({
          object: 'model_permission',
          allow_sampling: true,
        }),
      ],
    });
  });
});

describe('POST /v1/chat/completions', () => {
  it("names its answers after the request's X-Request-Id, as vLLM does", async () => {
    const headers = { 'x-request-id': 'req_trace-42' };
    const chat = await client.chat.completions.create(
      { model: CHAT, messages: hello },
      { headers },
    );
    expect(chat.id).toBe('chatcmpl-req_trace-42');
    const text = await client.completions.create(
      { model: CHAT, prompt: 'Hello' },
      { headers },
    );
    expect(text.id).toBe('cmpl-req_trace-42');
    const embedding = await client.embeddings.create(
      { model: EMBED, input: 'Hello' },
      { headers },
    );
    expect((embedding as unknown as { id: string }).id).toBe(
      'embd-req_trace-42',
    );
  });

  it('answers in the chat.completion shape with consistent usage', async () => {
    const completion = await client.chat.completions.create({
      model: CHAT,
      messages: hello,
    });
    expect(completion.id).toMatch(/^chatcmpl-[0-9a-f]{32}$/);
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe(CHAT);
    expect(completion.created).toBeGreaterThan(1_600_000_000);
    const [choice] = completion.choices;
    expect(choice).toMatchObject({
      index: 0,
      logprobs: null,
      finish_reason: 'stop',
      message: { role: 'assistant', tool_calls: [], reasoning_content: null },
    });
    expect(
      (choice as unknown as { stop_reason: unknown }).stop_reason,
    ).toBeNull();
    const content = choice.message.content!;
    expect(content.length).toBeGreaterThan(0);
    const promptTokens = countTokens(renderChatTemplate(hello));
    const completionTokens = tokenize(content).length;
    expect(completionTokens).toBeGreaterThanOrEqual(16);
    expect(completionTokens).toBeLessThanOrEqual(64);
    expect(completion.usage).toEqual({
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
      prompt_tokens_details: null,
    });
  });

  it('is deterministic: same request, same text; another seed or prompt, another text', async () => {
    const ask = async (content: string, seed?: number) =>
      (
        await client.chat.completions.create({
          model: CHAT,
          seed,
          messages: [{ role: 'user', content }],
        })
      ).choices[0].message.content;
    const first = await ask('Tell me a story');
    expect(await ask('Tell me a story')).toBe(first);
    expect(await ask('Tell me a story', 1234)).not.toBe(first);
    expect(await ask('Tell me another story')).not.toBe(first);
  });

  it('answers to an alias with the first served name', async () => {
    const completion = await client.chat.completions.create({
      model: ALIAS,
      messages: hello,
    });
    expect(completion.model).toBe(CHAT);
  });

  it('stops at max_tokens with finish_reason length, and the text is a prefix of the uncut one', async () => {
    const full = await client.chat.completions.create({
      model: CHAT,
      messages: hello,
    });
    const cut = await client.chat.completions.create({
      model: CHAT,
      messages: hello,
      max_tokens: 5,
    });
    expect(cut.choices[0].finish_reason).toBe('length');
    expect(cut.usage!.completion_tokens).toBe(5);
    expect(
      full.choices[0].message.content!.startsWith(
        cut.choices[0].message.content!,
      ),
    ).toBe(true);
    const viaNewField = await client.chat.completions.create({
      model: CHAT,
      messages: hello,
      max_completion_tokens: 3,
    });
    expect(viaNewField.usage!.completion_tokens).toBe(3);
  });

  it('generates exactly max_tokens with ignore_eos (and min_tokens)', async () => {
    const params = {
      model: CHAT,
      messages: hello,
      max_tokens: 100,
      min_tokens: 100,
      ignore_eos: true,
    };
    const completion = await client.chat.completions.create(
      params as OpenAI.ChatCompletionCreateParamsNonStreaming & VllmExtras,
    );
    expect(completion.usage!.completion_tokens).toBe(100);
    expect(tokenize(completion.choices[0].message.content!)).toHaveLength(100);
    expect(completion.choices[0].finish_reason).toBe('length');
  });

  it('honours stop strings: text cut before the stop, finish_reason stop, stop_reason the string', async () => {
    const full = (
      await client.chat.completions.create({ model: CHAT, messages: hello })
    ).choices[0].message.content!;
    const words = full.split(' ');
    const stop = ` ${words[4]}`;
    const completion = await client.chat.completions.create({
      model: CHAT,
      messages: hello,
      stop: [stop, 'zzz-never'],
    });
    const [choice] = completion.choices;
    expect(choice.message.content).toBe(full.slice(0, full.indexOf(stop)));
    expect(choice.finish_reason).toBe('stop');
    expect((choice as unknown as { stop_reason: string }).stop_reason).toBe(
      stop,
    );
  });

  it('supports n > 1 with distinct choices, and refuses n > 1 with greedy sampling', async () => {
    const completion = await client.chat.completions.create({
      model: CHAT,
      messages: hello,
      n: 3,
      max_tokens: 8,
    });
    expect(completion.choices.map(c => c.index)).toEqual([0, 1, 2]);
    expect(new Set(completion.choices.map(c => c.message.content)).size).toBe(
      3,
    );
    expect(completion.usage!.completion_tokens).toBe(24);
    await expect(
      client.chat.completions.create({
        model: CHAT,
        messages: hello,
        n: 2,
        temperature: 0,
      }),
    ).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining(
        'n must be 1 when using greedy sampling',
      ),
    });
  });

  it('accepts temperature, top_p and tools', async () => {
    const completion = await client.chat.completions.create({
      model: CHAT,
      messages: hello,
      temperature: 0.7,
      top_p: 0.9,
      tools: [
        {
          type: 'function',
          function: { name: 'noop', parameters: { type: 'object' } },
        },
      ],
    });
    expect(completion.choices[0].finish_reason).toBe('stop');
  });
});

describe('streaming chat', () => {
  it('sends a role chunk, one content delta per token, and finish_reason; no usage unless asked', async () => {
    const stream = await client.chat.completions.create({
      model: CHAT,
      messages: hello,
      stream: true,
      max_tokens: 6,
    });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks).toHaveLength(7);
    expect(chunks[0].choices[0].delta).toEqual({
      role: 'assistant',
      content: '',
    });
    for (const chunk of chunks) {
      expect(chunk.object).toBe('chat.completion.chunk');
      expect(chunk.id).toBe(chunks[0].id);
      expect(chunk).not.toHaveProperty('usage');
    }
    const deltas = chunks.slice(1).map(c => c.choices[0].delta.content);
    expect(
      deltas.every(d => typeof d === 'string' && tokenize(d).length === 1),
    ).toBe(true);
    expect(
      chunks.slice(0, -1).every(c => c.choices[0].finish_reason === null),
    ).toBe(true);
    expect(chunks[6].choices[0].finish_reason).toBe('length');

    const whole = await client.chat.completions.create({
      model: CHAT,
      messages: hello,
      max_tokens: 6,
    });
    expect(deltas.join('')).toBe(whole.choices[0].message.content);
  });

  it('with include_usage: usage null on every chunk, then one usage chunk with no choices', async () => {
    const stream = await client.chat.completions.create({
      model: CHAT,
      messages: hello,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const usageChunks = chunks.filter(c => c.usage);
    expect(usageChunks).toHaveLength(1);
    const last = chunks[chunks.length - 1];
    expect(last.choices).toEqual([]);
    const text = chunks.map(c => c.choices[0]?.delta.content ?? '').join('');
    expect(last.usage).toEqual({
      prompt_tokens: countTokens(renderChatTemplate(hello)),
      completion_tokens: tokenize(text).length,
      total_tokens:
        countTokens(renderChatTemplate(hello)) + tokenize(text).length,
    });
    expect(chunks.slice(0, -1).every(c => c.usage === null)).toBe(true);
    expect(chunks[chunks.length - 2].choices[0].finish_reason).toBe('stop');
  });

  it('with continuous_usage_stats: running usage on every chunk', async () => {
    const stream = await client.chat.completions.create({
      model: CHAT,
      messages: hello,
      stream: true,
      max_tokens: 3,
      stream_options: {
        include_usage: true,
        continuous_usage_stats: true,
      } as OpenAI.ChatCompletionStreamOptions,
    });
    const completionTokens: number[] = [];
    for await (const chunk of stream)
      completionTokens.push(chunk.usage!.completion_tokens);
    expect(completionTokens).toEqual([0, 1, 2, 3, 3]);
  });

  it('streams the same text with a stop string as the non-streamed answer', async () => {
    const full = (
      await client.chat.completions.create({ model: CHAT, messages: hello })
    ).choices[0].message.content!;
    const stop = full.split(' ').slice(3, 5).join(' ');
    const stream = await client.chat.completions.create({
      model: CHAT,
      messages: hello,
      stop,
      stream: true,
    });
    let text = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      text += chunk.choices[0].delta.content ?? '';
      finish = chunk.choices[0].finish_reason ?? finish;
    }
    expect(text).toBe(full.slice(0, full.indexOf(stop)));
    expect(finish).toBe('stop');
  });

  it('streams n > 1 choices: role chunks first, then tokens per index', async () => {
    const whole = await client.chat.completions.create({
      model: CHAT,
      messages: hello,
      n: 2,
      max_tokens: 5,
    });
    const stream = await client.chat.completions.create({
      model: CHAT,
      messages: hello,
      n: 2,
      max_tokens: 5,
      stream: true,
    });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(
      chunks
        .slice(0, 2)
        .map(c => [c.choices[0].index, c.choices[0].delta.role]),
    ).toEqual([
      [0, 'assistant'],
      [1, 'assistant'],
    ]);
    const text = (index: number) =>
      chunks
        .filter(c => c.choices[0].index === index)
        .map(c => c.choices[0].delta.content)
        .join('');
    expect([text(0), text(1)]).toEqual(
      whole.choices.map(c => c.message.content),
    );
  });

  it('writes vLLM’s SSE framing and headers', async () => {
    const res = await fetch(`${sim.url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${API_KEY}`,
      },
      body: JSON.stringify({
        model: CHAT,
        messages: hello,
        stream: true,
        max_tokens: 2,
      }),
    });
    expect(res.headers.get('content-type')).toBe(
      'text/event-stream; charset=utf-8',
    );
    const body = await res.text();
    const events = body.split('\n\n');
    expect(events.pop()).toBe('');
    expect(events.pop()).toBe('data: [DONE]');
    expect(events).toHaveLength(3);
    expect(events.every(e => e.startsWith('data: {'))).toBe(true);
    expect(JSON.parse(events[2].slice(6)).choices[0]).toEqual({
      index: 0,
      delta: { content: expect.any(String) },
      logprobs: null,
      finish_reason: 'length',
      stop_reason: null,
    });
  });
});

describe('POST /v1/completions', () => {
  it('answers in the text_completion shape, defaulting max_tokens to 16 like vLLM', async () => {
    const completion = await client.completions.create({
      model: QWEN,
      prompt: 'Once upon a time',
    });
    expect(completion.id).toMatch(/^cmpl-/);
    expect(completion.object).toBe('text_completion');
    expect(completion.model).toBe(QWEN);
    expect(completion.choices[0]).toMatchObject({
      index: 0,
      logprobs: null,
      finish_reason: 'length',
    });
    expect(completion.usage).toMatchObject({
      prompt_tokens: countTokens('Once upon a time'),
      completion_tokens: 16,
      total_tokens: countTokens('Once upon a time') + 16,
    });
    expect(tokenize(completion.choices[0].text)).toHaveLength(16);
  });

  it('takes a batch of prompts and streams', async () => {
    const batch = await client.completions.create({
      model: QWEN,
      prompt: ['a', 'b'],
      max_tokens: 4,
      n: 2,
    });
    expect(batch.choices.map(c => c.index)).toEqual([0, 1, 2, 3]);
    expect(batch.usage!.completion_tokens).toBe(16);

    const stream = await client.completions.create({
      model: QWEN,
      prompt: 'a',
      max_tokens: 4,
      stream: true,
    });
    const pieces: string[] = [];
    for await (const chunk of stream) pieces.push(chunk.choices[0].text);
    expect(pieces.join('')).toBe(batch.choices[0].text);
  });
});

describe('POST /v1/embeddings', () => {
  it('returns deterministic unit vectors of the configured dimension, float and base64', async () => {
    const asFloat = await client.embeddings.create({
      model: EMBED,
      input: ['alpha', 'beta'],
      encoding_format: 'float',
    });
    expect(asFloat.object).toBe('list');
    expect(asFloat.model).toBe(EMBED);
    expect(
      asFloat.data.map(d => [d.object, d.index, d.embedding.length]),
    ).toEqual([
      ['embedding', 0, 16],
      ['embedding', 1, 16],
    ]);
    const norm = Math.sqrt(
      asFloat.data[0].embedding.reduce((s, v) => s + v * v, 0),
    );
    expect(norm).toBeCloseTo(1, 5);
    expect(asFloat.data[0].embedding).not.toEqual(asFloat.data[1].embedding);
    // 'alpha' is two tokens (alph|a), 'beta' one.
    expect(asFloat.usage).toEqual({
      prompt_tokens: 3,
      total_tokens: 3,
      completion_tokens: 0,
      prompt_tokens_details: null,
    });

    // The client asks for base64 by default and decodes float32 little-endian.
    const decoded = await client.embeddings.create({
      model: EMBED,
      input: ['alpha', 'beta'],
    });
    expect(decoded.data.map(d => d.embedding)).toEqual(
      asFloat.data.map(d => d.embedding),
    );

    const raw = await client.embeddings.create({
      model: EMBED,
      input: 'alpha',
      encoding_format: 'base64',
    });
    const b64 = raw.data[0].embedding as unknown as string;
    const bytes = Buffer.from(b64, 'base64');
    expect(
      Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, 16)),
    ).toEqual(asFloat.data[0].embedding);
  });

  it('refuses other dimensions, too-long input, and chat models', async () => {
    await expect(
      client.embeddings.create({ model: EMBED, input: 'a', dimensions: 8 }),
    ).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining(
        'does not support matryoshka representation',
      ),
    });
    await expect(
      client.embeddings.create({ model: EMBED, input: 'word '.repeat(65) }),
    ).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining(
        "This model's maximum context length is 64 tokens",
      ),
    });
    await expect(
      client.embeddings.create({ model: CHAT, input: 'a' }),
    ).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    await expect(
      client.chat.completions.create({ model: EMBED, messages: hello }),
    ).rejects.toBeInstanceOf(OpenAI.BadRequestError);
  });
});

describe('errors', () => {
  const post = (
    path: string,
    body: string,
    headers: Record<string, string> = {},
  ) =>
    fetch(`${sim.url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${API_KEY}`,
        ...headers,
      },
      body,
    });

  it.each([
    [
      'missing messages',
      { model: CHAT },
      "'loc': ('body', 'messages'), 'msg': 'Field required'",
    ],
    [
      'messages not a list',
      { model: CHAT, messages: 'hi' },
      'Input should be a valid list',
    ],
    [
      'max_tokens not an integer',
      { model: CHAT, messages: hello, max_tokens: 1.5 },
      'Input should be a valid integer',
    ],
    [
      'stream_options without stream',
      { model: CHAT, messages: hello, stream_options: {} },
      'Stream options can only',
    ],
  ])('%s: 400 Bad Request from the schema', async (_name, body, message) => {
    const error = await client.chat.completions.create(body as never).then(
      () => undefined,
      e => e,
    );
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({
      status: 400,
      type: 'Bad Request',
      code: 400,
    });
    expect(error.message).toContain(message);
  });

  it.each([
    [
      'a bad role',
      { messages: [{ role: 'wizard', content: 'hi' }] },
      "Unknown role 'wizard'",
      'messages',
    ],
    [
      'max_tokens < 1',
      { max_tokens: 0 },
      'max_tokens must be at least 1, got 0. (parameter=max_tokens, value=0)',
      'max_tokens',
    ],
    [
      'temperature > 2',
      { temperature: 2.5 },
      'temperature must be in [0, 2], got 2.5.',
      'temperature',
    ],
    [
      'temperature < 0',
      { temperature: -1 },
      'temperature must be non-negative, got -1.0.',
      'temperature',
    ],
    [
      'top_p out of range',
      { top_p: 0 },
      'top_p must be in (0, 1], got 0.0.',
      'top_p',
    ],
    [
      'a prompt longer than max_model_len',
      { messages: [{ role: 'user', content: 'word '.repeat(300) }] },
      "This model's maximum context length is 256 tokens. However, your request has 310 input tokens.",
      'input_tokens',
    ],
    [
      'prompt + max_tokens over max_model_len',
      { max_tokens: 250 },
      "'max_tokens' or 'max_completion_tokens' is too large: 250. This model's maximum context length is 256 tokens",
      'max_tokens',
    ],
  ])('%s: 400 BadRequestError', async (_name, overrides, message, param) => {
    const error = await client.chat.completions
      .create({
        model: CHAT,
        messages: hello,
        ...overrides,
      } as OpenAI.ChatCompletionCreateParamsNonStreaming)
      .then(
        () => undefined,
        e => e,
      );
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({
      status: 400,
      type: 'BadRequestError',
      param,
      code: 400,
    });
    expect(error.message).toContain(message);
  });

  it('invalid JSON: 400 in vLLM’s wrapped error shape', async () => {
    const res = await post('/v1/chat/completions', '{"model": ');
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: {
        message: expect.stringContaining("'type': 'json_invalid'"),
        type: 'Bad Request',
        param: null,
        code: 400,
      },
    });
  });

  it('a non-JSON content type: 400', async () => {
    const res = await post('/v1/chat/completions', '{}', {
      'content-type': 'text/plain',
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toContain(
      "Only 'application/json' is allowed",
    );
  });

  it('unknown model: 404 NotFoundError', async () => {
    const error = await client.chat.completions
      .create({ model: 'nope/nope', messages: hello })
      .catch(e => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect(error).toMatchObject({
      status: 404,
      type: 'NotFoundError',
      param: 'model',
    });
    expect(error.message).toBe('404 The model `nope/nope` does not exist.');
  });

  it('wrong or missing API key: 401 {"error":"Unauthorized"}; /health and /metrics stay open', async () => {
    const wrong = new OpenAI({
      baseURL: `${sim.url}/v1`,
      apiKey: 'wrong',
      maxRetries: 0,
    });
    await expect(wrong.models.list()).rejects.toBeInstanceOf(
      OpenAI.AuthenticationError,
    );
    const res = await fetch(`${sim.url}/v1/models`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'Unauthorized' });
    expect((await fetch(`${sim.url}/health`)).status).toBe(200);
    expect((await fetch(`${sim.url}/metrics`)).status).toBe(200);
  });

  it('unknown routes: 404, wrong methods: 405, as FastAPI answers', async () => {
    const res404 = await fetch(`${sim.url}/v2/anything`);
    expect(res404.status).toBe(404);
    expect(await res404.json()).toEqual({ detail: 'Not Found' });
    const res405 = await fetch(`${sim.url}/v1/chat/completions`, {
      headers: { authorization: `Bearer ${API_KEY}` },
    });
    expect(res405.status).toBe(405);
    expect(await res405.json()).toEqual({ detail: 'Method Not Allowed' });
  });
});

describe('health, version and metrics', () => {
  it('GET /health is 200 with an empty body', async () => {
    const res = await fetch(`${sim.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });

  it('GET /version answers like vLLM', async () => {
    expect(await (await fetch(`${sim.url}/version`)).json()).toEqual({
      version: expect.any(String),
    });
  });

  it('exposes vLLM’s metric names, and the counters move', async () => {
    const value = (text: string, series: string) => {
      const line = text.split('\n').find(l => l.startsWith(`${series} `));
      return line ? Number(line.split(' ')[1]) : NaN;
    };
    const labels = `{model_name="${QWEN}",engine="0"}`;
    const before = await (await fetch(`${sim.url}/metrics`)).text();
    for (const name of [
      'vllm:num_requests_running',
      'vllm:num_requests_waiting',
      'vllm:prompt_tokens_total',
      'vllm:generation_tokens_total',
      'vllm:time_to_first_token_seconds_bucket',
      'vllm:time_per_output_token_seconds_bucket',
      'vllm:e2e_request_latency_seconds_bucket',
      'vllm:request_success_total',
    ]) {
      expect(before).toContain(`${name}{`);
    }
    const completion = await client.chat.completions.create({
      model: QWEN,
      messages: hello,
      max_tokens: 4,
    });
    const after = await (await fetch(`${sim.url}/metrics`)).text();
    expect(
      value(after, `vllm:prompt_tokens_total${labels}`) -
        value(before, `vllm:prompt_tokens_total${labels}`),
    ).toBe(completion.usage!.prompt_tokens);
    expect(
      value(after, `vllm:generation_tokens_total${labels}`) -
        value(before, `vllm:generation_tokens_total${labels}`),
    ).toBe(4);
    const success = `vllm:request_success_total{model_name="${QWEN}",engine="0",finished_reason="length"}`;
    expect(value(after, success) - value(before, success)).toBe(1);
    expect(
      value(after, `vllm:e2e_request_latency_seconds_count${labels}`),
    ).toBeGreaterThan(
      value(before, `vllm:e2e_request_latency_seconds_count${labels}`),
    );
    expect(
      value(after, `vllm:time_to_first_token_seconds_count${labels}`),
    ).toBeGreaterThan(0);
  });
});
