import { TestDatabases } from '@backstage/backend-test-utils';
import OpenAI from 'openai';
import {
  CHAT_MODEL,
  QWEN,
  startGateway,
  type GatewayHarness,
} from '../__testUtils__/gatewayHarness';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const hello = [{ role: 'user' as const, content: 'hello there' }];

/** Runs `fn`, failing the test if it takes longer than `ms`: no call may hang. */
async function within<T>(ms: number, fn: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      fn(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`hung for ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

describe('model server faults: a clean error or a failover, never a hung connection', () => {
  let h: GatewayHarness;
  let client: OpenAI;
  let keyId: string;
  const rowsOfKey = async () =>
    (await h.usageRows()).filter(r => r.key_id === keyId);

  beforeAll(async () => {
    h = await startGateway({
      knex: await databases.init('SQLITE_3'),
      inference: {
        timeouts: { connectMs: 1000, firstTokenMs: 800, chunkMs: 400 },
        retries: { attempts: 2, baseDelayMs: 5 },
        cooldown: { failures: 3, seconds: 2 },
      },
    });
    const env = await h.addEnvironment('faults');
    const key = await h.createKey(env);
    keyId = key.id;
    client = new OpenAI({ baseURL: h.baseURL, apiKey: key.key, maxRetries: 0 });
  });
  afterEach(() => {
    for (const sim of h.sims) {
      sim.setFaults(null);
      sim.resetStats();
    }
  });
  afterAll(() => h.close());

  it('fails over to the other replica when one answers 500', async () => {
    const [a, b] = h.llamas;
    a.setFaults({ failRate: 1 });
    for (let i = 0; i < 4; i++) {
      const res = await client.chat.completions.create({
        model: CHAT_MODEL,
        messages: hello,
        max_tokens: 4,
      });
      expect(res.choices[0].message.content).toBeTruthy();
    }
    expect(b.stats().inference.byStatus['200']).toBe(4);
    // the failing replica was tried, then cooled down after 3 failures in a row
    expect(a.stats().inference.byStatus['500']).toBe(3);
    const metrics = await h.gateway.metrics.registry.getSingleMetricAsString(
      'genai_gateway_upstream_errors_total',
    );
    expect(metrics).toContain(`model="${CHAT_MODEL}",reason="status_500"`);
    expect(metrics).toContain(`model="${CHAT_MODEL}",reason="cooled_down"`);
  });

  it('retries a flaky single replica (fail first 2) and succeeds', async () => {
    h.qwen.setFaults({ failFirst: 2, failStatus: 503 });
    const res = await client.chat.completions.create({
      model: QWEN,
      messages: hello,
      max_tokens: 4,
    });
    expect(res.object).toBe('chat.completion');
    expect(h.qwen.stats().inference.byStatus).toEqual({ '503': 2, '200': 1 });
  });

  it('gives a clean 502 when every try fails, and meters it', async () => {
    h.qwen.setFaults({ failRate: 1, failStatus: 500 });
    const error = await within(5000, () =>
      client.chat.completions
        .create({ model: QWEN, messages: hello, max_tokens: 4 })
        .then(
          () => undefined,
          e => e,
        ),
    );
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error.status).toBe(502);
    expect(error.error).toMatchObject({
      type: 'api_error',
      code: 'upstream_error',
      message: expect.stringMatching(
        /The model server for 'Qwen\/Qwen2.5-7B-Instruct' failed \(500\)/,
      ),
    });
    const last = (await rowsOfKey()).pop();
    expect(last).toMatchObject({
      model: QWEN,
      status: 502,
      error: 'upstream_error',
    });
  });

  it('answers 503 with Retry-After while the only replica cools down', async () => {
    // the previous test cooled qwen down (3 failures in a row)
    h.qwen.setFaults(null);
    const error = await client.chat.completions
      .create({ model: QWEN, messages: hello, max_tokens: 4 })
      .then(
        () => undefined,
        e => e,
      );
    expect(error?.status).toBe(503);
    expect(Number(error.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(h.qwen.stats().inference.total).toBe(0);
    // after the cooldown it is tried again
    await new Promise(r => setTimeout(r, 2100));
    const ok = await client.chat.completions.create({
      model: QWEN,
      messages: hello,
      max_tokens: 4,
    });
    expect(ok.object).toBe('chat.completion');
  });

  it('a hung model server is a 504 after the first-token timeout', async () => {
    h.qwen.setFaults({ hang: true });
    const started = Date.now();
    const error = await within(5000, () =>
      client.chat.completions
        .create({ model: QWEN, messages: hello, max_tokens: 4 })
        .then(
          () => undefined,
          e => e,
        ),
    );
    expect(error?.status).toBe(504);
    expect(error.error.code).toBe('upstream_timeout');
    expect(Date.now() - started).toBeLessThan(3000);
    const last = (await rowsOfKey()).pop();
    expect(last).toMatchObject({ status: 504 });
  });

  it('a stream whose server goes silent after the headers is cut with an error event', async () => {
    h.qwen.setFaults({ hang: 'after-headers' });
    const error = await within(5000, async () => {
      const stream = await client.chat.completions.create({
        model: QWEN,
        messages: hello,
        max_tokens: 10,
        stream: true,
      });
      try {
        for await (const _ of stream) {
          // drain
        }
        return undefined;
      } catch (e) {
        return e as any;
      }
    });
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error.message).toMatch(/sent nothing for 400 ms/);
    const last = (await rowsOfKey()).pop();
    expect(last).toMatchObject({
      status: 504,
      error: 'chunk_timeout',
      stream: expect.anything(),
    });
  });

  it('a stream cut mid-way gives the client an error and is metered with what arrived', async () => {
    h.qwen.setFaults({ closeMidStream: 4 });
    const seen: string[] = [];
    const error = await within(5000, async () => {
      const stream = await client.chat.completions.create({
        model: QWEN,
        messages: hello,
        max_tokens: 20,
        stream: true,
      });
      try {
        for await (const chunk of stream) {
          seen.push(chunk.choices[0]?.delta?.content ?? '');
        }
        return undefined;
      } catch (e) {
        return e as any;
      }
    });
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error.message).toMatch(/broke off the stream/);
    expect(seen.length).toBe(4);
    const last = (await rowsOfKey()).pop();
    expect(last).toMatchObject({
      status: 502,
      error: 'stream_cut',
      output_tokens: 4,
    });
  });

  it("passes vLLM's in-stream error event on and meters the call as failed", async () => {
    h.qwen.setFaults({ errorMidStream: 3 });
    const error = await within(5000, async () => {
      const stream = await client.chat.completions.create({
        model: QWEN,
        messages: hello,
        max_tokens: 20,
        stream: true,
      });
      try {
        for await (const _ of stream) {
          // drain
        }
        return undefined;
      } catch (e) {
        return e as any;
      }
    });
    expect(error).toBeInstanceOf(OpenAI.APIError);
    const last = (await rowsOfKey()).pop();
    expect(last).toMatchObject({ status: 502, error: 'upstream_stream_error' });
  });

  it('a client that goes away aborts the upstream request', async () => {
    h.qwen.setFaults({ delayMs: 200 });
    const stream = await client.chat.completions.create({
      model: QWEN,
      messages: hello,
      max_tokens: 2000,
      stream: true,
      // vLLM's: generate up to max_tokens instead of stopping by itself
      ignore_eos: true,
    } as OpenAI.ChatCompletionCreateParamsStreaming);
    let n = 0;
    // leaving the loop makes the openai client abort its request
    for await (const _ of stream) {
      if (++n === 3) break;
    }
    expect(n).toBe(3);
    // the sim sees its stream aborted, and the gateway meters a 499
    for (let i = 0; i < 50 && h.qwen.stats().streams.aborted === 0; i++) {
      await new Promise(r => setTimeout(r, 20));
    }
    expect(h.qwen.stats().streams).toMatchObject({ aborted: 1, active: 0 });
    let last: any;
    for (let i = 0; i < 50; i++) {
      last = (await rowsOfKey()).pop();
      if (last?.status === 499) break;
      await new Promise(r => setTimeout(r, 20));
    }
    expect(last).toMatchObject({ status: 499, error: 'client_closed' });
    expect(last.output_tokens).toBeGreaterThanOrEqual(2);
  });

  it('connection refused on one replica fails over at once', async () => {
    // (closed for good: the harness's close() of it again is a no-op)
    await h.llamas[0].close();
    for (let i = 0; i < 3; i++) {
      const res = await client.chat.completions.create({
        model: CHAT_MODEL,
        messages: hello,
        max_tokens: 3,
      });
      expect(res.object).toBe('chat.completion');
    }
    const metrics = await h.gateway.metrics.registry.getSingleMetricAsString(
      'genai_gateway_upstream_errors_total',
    );
    expect(metrics).toContain(`model="${CHAT_MODEL}",reason="connect"`);
  });
});
