import OpenAI from 'openai';
import {
  dropDatabases,
  pgUrl,
  postgresProblem,
  signIn,
  startProductionBackend,
  startSim,
  type ProductionBackend,
} from '@genai-portal/test-utils';
import { Client } from 'pg';

/**
 * A replica killed (SIGKILL, OOM) just after it answered its last calls: every acknowledged
 * call's usage record is in /usage once the backend is back, and none twice. Production keeps
 * limits in Redis, so the gateway writes each record ahead to a Redis stream before the database
 * gets it; the metering flush interval is made long here so that a record kept only in the dead
 * process's memory would be missing.
 */
jest.setTimeout(240_000);

const P = '/api/genai-playground';
const MODEL = 'meta-llama/Llama-3.1-8B-Instruct';
const KUBE_TOKEN = 'usage-durability-token';
const CALLS = 12;

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  seconds = 45,
): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    let failure: unknown;
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      failure = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}: ${failure}`);
    }
    await sleep(300);
  }
}

describe('usage records of a replica killed right after answering', () => {
  const prefix = `portal_usage_${Date.now()}_`;
  let kube: { url: string; stop(): Promise<void> } | undefined;
  let llm: { url: string; stop(): Promise<void> } | undefined;
  let backend: ProductionBackend | undefined;

  beforeAll(async () => {
    const problem = await postgresProblem();
    if (problem) throw new Error(problem);
    kube = await startSim('kube-sim', ['--port=0', `--token=${KUBE_TOKEN}`]);
    llm = await startSim('llm-sim', [
      '--port=0',
      `--model=${MODEL}`,
      '--ttft-ms=1',
      '--tpot-ms=1',
    ]);
    backend = await startProductionBackend({
      cluster: { url: kube.url, token: KUBE_TOKEN },
      env: { APP_CONFIG_backend_database_prefix: prefix },
      config: {
        genaiPlayground: {
          inference: {
            // Long enough that no drain runs between the calls and the kill: records kept only
            // in the process's memory until a drain would be lost.
            metering: { flushIntervalMs: 5_000, claimIdleMs: 2_000 },
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
    try {
      await backend?.stop({ signal: 'SIGKILL' });
      await dropDatabases(prefix);
    } finally {
      await llm?.stop();
      await kube?.stop();
    }
  });

  it('are all in /usage after the restart, each exactly once', async () => {
    const baseUrl = backend!.baseUrl;
    // once the catalog has read the org file (lena.fischer's entity)
    const token = await waitFor(
      'sign-in',
      () => signIn(baseUrl, 'lena.fischer'),
      120,
    );
    const portal = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      if (res.status >= 300) throw new Error(`${path}: ${res.status} ${text}`);
      return JSON.parse(text);
    };
    // the team's group may be read by the catalog a moment after the user
    const env = await waitFor('the environment', () =>
      portal('POST', `${P}/environments`, {
        name: 'durability',
        team: 'ml-research',
        gpuPool: 'mi300x',
        gpus: 1,
        cpu: 2,
        memoryGi: 4,
        storageGi: 10,
        ttlHours: 24,
        costCenter: 'CC-2100',
        dataClassification: 'internal',
        securityLevel: 'medium',
      }),
    );
    const key = await portal('POST', `${P}/environments/${env.id}/keys`, {
      name: 'durability',
    });
    const openai = new OpenAI({
      apiKey: key.key,
      baseURL: `${baseUrl}${P}/v1`,
      maxRetries: 0,
    });

    const requestIds: string[] = [];
    const streamed = new Set<string>();
    for (let i = 0; i < CALLS; i++) {
      const request = { model: MODEL, max_tokens: 3 };
      const messages = [{ role: 'user' as const, content: `call ${i}` }];
      if (i % 2) {
        const { data, response } = await openai.chat.completions
          .create({ ...request, messages, stream: true })
          .withResponse();
        requestIds.push(response.headers.get('x-request-id')!);
        // consumed to its end: the call is acknowledged in full
        for await (const chunk of data) streamed.add(chunk.object);
      } else {
        const { response } = await openai.chat.completions
          .create({ ...request, messages })
          .withResponse();
        requestIds.push(response.headers.get('x-request-id')!);
      }
    }
    expect([...streamed]).toEqual(['chat.completion.chunk']);
    // No pause: the gateway sends an answer's last bytes only once its record is in the Redis
    // stream (InferenceProxy awaits `record()` first), so a kill right after loses nothing.
    await backend!.restart({ signal: 'SIGKILL' });

    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 3_600_000).toISOString();
    const metered = async () => {
      const usage = await portal(
        'GET',
        `${P}/usage?groupBy=key&team=ml-research&from=${from}&to=${to}`,
      );
      return (usage.items as any[]).find(i => i.group === key.id)?.requests as
        | number
        | undefined;
    };
    await waitFor(`${CALLS} metered calls`, async () => {
      const n = await metered();
      if (n !== CALLS) throw new Error(`${n} metered so far`);
      return true;
    });
    // past the claim time, a record written twice would show by now
    await sleep(3_000);
    expect(await metered()).toBe(CALLS);

    const url = new URL(pgUrl);
    url.pathname = `/${prefix}genai-playground`;
    const db = new Client({ connectionString: url.toString() });
    await db.connect();
    try {
      const { rows } = await db.query(
        'SELECT request_id, count(*)::int AS n FROM usage_records WHERE key_id = $1 GROUP BY request_id',
        [key.id],
      );
      const counts = new Map(rows.map(r => [r.request_id, r.n]));
      for (const id of requestIds) expect(counts.get(id)).toBe(1);
    } finally {
      await db.end();
    }
  });
});
