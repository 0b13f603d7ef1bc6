import {
  postgresProblem,
  signIn,
  startProductionBackend,
  startSim,
  type ProductionBackend,
} from '@genai-portal/test-utils';
import OpenAI from 'openai';
import {
  startOtlpReceiver,
  type ReceivedSpan,
} from './__testUtils__/otlpReceiver';

/**
 * The gateway's traces end to end: the real backend process (production config, PostgreSQL,
 * Redis) with the standard OTEL_* variables pointing at an OTLP/HTTP receiver started here. The
 * `openai` client chats, streams, is refused over a key's RPM and with a wrong key; every call
 * must arrive as one span with the GenAI attributes, the tokens the usage API meters, and an
 * error status for the refusals.
 */
jest.setTimeout(180_000);

const P = '/api/genai-playground';
const MODEL = 'meta-llama/Llama-3.1-8B-Instruct';
const KUBE_TOKEN = 'traces-test-token';
const TEAM = 'group:default/ml-research';
const GATEWAY_SCOPE = '@genai-portal/plugin-genai-playground-backend';
const CLIENT_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_KIND_SERVER = 2;
const STATUS_ERROR = 2;

const FROM = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
const TO = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);

/** Retries until `probe` resolves (the catalog reads its users a little after start-up). */
async function eventually<T>(
  what: string,
  probe: () => Promise<T>,
): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      return await probe();
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${what}: ${error}`);
      await new Promise(r => setTimeout(r, 500));
    }
  }
}

interface UsageRow {
  group: string;
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
}

describe('gateway traces on the real backend', () => {
  let skipped: string | undefined;
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let kube: { url: string; stop(): Promise<void> };
  let llm: { url: string; stop(): Promise<void> };
  let backend: ProductionBackend;

  beforeAll(async () => {
    skipped = await postgresProblem();
    if (skipped) {
      if (process.env.CI) throw new Error(skipped);
      return;
    }
    receiver = await startOtlpReceiver();
    kube = await startSim('kube-sim', ['--port=0', `--token=${KUBE_TOKEN}`]);
    llm = await startSim('llm-sim', [
      '--port=0',
      `--model=${MODEL}`,
      '--ttft-ms=1',
      '--tpot-ms=1',
    ]);
    backend = await startProductionBackend({
      cluster: { url: kube.url, token: KUBE_TOKEN },
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
        OTEL_BSP_SCHEDULE_DELAY: '200',
      },
      config: {
        genaiPlayground: {
          inference: {
            models: [
              {
                name: MODEL,
                upstreams: [llm.url],
                gpuPool: 'mi355x',
                pricePer1MInput: 0.2,
                pricePer1MOutput: 0.6,
                contextLength: 8192,
              },
            ],
          },
        },
      },
    });
  });

  afterAll(async () => {
    // SIGKILL: a clean stop waits a minute for the events bus (flushTracesOnShutdown.test.ts
    // shows the spans are flushed then)
    await backend?.stop({ signal: 'SIGKILL' });
    await kube?.stop();
    await llm?.stop();
    await receiver?.close();
  });

  it('exports each gateway call as a span with its model, team, tokens and status', async () => {
    if (skipped) {
      console.warn(`skipped: ${skipped}`);
      return;
    }
    const { baseUrl } = backend;
    const member = await eventually('sign-in', () =>
      signIn(baseUrl, 'lena.fischer'),
    );
    const lead = await signIn(baseUrl, 'marco.rossi');
    const api = async (
      token: string,
      method: string,
      path: string,
      body?: unknown,
    ) => {
      const res = await fetch(`${baseUrl}${P}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (res.status >= 300)
        throw new Error(`${method} ${path}: ${res.status} ${text}`);
      return JSON.parse(text);
    };

    const env = await api(member, 'POST', '/environments', {
      name: 'traces',
      team: 'ml-research',
      gpuPool: 'mi300x',
      gpus: 1,
      cpu: 4,
      memoryGi: 16,
      storageGi: 10,
      ttlHours: 24,
      costCenter: 'CC-2100',
      dataClassification: 'internal',
      securityLevel: 'medium',
    });
    const newKey = (name: string, limits: object = {}) =>
      api(member, 'POST', `/environments/${env.id}/keys`, { name, ...limits });
    const keys = {
      chat: await newKey('traces-chat'),
      stream: await newKey('traces-stream'),
      limited: await newKey('traces-limited', { rpm: 1 }),
    };
    const client = (apiKey: string) =>
      new OpenAI({ apiKey, baseURL: `${baseUrl}${P}/v1`, maxRetries: 0 });
    const question = {
      model: MODEL,
      messages: [{ role: 'user' as const, content: 'Say hello' }],
      max_tokens: 8,
    };

    const chat = await client(keys.chat.key).chat.completions.create(question);
    const stream = await client(keys.stream.key).chat.completions.create(
      { ...question, stream: true },
      { headers: { traceparent: `00-${CLIENT_TRACE}-00f067aa0ba902b7-01` } },
    );
    let streamed = '';
    for await (const chunk of stream) {
      streamed += chunk.choices[0]?.delta.content ?? '';
    }
    expect(streamed).not.toBe('');
    const limited = client(keys.limited.key);
    await limited.chat.completions.create(question);
    await expect(
      limited.chat.completions.create(question),
    ).rejects.toMatchObject({
      status: 429,
    });
    await expect(
      client('sk-genai-not-a-key').chat.completions.create(question),
    ).rejects.toMatchObject({ status: 401 });

    // What metering recorded per key (it writes in batches).
    const usage = await eventually(
      'the calls in the usage report',
      async () => {
        const report = await api(
          lead,
          'GET',
          `/usage?groupBy=key&from=${FROM}T00:00:00Z&to=${TO}T00:00:00Z&team=ml-research`,
        );
        const rows = new Map<string, UsageRow>(
          (report.items as UsageRow[]).map(row => [row.group, row]),
        );
        if (rows.get(keys.limited.id)?.requests !== 2)
          throw new Error('not yet');
        return rows;
      },
    );

    const gateway = await eventually('the five spans', async () => {
      const spans = receiver.spans.filter(s => s.scope === GATEWAY_SCOPE);
      if (spans.length < 5) throw new Error(`${spans.length} so far`);
      return spans;
    });
    const ofKey = (key: { id: string }) =>
      gateway.filter(s => s.attributes['genai_playground.key_id'] === key.id);
    const tokensOf = (spans: ReceivedSpan[]) => ({
      requests: spans.length,
      errors: spans.filter(s => s.status.code === STATUS_ERROR).length,
      inputTokens: spans.reduce(
        (sum, s) => sum + Number(s.attributes['gen_ai.usage.input_tokens']),
        0,
      ),
      outputTokens: spans.reduce(
        (sum, s) => sum + Number(s.attributes['gen_ai.usage.output_tokens']),
        0,
      ),
    });
    expect(gateway).toHaveLength(5);
    for (const key of Object.values(keys)) {
      expect(tokensOf(ofKey(key))).toEqual({
        requests: usage.get(key.id)!.requests,
        errors: usage.get(key.id)!.errors,
        inputTokens: usage.get(key.id)!.inputTokens,
        outputTokens: usage.get(key.id)!.outputTokens,
      });
    }

    const [chatSpan] = ofKey(keys.chat);
    expect(chatSpan).toMatchObject({
      name: `chat ${MODEL}`,
      kind: SPAN_KIND_SERVER,
      service: 'genai-portal',
      status: {},
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.system': 'vllm',
        'gen_ai.request.model': MODEL,
        'gen_ai.response.model': MODEL,
        'gen_ai.usage.input_tokens': chat.usage!.prompt_tokens,
        'gen_ai.usage.output_tokens': chat.usage!.completion_tokens,
        'genai_playground.team': TEAM,
        'genai_playground.environment': env.id,
        'genai_playground.stream': false,
        'genai_playground.upstream': llm.url,
        'http.response.status_code': 200,
      },
    });
    expect(chatSpan.status.code ?? 0).not.toBe(STATUS_ERROR);

    const [streamSpan] = ofKey(keys.stream);
    expect(streamSpan.traceId).toBe(CLIENT_TRACE);
    expect(streamSpan.parentSpanId).toBe('00f067aa0ba902b7');
    expect(streamSpan.attributes).toMatchObject({
      'genai_playground.stream': true,
      'genai_playground.team': TEAM,
      'http.response.status_code': 200,
    });
    expect(streamSpan.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(
      0,
    );
    expect(streamSpan.attributes['genai_playground.ttft_ms']).toBeGreaterThan(
      0,
    );

    const refused = ofKey(keys.limited).find(
      s => s.attributes['http.response.status_code'] === 429,
    );
    expect(refused).toMatchObject({
      status: { code: STATUS_ERROR, message: 'rate_limit_exceeded' },
      attributes: {
        'error.type': 'rate_limit_exceeded',
        'genai_playground.team': TEAM,
        'gen_ai.request.model': MODEL,
        'gen_ai.usage.input_tokens': 0,
        'gen_ai.usage.output_tokens': 0,
      },
    });

    const unknownKey = gateway.find(
      s => s.attributes['http.response.status_code'] === 401,
    );
    expect(unknownKey).toMatchObject({
      name: 'chat',
      status: { code: STATUS_ERROR, message: 'invalid_api_key' },
    });
    expect(unknownKey!.attributes['genai_playground.team']).toBeUndefined();
  });
});
