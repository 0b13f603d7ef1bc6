/**
 * Fault injection as the portal's tests will use it, through the openai client and raw HTTP.
 */
import http from 'node:http';
import OpenAI from 'openai';
import { LlmSim, startLlmSim } from './server';

const MODEL = 'test/chat';
const messages = [{ role: 'user' as const, content: 'hi' }];

let sim: LlmSim;
let client: OpenAI;

beforeAll(async () => {
  // tpot leaves the client time to read each chunk before a fault drops the connection: fetch
  // discards chunks still queued in the body stream when the connection breaks.
  sim = await startLlmSim({ models: [MODEL], ttftMs: 1, tpotMs: 10 });
  client = new OpenAI({
    baseURL: `${sim.url}/v1`,
    apiKey: 'unused',
    maxRetries: 0,
  });
});

afterEach(() => sim.setFaults(null));
afterAll(() => sim.close());

/**
 * A client-side timeout. Under plain Node the client throws APIConnectionTimeoutError; under jest
 * the fetch AbortError comes from another realm, fails the client's `instanceof Error` check and
 * arrives as its parent class APIConnectionError, so accept that.
 */
const expectTimeout = (error: unknown) =>
  expect(error).toBeInstanceOf(OpenAI.APIConnectionError);

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    error => error,
  );

