/**
 * Pacing: time to first token and time per output token, measured from the client. Assertions
 * are loose on the upper side (a busy CI machine is late, never early).
 */
import OpenAI from 'openai';
import { performance } from 'node:perf_hooks';
import { LlmSim, startLlmSim } from './server';

const TTFT_MS = 80;
const TPOT_MS = 15;
const messages = [{ role: 'user' as const, content: 'pace me' }];
const exact = { ignore_eos: true } as object;

let sim: LlmSim;
let client: OpenAI;

beforeAll(async () => {
  sim = await startLlmSim({
    models: ['paced/model', { id: 'fast/model', ttftMs: 5, tpotMs: 1 }],
    ttftMs: TTFT_MS,
    tpotMs: TPOT_MS,
  });
  client = new OpenAI({
    baseURL: `${sim.url}/v1`,
    apiKey: 'unused',
    maxRetries: 0,
  });
});

afterAll(() => sim.close());

it('streams the first token after ttft and one token every tpot', async () => {
  const tokens = 12;
  const started = performance.now();
  const stream = await client.chat.completions.create({
    model: 'paced/model',
    messages,
    max_tokens: tokens,
    stream: true,
    ...exact,
  });
  const arrivals: number[] = [];
  for await (const chunk of stream) {
    if (chunk.choices[0]?.delta.content) arrivals.push(performance.now());
  }
  expect(arrivals).toHaveLength(tokens);
  // Token k is due at ttft + k * tpot after the request: never earlier, and (loosely) not much
  // later. Deadlines are absolute, so one late token does not push the rest back.
  arrivals.forEach((at, k) => {
    expect(at - started).toBeGreaterThanOrEqual(TTFT_MS + k * TPOT_MS - 1);
  });
  const ttft = arrivals[0] - started;
  expect(ttft).toBeLessThan(TTFT_MS + 250);
  const total = arrivals[tokens - 1] - started;
  expect(total).toBeLessThan(TTFT_MS + (tokens - 1) * TPOT_MS + 250);
  // Paced one by one, not sent in a burst at the end.
  const gaps = arrivals
    .slice(1)
    .map((at, k) => at - arrivals[k])
    .sort((a, b) => a - b);
  expect(gaps[Math.floor(gaps.length / 2)]).toBeGreaterThanOrEqual(TPOT_MS - 3);
});

it('a non-streamed answer takes ttft + (tokens - 1) * tpot', async () => {
  const tokens = 10;
  const started = performance.now();
  await client.chat.completions.create({
    model: 'paced/model',
    messages,
    max_tokens: tokens,
    ...exact,
  });
  const elapsed = performance.now() - started;
  expect(elapsed).toBeGreaterThanOrEqual(TTFT_MS + (tokens - 1) * TPOT_MS - 1);
  expect(elapsed).toBeLessThan(TTFT_MS + (tokens - 1) * TPOT_MS + 250);
});

it('per-model latency overrides the server’s', async () => {
  const started = performance.now();
  await client.chat.completions.create({
    model: 'fast/model',
    messages,
    max_tokens: 5,
    ...exact,
  });
  expect(performance.now() - started).toBeLessThan(TTFT_MS);
});

it('maxNumSeqs queues requests beyond it, visible as vllm:num_requests_waiting', async () => {
  const queued = await startLlmSim({
    models: [{ id: 'one/slot', maxNumSeqs: 1 }],
    ttftMs: 60,
    tpotMs: 1,
  });
  const queuedClient = new OpenAI({
    baseURL: `${queued.url}/v1`,
    apiKey: 'unused',
    maxRetries: 0,
  });
  try {
    const started = performance.now();
    const both = Promise.all([
      queuedClient.chat.completions.create({
        model: 'one/slot',
        messages,
        max_tokens: 1,
      }),
      queuedClient.chat.completions.create({
        model: 'one/slot',
        messages,
        max_tokens: 1,
      }),
    ]);
    await new Promise(resolve => setTimeout(resolve, 20));
    const metrics = await (await fetch(`${queued.url}/metrics`)).text();
    expect(metrics).toContain(
      'vllm:num_requests_running{model_name="one/slot",engine="0"} 1',
    );
    expect(metrics).toContain(
      'vllm:num_requests_waiting{model_name="one/slot",engine="0"} 1',
    );
    await both;
    expect(performance.now() - started).toBeGreaterThanOrEqual(120 - 2);
  } finally {
    await queued.close();
  }
});

it('close() ends open streams at once', async () => {
  const slow = await startLlmSim({
    models: ['slow/model'],
    ttftMs: 1,
    tpotMs: 1000,
  });
  const slowClient = new OpenAI({
    baseURL: `${slow.url}/v1`,
    apiKey: 'unused',
    maxRetries: 0,
  });
  const streams = await Promise.all(
    Array.from({ length: 5 }, () =>
      slowClient.chat.completions.create({
        model: 'slow/model',
        messages,
        stream: true,
        max_tokens: 50,
      }),
    ),
  );
  const consumed = streams.map(stream =>
    (async () => {
      for await (const chunk of stream) void chunk;
    })().then(
      () => 'ended',
      () => 'broken',
    ),
  );
  await new Promise(resolve => setTimeout(resolve, 50));
  expect(slow.stats().streams.active).toBe(5);
  const started = performance.now();
  await slow.close();
  expect(await Promise.all(consumed)).toEqual(Array(5).fill('broken'));
  expect(performance.now() - started).toBeLessThan(500);
});
