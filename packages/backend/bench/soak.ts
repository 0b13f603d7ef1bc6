/**
 * `yarn soak [--minutes N] [--sample-seconds N] [--flat-percent N] [--from-sources]`: two replicas
 * of the production build (test-utils' assembleBackendImage, as the container image holds it; the
 * TypeScript sources with --from-sources) in production config (the machine's PostgreSQL and
 * Redis, kube-sim, llm-sim) behind the test utils' round-robin proxy, under steady mixed traffic for `--minutes` (30): gateway calls
 * through the `openai` client (three loops, one of them streaming) and portal reads (environments, keys, usage),
 * with llm-sim's faults switched on and off every minute. Every `--sample-seconds` (30) it samples
 * each replica's RSS and open file descriptors (/proc/<pid>) and the PostgreSQL connections of the
 * replicas' databases; at the end it prints the table, a verdict per series (flat: the last
 * quarter's mean within `--flat-percent` (20) of the first quarter's; shrinking, as pools and
 * heap settle after start, passes; growing beyond it fails) and whether every call the
 * clients saw succeed is in the usage report exactly once.
 */
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
} from '@genai-portal/test-utils';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import OpenAI from 'openai';
import { Client } from 'pg';

const P = '/api/genai-playground';
const MODEL = 'meta-llama/Llama-3.1-8B-Instruct';
const KUBE_TOKEN = 'soak-kube-token';
const MEMBER = 'lena.fischer';
const FAULT_TOGGLE_MS = 60_000;
/** While on: one upstream call in ten fails with 503 (the gateway retries most of them). */
const FAULTS = { failRate: 0.1, failStatus: 503 };

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`--${name} must be a positive number`);
  }
  return value;
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

const openFds = (pid: number) => readdirSync(`/proc/${pid}/fd`).length;