describe('faults', () => {
  it('failRate 1: every request is a 500 InternalServerError in vLLM’s body shape', async () => {
    sim.setFaults({ failRate: 1 });
    const error = await failure(
      client.chat.completions.create({ model: MODEL, messages }),
    );
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect(error).toMatchObject({
      status: 500,
      type: 'InternalServerError',
      code: 500,
    });
    await expect(
      client.embeddings.create({ model: MODEL, input: 'x' }),
    ).rejects.toMatchObject({ status: 500 });
  });

  it('failRate 0.5 draws the same sequence after every reset', async () => {
    const outcomes = async () => {
      sim.setFaults({ failRate: 0.5 });
      const results: boolean[] = [];
      for (let i = 0; i < 12; i++) {
        results.push(
          await client.chat.completions
            .create({ model: MODEL, messages, max_tokens: 1 })
            .then(
              () => true,
              () => false,
            ),
        );
      }
      return results;
    };
    const first = await outcomes();
    expect(first).toContain(true);
    expect(first).toContain(false);
    expect(await outcomes()).toEqual(first);
  });

  it('failFirst N with failStatus 503: exactly the first N fail, so a retrying client succeeds', async () => {
    sim.setFaults({ failFirst: 2, failStatus: 503 });
    await expect(
      client.chat.completions.create({ model: MODEL, messages }),
    ).rejects.toMatchObject({ status: 503 });
    const retrying = new OpenAI({
      baseURL: `${sim.url}/v1`,
      apiKey: 'unused',
      maxRetries: 2,
    });
    const completion = await retrying.chat.completions.create({
      model: MODEL,
      messages,
      max_tokens: 2,
    });
    expect(completion.choices[0].finish_reason).toBe('length');
  });

  it('status override answers every request with that status', async () => {
    sim.setFaults({ status: 429 });
    await expect(
      client.chat.completions.create({ model: MODEL, messages }),
    ).rejects.toBeInstanceOf(OpenAI.RateLimitError);
  });

  it('hang: the client times out, and close() still ends the hung request', async () => {
    sim.setFaults({ hang: true });
    const asked = Date.now();
    const error = await failure(
      client.chat.completions.create(
        { model: MODEL, messages },
        { timeout: 200 },
      ),
    );
    expectTimeout(error);
    expect(Date.now() - asked).toBeGreaterThanOrEqual(195);

    sim.setFaults({ hang: 'after-headers' });
    const stream = await client.chat.completions.create(
      { model: MODEL, messages, stream: true },
      { timeout: 5_000 },
    );
    const other = await startLlmSim({
      models: [MODEL],
      faults: { hang: true },
    });
    const hung = fetch(`${other.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, messages }),
    });
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(other.stats().open).toBe(1);
    const started = Date.now();
    await other.close();
    await expect(hung).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1000);
    // The after-headers hang sent its headers; iterating waits for a chunk that never comes
    // (the client ends the iteration quietly when aborted).
    const controller = stream.controller;
    setTimeout(() => controller.abort(), 100);
    let chunks = 0;
    for await (const chunk of stream) chunks += chunk ? 1 : 0;
    expect(chunks).toBe(0);
  });

  it('closeMidStream K: the stream breaks after K chunks and the client’s iteration throws', async () => {
    sim.setFaults({ closeMidStream: 3 });
    const stream = await client.chat.completions.create({
      model: MODEL,
      messages,
      stream: true,
      max_tokens: 10,
    });
    const received: string[] = [];
    await expect(
      (async () => {
        for await (const chunk of stream)
          received.push(chunk.choices[0].delta.content ?? '');
      })(),
    ).rejects.toThrow();
    expect(received).toHaveLength(3);
    // Non-streaming requests get half a body and a dropped connection.
    await expect(
      client.chat.completions.create({ model: MODEL, messages }),
    ).rejects.toBeInstanceOf(OpenAI.APIError);
  });

  it('closeMidStream K counts chunks on the wire, even within one step', async () => {
    // Step 0 writes the role chunk and the first token together; K = 1 cuts between them.
    sim.setFaults({ closeMidStream: 1 });
    const received = await new Promise<string>(resolve => {
      let text = '';
      const req = http.request(
        `${sim.url}/v1/chat/completions`,
        { method: 'POST', headers: { 'content-type': 'application/json' } },
        res => {
          res.setEncoding('utf8');
          res.on('data', chunk => {
            text += chunk;
          });
          res.on('error', () => resolve(text));
          res.on('close', () => resolve(text));
        },
      );
      req.on('error', () => resolve(text));
      req.end(JSON.stringify({ model: MODEL, messages, stream: true }));
    });
    const events = received.split('\n\n').filter(Boolean);
    expect(events).toHaveLength(1);
    expect(events[0]).toContain('"role":"assistant"');
  });

  it('errorMidStream K: vLLM’s in-stream error event surfaces as an APIError', async () => {
    sim.setFaults({ errorMidStream: 2 });
    const stream = await client.chat.completions.create({
      model: MODEL,
      messages,
      stream: true,
    });
    let count = 0;
    const error = await failure(
      (async () => {
        for await (const chunk of stream) count += chunk ? 1 : 0;
      })(),
    );
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error.message).toContain('Internal server error');
    expect(count).toBe(2);
  });

  it('delayMs adds latency before the first token', async () => {
    sim.setFaults({ delayMs: 150 });
    const started = Date.now();
    await client.chat.completions.create({
      model: MODEL,
      messages,
      max_tokens: 1,
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  });

  it('the x-llm-sim-fault header forces a fault on one request', async () => {
    const withHeader = (value: string) => ({
      headers: { 'x-llm-sim-fault': value },
      timeout: 300,
    });
    await expect(
      client.chat.completions.create(
        { model: MODEL, messages },
        withHeader('fail:503'),
      ),
    ).rejects.toMatchObject({ status: 503 });
    expectTimeout(
      await failure(
        client.chat.completions.create(
          { model: MODEL, messages },
          withHeader('hang'),
        ),
      ),
    );
    const started = Date.now();
    await client.chat.completions.create(
      { model: MODEL, messages, max_tokens: 1 },
      withHeader('slow:120'),
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(120);
    const stream = await client.chat.completions.create(
      { model: MODEL, messages, stream: true },
      withHeader('close-mid-stream:1'),
    );
    await expect(
      (async () => {
        for await (const chunk of stream) void chunk;
      })(),
    ).rejects.toThrow();
    // Requests without the header are unaffected.
    await expect(
      client.chat.completions.create({ model: MODEL, messages, max_tokens: 1 }),
    ).resolves.toBeDefined();
  });

  it('unhealthy: GET /health answers 503', async () => {
    sim.setFaults({ unhealthy: true });
    expect((await fetch(`${sim.url}/health`)).status).toBe(503);
    sim.setFaults(null);
    expect((await fetch(`${sim.url}/health`)).status).toBe(200);
  });
});

describe('admin endpoints (sim-only)', () => {
  it('POST /_sim/faults replaces the faults, GET reads them, DELETE clears them', async () => {
    const post = await fetch(`${sim.url}/_sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ failFirst: 1 }),
    });
    expect(await post.json()).toEqual({ failFirst: 1 });
    expect(await (await fetch(`${sim.url}/_sim/faults`)).json()).toEqual({
      failFirst: 1,
    });
    await expect(
      client.chat.completions.create({ model: MODEL, messages }),
    ).rejects.toMatchObject({ status: 500 });
    await expect(
      client.chat.completions.create({ model: MODEL, messages, max_tokens: 1 }),
    ).resolves.toBeDefined();
    await fetch(`${sim.url}/_sim/faults`, { method: 'DELETE' });
    expect(sim.getFaults()).toEqual({});
  });

  it('rejects unknown or out-of-range faults with 400', async () => {
    for (const body of [
      { failRat: 1 },
      { failRate: 2 },
      { hang: 'sometimes' },
    ]) {
      const res = await fetch(`${sim.url}/_sim/faults`, {
        method: 'POST',
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(400);
      expect((await res.json()).error.type).toBe('BadRequestError');
    }
  });

  it('GET /_sim/stats counts requests by route, model, status and fault', async () => {
    await fetch(`${sim.url}/_sim/reset`, { method: 'POST' });
    sim.setFaults({ failFirst: 1 });
    await client.chat.completions
      .create({ model: MODEL, messages })
      .catch(() => undefined);
    await client.chat.completions.create({
      model: MODEL,
      messages,
      max_tokens: 1,
    });
    const stream = await client.chat.completions.create({
      model: MODEL,
      messages,
      max_tokens: 2,
      stream: true,
    });
    for await (const chunk of stream) void chunk;
    const stats = await (await fetch(`${sim.url}/_sim/stats`)).json();
    expect(stats.inference).toEqual({
      total: 3,
      byRoute: { '/v1/chat/completions': 3 },
      byModel: { [MODEL]: 2 },
      byStatus: { '200': 2, '500': 1 },
    });
    expect(stats.faults).toEqual({ fail: 1 });
    expect(stats.streams).toEqual({
      started: 1,
      completed: 1,
      aborted: 0,
      active: 0,
    });
    expect(stats.load).toEqual({ [MODEL]: { running: 0, waiting: 0 } });
    expect(sim.stats().inference.total).toBe(3);
  });
});
