import { parseRequest, upstreamBody, upstreamErrorBody } from './requestShape';

const raw = (o: unknown) => Buffer.from(JSON.stringify(o));
const chat = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };

describe('parseRequest', () => {
  it('reads what the gateway needs', () => {
    expect(
      parseRequest('chat', raw({ ...chat, max_tokens: 9, n: 2, stream: true }))
        .shape,
    ).toEqual({
      model: 'm',
      stream: true,
      clientWantsUsage: false,
      hasStreamOptions: false,
      maxTokens: 9,
      n: 2,
      choices: 2,
      prompts: 1,
    });
    expect(
      parseRequest(
        'chat',
        raw({
          ...chat,
          stream: true,
          stream_options: { include_usage: true },
          max_completion_tokens: 4,
        }),
      ).shape,
    ).toMatchObject({
      clientWantsUsage: true,
      hasStreamOptions: true,
      maxTokens: 4,
    });
    // embeddings never stream
    expect(
      parseRequest('embeddings', raw({ model: 'e', input: 'x', stream: true }))
        .shape.stream,
    ).toBe(false);
  });

  it.each([
    [{ ...chat, n: 0 }, 'n'],
    [{ ...chat, n: 500 }, 'n'],
    [{ ...chat, stream: 'yes' }, 'stream'],
    [{ ...chat, messages: ['hi'] }, 'messages[0]'],
    [{ ...chat, messages: 'hi' }, 'messages'],
    [{ model: 'm', prompt: null }, 'prompt'],
  ])('refuses %j naming %s', (body, param) => {
    const endpoint = 'prompt' in (body as object) ? 'completions' : 'chat';
    expect(() => parseRequest(endpoint, raw(body))).toThrow(
      expect.objectContaining({ status: 400, param }),
    );
  });
});

describe('upstreamBody', () => {
  it('sends the bytes as they came when nothing needs to change', () => {
    const b = raw(chat);
    const { body, shape } = parseRequest('chat', b);
    expect(upstreamBody(b, body, shape)).toBe(b);
  });

  it('asks for usage on streams by appending to the raw JSON', () => {
    const b = Buffer.from(`${JSON.stringify({ ...chat, stream: true })}\n  `);
    const { body, shape } = parseRequest('chat', b);
    const sent = JSON.parse(upstreamBody(b, body, shape).toString());
    expect(sent).toEqual({
      ...chat,
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('rewrites stream_options the client sent without include_usage', () => {
    const b = raw({
      ...chat,
      stream: true,
      stream_options: { continuous_usage_stats: false },
    });
    const { body, shape } = parseRequest('chat', b);
    expect(
      JSON.parse(upstreamBody(b, body, shape).toString()).stream_options,
    ).toEqual({
      continuous_usage_stats: false,
      include_usage: true,
    });
  });
});

describe('upstreamErrorBody', () => {
  it("keeps vLLM's OpenAI-shaped errors and wraps anything else", () => {
    const vllm =
      '{"error":{"message":"too long","type":"BadRequestError","param":"max_tokens","code":400}}';
    expect(upstreamErrorBody(400, vllm)).toBe(vllm);
    expect(
      JSON.parse(upstreamErrorBody(401, '{"error":"Unauthorized"}')),
    ).toEqual({
      error: {
        message: 'The model server answered 401: {"error":"Unauthorized"}',
        type: 'authentication_error',
        param: null,
        code: null,
      },
    });
  });
});
