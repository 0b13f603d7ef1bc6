import OpenAI from 'openai';
import {
  assembleBackendImage,
  dropDatabases,
  pgUrl,
  postgresProblem,
  signIn,
  startProductionBackend,
  startRoundRobinProxy,
  startSim,
  type BackendImage,
  type ProductionBackend,
  type RoundRobinProxy,
} from '@genai-portal/test-utils';
import { rmSync } from 'node:fs';
import { Client } from 'pg';

/**
 * The portal as production runs it: two replicas of the production build (`yarn build:backend`,
 * laid out as the container image by test-utils' assembleBackendImage) on one PostgreSQL and Redis,
 * behind a round-robin router, used by real clients (the `openai` client on the gateway, fetch on
 * the portal's API). Scheduled work runs once per tick, an API key's RPM holds across replicas, a
 * crash of one replica costs only the calls it was serving, and a rolling restart loses no
 * acknowledged call.
 */
jest.setTimeout(300_000);

const P = '/api/genai-playground';
const MODEL = 'meta-llama/Llama-3.1-8B-Instruct';
const KUBE_TOKEN = 'replicas-token';
const MEMBER = 'lena.fischer';
const COLLECTOR = 'genai-insights-collector';
const COLLECTOR_SECONDS = 2;

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  seconds = 60,
): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(300);
  }
}

/** A client of one of the backend's databases. */
async function database(name: string): Promise<Client> {
  const url = new URL(pgUrl);
  url.pathname = `/${name}`;
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  return client;
}

/**
 * Records every claim of a global task in the scheduler's table (its ticket goes from null to a
 * value when a replica takes a run), so the runs can be counted whichever replica made them.
 */
async function recordTaskClaims(client: Client) {
  await client.query(`
    CREATE TABLE replicas_test_claims (task text, ticket text, at timestamptz);
    CREATE FUNCTION replicas_test_claim() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO replicas_test_claims VALUES (NEW.id, NEW.current_run_ticket, clock_timestamp());
      RETURN NEW;
    END $$;
    CREATE TRIGGER replicas_test_claim AFTER UPDATE ON backstage_backend_tasks__tasks
      FOR EACH ROW WHEN (OLD.current_run_ticket IS NULL AND NEW.current_run_ticket IS NOT NULL)
      EXECUTE FUNCTION replicas_test_claim();
  `);
}