async function pgConnections(prefix: string): Promise<number> {
  const client = new Client({ connectionString: pgUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname LIKE $1',
      [`${prefix}%`],
    );
    return rows[0].n;
  } finally {
    await client.end();
  }
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Flat: the last quarter's mean within `percent` of the first quarter's. */
function verdict(series: number[], percent: number) {
  const quarter = Math.max(1, Math.floor(series.length / 4));
  const first = mean(series.slice(0, quarter));
  const last = mean(series.slice(-quarter));
  // From nothing, any growth counts as a doubling.
  const change =
    first === 0 ? Math.sign(last) * 100 : (100 * (last - first)) / first;
  let trend = 'flat';
  if (change > percent) trend = 'GROWING';
  else if (change < -percent) trend = 'shrinking';
  return { first, last, change, trend };
}

async function main() {
  const minutes = option('minutes', 30);
  const sampleSeconds = option('sample-seconds', 30);
  const flatPercent = option('flat-percent', 20);
  const problem = await postgresProblem();
  if (problem) throw new Error(problem);

  // The production build (as the container image holds it) unless --from-sources.
  const image: BackendImage | undefined = process.argv.includes(
    '--from-sources',
  )
    ? undefined
    : await assembleBackendImage();
  const prefix = `portal_soak_${Date.now()}_`;
  const kube = await startSim('kube-sim', [
    '--port=0',
    `--token=${KUBE_TOKEN}`,
  ]);
  const llm = await startSim('llm-sim', [
    '--port=0',
    `--model=${MODEL}`,
    '--ttft-ms=5',
    '--tpot-ms=5',
  ]);
  const config = {
    backend: { lifecycle: { serverShutdownDelay: '2s' } },
    genaiPlayground: {
      inference: {
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
  };
  const replicas: ProductionBackend[] = [];
  let proxy: Awaited<ReturnType<typeof startRoundRobinProxy>> | undefined;
  try {
    for (const replica of await Promise.all(
      [0, 1].map(() =>
        startProductionBackend({
          cluster: { url: kube.url, token: KUBE_TOKEN },
          config,
          image,
          env: { APP_CONFIG_backend_database_prefix: prefix },
        }),
      ),
    )) {
      replicas.push(replica);
    }
    proxy = await startRoundRobinProxy(replicas.map(r => r.baseUrl));
    const base = proxy.url;
    const token = await signIn(base, MEMBER);
    const portal = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      if (res.status >= 300)
        throw new Error(`${method} ${path}: ${res.status} ${text}`);
      return JSON.parse(text);
    };
    const env = await portal('POST', `${P}/environments`, {
      name: 'soak',
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
    const key = await portal('POST', `${P}/environments/${env.id}/keys`, {
      name: 'soak',
    });
    const openai = new OpenAI({
      apiKey: key.key,
      baseURL: `${base}${P}/v1`,
      maxRetries: 0,
      timeout: 60_000,
    });

    const counts = { ok: 0, failed: 0, streams: 0, reads: 0, readErrors: 0 };
    const errors = new Map<string, number>();
    const deadline = Date.now() + minutes * 60_000;
    const gatewayLoop = async (stream: boolean) => {
      while (Date.now() < deadline) {
        try {
          if (stream) {
            const s = await openai.chat.completions.create({
              model: MODEL,
              messages: [{ role: 'user', content: 'Tell a story' }],
              max_tokens: 64,
              stream: true,
            });
            for await (const _ of s) {
              // drain
            }
            counts.streams++;
          } else {
            await openai.chat.completions.create({
              model: MODEL,
              messages: [{ role: 'user', content: 'Say hi' }],
              max_tokens: 8,
            });
          }
          counts.ok++;
        } catch (error) {
          counts.failed++;
          const kind = String(
            (error as { status?: number }).status ?? error,
          ).slice(0, 60);
          errors.set(kind, (errors.get(kind) ?? 0) + 1);
        }
      }
    };
    const readLoop = async () => {
      const paths = [
        `${P}/environments`,
        `${P}/environments/${env.id}/keys`,
        `${P}/usage?groupBy=model&team=ml-research`,
      ];
      for (let i = 0; Date.now() < deadline; i++) {
        try {
          await portal('GET', paths[i % paths.length]);
          counts.reads++;
        } catch {
          counts.readErrors++;
        }
        await sleep(100);
      }
    };
    const faultLoop = async () => {
      for (let on = true; Date.now() < deadline; on = !on) {
        await fetch(`${llm.url}/_sim/faults`, {
          method: on ? 'POST' : 'DELETE',
          headers: { 'content-type': 'application/json' },
          body: on ? JSON.stringify(FAULTS) : undefined,
        });
        await sleep(
          Math.min(FAULT_TOGGLE_MS, Math.max(0, deadline - Date.now())),
        );
      }
      await fetch(`${llm.url}/_sim/faults`, { method: 'DELETE' });
    };
    const pids = replicas.map(r => r.pid());
    const samples: { at: number; rss: number[]; fds: number[]; pg: number }[] =
      [];
    const sampleLoop = async () => {
      const started = Date.now();
      while (Date.now() < deadline) {
        samples.push({
          at: Math.round((Date.now() - started) / 1000),
          rss: pids.map(rssMiB),
          fds: pids.map(openFds),
          pg: await pgConnections(prefix),
        });
        const s = samples[samples.length - 1];
        console.log(
          `${String(s.at).padStart(5)} s  rss ${s.rss
            .map(x => x.toFixed(0))
            .join(' / ')} MiB  fds ${s.fds.join(' / ')}  pg ${s.pg}  calls ${
            counts.ok
          } ok ${counts.failed} failed  reads ${counts.reads}`,
        );
        await sleep(sampleSeconds * 1000);
      }
    };
    await Promise.all([
      gatewayLoop(false),
      gatewayLoop(false),
      gatewayLoop(true),
      readLoop(),
      faultLoop(),
      sampleLoop(),
    ]);

    // The recorder flushes every second: wait for the report to stop moving.
    let metered = -1;
    for (let settled = 0; settled < 3; ) {
      await sleep(2_000);
      const usage = await portal(
        'GET',
        `${P}/usage?groupBy=key&team=ml-research`,
      );
      const row = (usage.items as any[]).find(i => i.group === key.id);
      const now = row ? row.requests - row.errors : 0;
      settled = now === metered ? settled + 1 : 0;
      metered = now;
    }

    console.log('\nseries (first quarter -> last quarter)');
    const series: Record<string, number[]> = {
      'rss replica 1 (MiB)': samples.map(s => s.rss[0]),
      'rss replica 2 (MiB)': samples.map(s => s.rss[1]),
      'open fds replica 1': samples.map(s => s.fds[0]),
      'open fds replica 2': samples.map(s => s.fds[1]),
      'pg connections': samples.map(s => s.pg),
    };
    const verdicts = Object.entries(series).map(([name, values]) => {
      const v = verdict(values, flatPercent);
      console.log(
        `${name.padEnd(22)} ${v.first.toFixed(1)} -> ${v.last.toFixed(1)} (${
          v.change >= 0 ? '+' : ''
        }${v.change.toFixed(1)} %) ${v.trend}`,
      );
      return v.trend !== 'GROWING';
    });
    console.log(
      `\ncalls: ${counts.ok} succeeded (${counts.streams} streams), ${
        counts.failed
      } failed ${JSON.stringify(Object.fromEntries(errors))}; portal reads: ${
        counts.reads
      } ok, ${counts.readErrors} failed`,
    );
    console.log(
      `usage report: ${metered} successful calls of the key; clients saw ${
        counts.ok
      }: ${metered === counts.ok ? 'every call accounted' : 'MISMATCH'}`,
    );
    const pass = verdicts.every(Boolean) && metered === counts.ok;
    console.log(`verdict: ${pass ? 'PASS' : 'FAIL'}`);
    process.exitCode = pass ? 0 : 1;
  } finally {
    await proxy?.close();
    await Promise.all(replicas.map(r => r.stop({ signal: 'SIGTERM' })));
    await dropDatabases(prefix);
    await llm.stop();
    await kube.stop();
    if (image) rmSync(image.dir, { recursive: true, force: true });
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
