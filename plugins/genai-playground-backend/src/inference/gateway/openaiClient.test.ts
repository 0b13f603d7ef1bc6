import { TestDatabases } from '@backstage/backend-test-utils';
import OpenAI from 'openai';
import {
  CHAT_MODEL,
  EMBEDDING_MODEL,
  QWEN,
  startGateway,
  type GatewayHarness,
} from '../__testUtils__/gatewayHarness';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('the openai client against the gateway, with an environment key', () => {
  let h: GatewayHarness;
  let client: OpenAI;
  let keyId: string;

  beforeAll(async () => {
    h = await startGateway({ knex: await databases.init('SQLITE_3') });
    const env = await h.addEnvironment('openai');
    const key = await h.createKey(env);
    keyId = key.id;
    client = new OpenAI({ baseURL: h.baseURL, apiKey: key.key, maxRetries: 0 });
  });
  afterAll(() => h.close());

  it('lists the models', async () => {
    const page = await client.models.list();
    const ids = page.data.map(m => m.id);
    expect(ids).toEqual([CHAT_MODEL, QWEN, EMBEDDING_MODEL]);
    expect(page.data[0]).toMatchObject({
      object: 'model',
      owned_by: 'genai-playground',
      max_model_len: 131072,
      genai: {
        kind: 'chat',
        pricePer1MInput: 0.2,
        pricePer1MOutput: 0.6,
        currency: 'USD',
        source: 'config',
      },
    });
  });

  it('chats without streaming, with usage, and says what it added', async () => {
    const { data, response } = await client.chat.completions
      .create({
        model: CHAT_MODEL,
        messages: [{ role: 'user', content: 'Say hello' }],
        max_tokens: 12,
      })
      .withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.choices[0].message.content).toBeTruthy();
    expect(data.usage).toMatchObject({
      prompt_tokens: expect.any(Number),
      completion_tokens: expect.any(Number),
    });
    expect(data.usage!.completion_tokens).toBeLessThanOrEqual(12);
    expect(Number(response.headers.get('x-genai-overhead-ms'))).toBeGreaterThan(
      0,
    );
  });

  it('streams chunk by chunk without the usage chunk when not asked', async () => {
    const stream = await client.chat.completions.create({
      model: CHAT_MODEL,
      messages: [{ role: 'user', content: 'Count to ten' }],
      max_tokens: 20,
      stream: true,
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(3);
    // no usage chunk, and no `usage: null` vLLM adds once usage is asked for
    expect(chunks.every(c => c.choices.length === 1)).toBe(true);
    expect(chunks.every(c => !('usage' in c))).toBe(true);
    const text = chunks.map(c => c.choices[0].delta.content ?? '').join('');
    expect(text.length).toBeGreaterThan(0);
  });

  it('passes the usage chunk on when asked', async () => {
    const stream = await client.chat.completions.create({
      model: QWEN,
      messages: [{ role: 'user', content: 'Count to ten' }],
      max_tokens: 20,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const last = chunks[chunks.length - 1];
    expect(last.choices).toEqual([]);
    expect(last.usage).toMatchObject({
      prompt_tokens: expect.any(Number),
      completion_tokens: chunks.length - 2,
    });
  });

  it('completes text, streamed and not', async () => {
    const done = await client.completions.create({
      model: QWEN,
      prompt: 'Once upon a time',
      max_tokens: 8,
    });
    expect(done.object).toBe('text_completion');
    expect(done.usage?.completion_tokens).toBeLessThanOrEqual(8);
    const stream = await client.completions.create({
      model: QWEN,
      prompt: 'Once upon a time',
      max_tokens: 8,
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
    expect(text).toBe(done.choices[0].text);
  });

  it('embeds', async () => {
    const res = await client.embeddings.create({
      model: EMBEDDING_MODEL,
      input: ['first text', 'second text'],
    });
    expect(res.data).toHaveLength(2);
    expect(res.data[0].embedding).toHaveLength(1024);
    expect(res.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it('meters every call of the key, with tokens, cost and status', async () => {
    const rows = await h.usageRows();
    const mine = rows.filter(r => r.key_id === keyId);
    expect(mine).toHaveLength(6);
    expect(mine.every(r => r.status === 200)).toBe(true);
    expect(mine.every(r => r.team === 'group:default/ml-research')).toBe(true);
    expect(mine.every(r => /^req_[0-9a-f]{32}$/.test(r.request_id))).toBe(true);
    const embed = mine.find(r => r.endpoint === 'embeddings');
    expect(embed).toMatchObject({ model: EMBEDDING_MODEL, output_tokens: 0 });
    expect(embed.input_tokens).toBeGreaterThan(0);
    const streamed = mine.filter(r => Boolean(r.stream));
    expect(streamed.length).toBe(3);
    // streams are metered from the usage the gateway asked for, even when the client did not
    expect(streamed.every(r => r.output_tokens > 0 && r.ttft_ms > 0)).toBe(
      true,
    );
    const chat = mine.find(r => r.model === CHAT_MODEL && !r.stream);
    expect(chat.cost).toBeCloseTo(
      (chat.input_tokens * 0.2 + chat.output_tokens * 0.6) / 1e6,
      12,
    );
  });

  it('names every call in x-request-id, sent on to the model server, on errors too, and metered', async () => {
    const chat = () => ({
      model: CHAT_MODEL,
      messages: [{ role: 'user' as const, content: 'hi' }],
      max_tokens: 4,
    });
    const { data, response } = await client.chat.completions
      .create(chat())
      .withResponse();
    const id = response.headers.get('x-request-id')!;
    expect(id).toMatch(/^req_[0-9a-f]{32}$/);
    // vLLM names its answer after the id it was sent
    expect(data.id).toBe(`chatcmpl-${id}`);

    // a client's own id is kept; one unfit for a header or a log is replaced
    const own = await client.chat.completions
      .create(chat(), { headers: { 'x-request-id': 'trace-42.a' } })
      .withResponse();
    expect(own.response.headers.get('x-request-id')).toBe('trace-42.a');
    const unfit = await client.chat.completions
      .create(chat(), { headers: { 'x-request-id': 'a b' } })
      .withResponse();
    expect(unfit.response.headers.get('x-request-id')).toMatch(/^req_/);

    // the openai client puts it on its errors
    const error = await client.chat.completions
      .create({ ...chat(), model: 'no-such-model' })
      .catch(e => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect(error.requestID).toMatch(/^req_[0-9a-f]{32}$/);

    const rows = await h.usageRows();
    expect(rows.map(r => r.request_id)).toEqual(
      expect.arrayContaining([id, 'trace-42.a', error.requestID]),
    );
  });
});