describe('two replicas behind a round-robin router', () => {
  const prefix = `portal_replicas_${Date.now()}_`;
  let kube: { url: string; stop(): Promise<void> } | undefined;
  let llm: { url: string; stop(): Promise<void> } | undefined;
  let image: BackendImage | undefined;
  let replicas: ProductionBackend[] = [];
  let proxy: RoundRobinProxy;
  let token: string;
  let environmentId: string;

  const portal = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${proxy.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (res.status >= 300) {
      throw new Error(`${method} ${path}: ${res.status} ${text}`);
    }
    return JSON.parse(text);
  };
  const newKey = async (name: string, limits: { rpm?: number } = {}) => {
    const key = await portal(
      'POST',
      `${P}/environments/${environmentId}/keys`,
      {
        name,
        ...limits,
      },
    );
    return {
      id: key.id as string,
      // No retries: every outcome the test counts is the router's answer to one call.
      client: new OpenAI({
        apiKey: key.key,
        baseURL: `${proxy.url}${P}/v1`,
        maxRetries: 0,
        timeout: 30_000,
      }),
    };
  };
  const chat = (client: OpenAI, maxTokens = 4) =>
    client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'Say hi' }],
      max_tokens: maxTokens,
    });
  /** The key's successful calls as the usage report counts them. */
  const meteredSuccesses = async (keyId: string) => {
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 3_600_000).toISOString();
    const usage = await portal(
      'GET',
      `${P}/usage?groupBy=key&team=ml-research&from=${from}&to=${to}`,
    );
    const row = (usage.items as any[]).find(i => i.group === keyId);
    return row ? row.requests - row.errors : 0;
  };
  const bothRoutable = () =>
    waitFor('the router to route to both replicas', async () =>
      proxy.routable().length === 2 ? true : undefined,
    );
  /** Calls the gateway `concurrency` at a time until stopped; what each call got. */
  const steadyTraffic = (client: OpenAI, concurrency = 2) => {
    const calls: { startedAt: number; ok: boolean; error?: string }[] = [];
    let running = true;
    const loops = Array.from({ length: concurrency }, async () => {
      while (running) {
        const startedAt = Date.now();
        try {
          await chat(client);
          calls.push({ startedAt, ok: true });
        } catch (error) {
          calls.push({ startedAt, ok: false, error: String(error) });
        }
      }
    });
    return {
      calls,
      stop: async () => {
        running = false;
        await Promise.all(loops);
        return calls;
      },
    };
  };

  beforeAll(async () => {
    const problem = await postgresProblem();
    if (problem) throw new Error(problem);
    image = await assembleBackendImage();
    kube = await startSim('kube-sim', ['--port=0', `--token=${KUBE_TOKEN}`]);
    llm = await startSim('llm-sim', [
      '--port=0',
      `--model=${MODEL}`,
      '--ttft-ms=1',
      '--tpot-ms=20',
    ]);
    const config = {
      // Two replicas and their restarts within PostgreSQL's default 100 connections, which the
      // suites running beside this one share: idle pools hold none.
      backend: {
        database: { knexConfig: { pool: { min: 0, max: 3 } } },
        // A replica told to stop fails its readiness first and serves on until the router has
        // moved on; without it, calls routed in the meantime get 503 "Service is shutting down".
        lifecycle: { serverShutdownDelay: '2s' },
      },
      genaiPlayground: {
        inference: {
          metering: { flushIntervalMs: 300 },
          // Steady traffic here is far above the defaults a real user gets.
          keyDefaults: { rpm: 1_000_000, tpm: 1_000_000_000 },
          userLimits: { rpm: 1_000_000, tpm: 1_000_000_000 },
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
      genaiInsights: { collector: { frequencySeconds: COLLECTOR_SECONDS } },
    };
    const started = await Promise.allSettled(
      [0, 1].map(() =>
        startProductionBackend({
          cluster: { url: kube!.url, token: KUBE_TOKEN },
          config,
          image,
          // One database set for both, as the replicas of one Deployment share it.
          env: { APP_CONFIG_backend_database_prefix: prefix },
        }),
      ),
    );
    replicas = started.flatMap(s =>
      s.status === 'fulfilled' ? [s.value] : [],
    );
    const failed = started.find(s => s.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    proxy = await startRoundRobinProxy(replicas.map(r => r.baseUrl));
    token = await waitFor(`${MEMBER} to sign in`, () =>
      signIn(proxy.url, MEMBER),
    );
    const env = await portal('POST', `${P}/environments`, {
      name: 'replicas',
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
    });
    environmentId = env.id;
  });

  afterAll(async () => {
    await proxy?.close();
    // How they stop is the shutdown test's (src/shutdown.test.ts): SIGKILL is quicker here.
    await Promise.all(replicas.map(r => r.stop({ signal: 'SIGKILL' })));
    await dropDatabases(prefix);
    await llm?.stop();
    await kube?.stop();
    if (image) rmSync(image.dir, { recursive: true, force: true });
  });

  it('runs a global scheduled task once per tick, not once per replica', async () => {
    const client = await database(`${prefix}genai-insights`);
    try {
      await recordTaskClaims(client);
      const windowSeconds = 12;
      const { rows: start } = await client.query('SELECT now() AS at');
      await sleep(windowSeconds * 1000);
      const { rows } = await client.query(
        `SELECT at FROM replicas_test_claims WHERE task = $1 AND at > $2 ORDER BY at`,
        [COLLECTOR, start[0].at],
      );
      const times = rows.map(r => new Date(r.at).getTime());
      const gaps = times.slice(1).map((t, i) => (t - times[i]) / 1000);
      // Once per replica would be twice as many runs, in pairs milliseconds apart.
      const ticks = windowSeconds / COLLECTOR_SECONDS;
      expect(times.length).toBeGreaterThanOrEqual(ticks - 2);
      expect(times.length).toBeLessThanOrEqual(ticks + 1);
      expect(Math.min(...gaps)).toBeGreaterThan(COLLECTOR_SECONDS * 0.5);
    } finally {
      await client.end();
    }
  });

  it("holds an API key's RPM across replicas: exactly N successes, then 429", async () => {
    const rpm = 6;
    const { id, client } = await newKey('rpm', { rpm });
    const outcomes = await Promise.all(
      Array.from({ length: rpm + 4 }, () =>
        chat(client).then(
          () => 200,
          error => (error as { status?: number }).status ?? String(error),
        ),
      ),
    );
    expect(outcomes.filter(o => o === 200)).toHaveLength(rpm);
    expect(outcomes.filter(o => o === 429)).toHaveLength(4);
    await waitFor('the successes in the usage report', async () =>
      (await meteredSuccesses(id)) === rpm ? true : undefined,
    );
  });

  it("a replica's crash fails only the calls it was serving; its streams end with an error", async () => {
    const { client } = await newKey('crash');
    // Two streams in a row: the router gives one to each replica.
    const streams = [0, 1].map(async () => {
      const stream = await client.chat.completions.create({
        model: MODEL,
        messages: [{ role: 'user', content: 'Tell a long story' }],
        max_tokens: 400,
        stream: true,
        ignore_eos: true,
      } as OpenAI.ChatCompletionCreateParamsStreaming);
      let chunks = 0;
      for await (const _ of stream) chunks++;
      return chunks;
    });
    // Bounded: a stream cut by the crash must end, not hang.
    const ended = Promise.all(
      streams.map(s =>
        Promise.race([
          s.then(
            chunks => ({ ok: true, chunks }),
            error => ({ ok: false, error: String(error) }),
          ),
          sleep(30_000).then(() => ({ ok: false, error: 'hang' })),
        ]),
      ),
    );
    const traffic = steadyTraffic(client);
    await sleep(1_500);
    const restarted = replicas[0].restart({ signal: 'SIGKILL' });
    // The router drops the dead replica when it refuses a connection, as readiness would.
    await waitFor('the router to drop the dead replica', async () =>
      proxy.routable().length === 1 ? true : undefined,
    );
    const droppedAt = Date.now();
    await restarted;
    const calls = await traffic.stop();
    const [first, second] = await ended;
    expect([first, second].filter(e => e.ok)).toEqual([
      { ok: true, chunks: 401 },
    ]);
    const broken = [first, second].find(e => !e.ok) as { error: string };
    expect(broken.error).not.toBe('hang');
    const after = calls.filter(c => c.startedAt > droppedAt);
    expect(after.length).toBeGreaterThan(10);
    expect(after.filter(c => !c.ok)).toEqual([]);
    // Of the calls under way at the crash, only the dead replica's could fail.
    expect(calls.filter(c => !c.ok).length).toBeLessThanOrEqual(2);
    await bothRoutable();
  });

  it('a rolling restart (SIGTERM) loses no acknowledged call: each shows in /usage once', async () => {
    const { id, client } = await newKey('rolling');
    const traffic = steadyTraffic(client);
    for (const replica of replicas) {
      await sleep(1_000);
      await replica.restart({ signal: 'SIGTERM' });
      await bothRoutable();
    }
    await sleep(1_000);
    const calls = await traffic.stop();
    const acknowledged = calls.filter(c => c.ok).length;
    expect(acknowledged).toBeGreaterThan(20);
    // A SIGTERM drains: the router moves on before any call is refused.
    expect(calls.filter(c => !c.ok)).toEqual([]);
    const metered = await waitFor('the usage report to settle', async () => {
      const n = await meteredSuccesses(id);
      return n >= acknowledged ? n : undefined;
    });
    await sleep(1_000);
    expect(await meteredSuccesses(id)).toBe(metered);
    expect(metered).toBe(acknowledged);
  });
});
