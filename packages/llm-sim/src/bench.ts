/**
 * llm-sim-bench: can the sim stream hundreds of responses at the configured pace?
 *
 * It starts a sim in this process (by default in a worker thread, so the server has its own
 * event loop and the load generator does not eat its timer slots; --same-thread puts both on one
 * loop), then over several rounds opens N concurrent streaming chat requests with a raw HTTP/1.1
 * client (bench-client.ts: no SDK, no HTTP parser, to keep the client cheap) and measures time to first token, the gap between content
 * chunks, wall time, chunks, errors and memory. A baseline at concurrency 1 runs in the same
 * process for comparison. Figures are medians over rounds.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { RawStreamConnection } from './bench-client';
import { startLlmSim } from './server';

export interface BenchOptions {
  concurrency: number;
  rounds: number;
  /** Requests in each concurrency-1 baseline round. */
  baselineRequests: number;
  ttftMs: number;
  tpotMs: number;
  tokens: number;
  sameThread: boolean;
  /** Benchmark a server that is already running (another llm-sim, or a real vLLM) instead. */
  url?: string;
  /** The model to ask for; with `url`, one that server serves. */
  model: string;
}

export const DEFAULT_BENCH_OPTIONS: BenchOptions = {
  concurrency: 500,
  rounds: 3,
  baselineRequests: 5,
  ttftMs: 50,
  tpotMs: 20,
  tokens: 64,
  sameThread: false,
  model: 'bench/model',
};

interface RequestResult {
  ok: boolean;
  ttftMs: number;
  gapsMs: number[];
  chunks: number;
}

export interface RoundResult {
  ttftP50: number;
  ttftP99: number;
  gapP50: number;
  gapP99: number;
  gapMax: number;
  wallMs: number;
  chunks: number;
  errors: number;
  cpuMs: number;
  /** CPU other processes used meanwhile: a busy machine explains bad figures. */
  otherCpuMs: number;
  serverLoopP99: number;
  serverLoopMax: number;
  clientLoopP99: number;
}

export interface BenchReport {
  options: BenchOptions;
  baseline: RoundResult;
  loaded: RoundResult;
  rssMb: { start: number; peak: number; end: number };
}

/** Event-loop delay (how late a 1 ms timer fires), in ms: how far behind a loop runs. */
export interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
}

/** Measures a loop's delay between reset() and read(). */
interface LoopMonitor {
  reset(): Promise<void>;
  read(): Promise<LoopDelay>;
}

interface ServerHandle {
  url: string;
  /** The server's event loop (the same as the client's with --same-thread). */
  loop: LoopMonitor;
  close(): Promise<void>;
}

function localLoopMonitor(): LoopMonitor & { stop(): void } {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  return {
    reset: async () => histogram.reset(),
    read: async () => ({
      p50: histogram.percentile(50) / 1e6,
      p99: histogram.percentile(99) / 1e6,
      max: histogram.max / 1e6,
    }),
    stop: () => histogram.disable(),
  };
}

async function startServer(options: BenchOptions): Promise<ServerHandle> {
  const simOptions = {
    models: [{ id: options.model, maxModelLen: 8192 }],
    ttftMs: options.ttftMs,
    tpotMs: options.tpotMs,
  };
  if (options.url) {
    const unknown = async () => ({ p50: NaN, p99: NaN, max: NaN });
    return {
      url: options.url.replace(/\/+$/, ''),
      loop: { reset: async () => {}, read: unknown },
      close: async () => {},
    };
  }
  if (options.sameThread) {
    const sim = await startLlmSim(simOptions);
    const loop = localLoopMonitor();
    return {
      url: sim.url,
      loop,
      close: () => {
        loop.stop();
        return sim.close();
      },
    };
  }
  // The worker loads the package entry; from TypeScript sources it needs Backstage's transform.
  const fromSource = __filename.endsWith('.ts');
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     const { monitorEventLoopDelay } = require('node:perf_hooks');
     if (workerData.transform) require(workerData.transform);
     const delay = monitorEventLoopDelay({ resolution: 1 });
     delay.enable();
     require(workerData.entry).startLlmSim(workerData.options).then(sim => {
       parentPort.postMessage(sim.url);
       parentPort.on('message', command => {
         if (command === 'reset') {
           delay.reset();
           parentPort.postMessage('reset');
         } else if (command === 'read') {
           const ms = ns => ns / 1e6;
           parentPort.postMessage({ p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max) });
         } else if (command === 'close') {
           delay.disable();
           sim.close().then(() => parentPort.close());
         }
       });
     });`,
    {
      eval: true,
      workerData: {
        transform: fromSource
          ? require.resolve('@backstage/cli/config/nodeTransform.cjs')
          : undefined,
        // The package's own entry: its sources in the repo, its build once packaged.
        entry: require.resolve('@genai-portal/llm-sim'),
        options: simOptions,
      },
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const ask = <T>(command: string) =>
    new Promise<T>(resolve => {
      worker.once('message', resolve);
      worker.postMessage(command);
    });
  return {
    url,
    loop: {
      reset: async () => {
        await ask('reset');
      },
      read: () => ask<LoopDelay>('read'),
    },
    close: () =>
      new Promise(resolve => {
        worker.once('exit', () => resolve());
        worker.postMessage('close');
      }),
  };
}

/** One streaming chat request of `tokens` tokens on a lane's connection. */
async function streamOnce(
  connection: RawStreamConnection,
  model: string,
  i: number,
  tokens: number,
): Promise<RequestResult> {
  const body = JSON.stringify({
    model,
    messages: [{ role: 'user', content: `Benchmark request number ${i}.` }],
    stream: true,
    max_tokens: tokens,
    ignore_eos: true,
  });
  const {
    ok,
    start,
    contentTimes: times,
  } = await connection.post('/v1/chat/completions', body);
  const gapsMs: number[] = [];
  for (let k = 1; k < times.length; k++) gapsMs.push(times[k] - times[k - 1]);
  return {
    ok: ok && times.length === tokens,
    ttftMs: times[0] - start,
    gapsMs,
    chunks: times.length,
  };
}

/** CPU time all processes have used (Linux /proc/stat), in ms; NaN elsewhere. */
function machineCpuMs(): number {
  try {
    const fields = readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    // user nice system idle iowait irq softirq steal: everything but idle and iowait, in 1/100 s.
    const busy = fields
      .slice(0, 8)
      .reduce((sum, v, i) => (i === 3 || i === 4 ? sum : sum + v), 0);
    return busy * 10;
  } catch {
    return NaN;
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[
    Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))
  ];
}

interface Harness {
  server: ServerHandle;
  client: LoopMonitor;
  /** One connection per lane, kept across rounds, as a gateway pools its connections. */
  connections: RawStreamConnection[];
}

async function round(
  { server, client, connections }: Harness,
  options: BenchOptions,
  concurrency: number,
  total: number,
  tokens = options.tokens,
): Promise<RoundResult> {
  const { hostname, port } = new URL(server.url);
  while (connections.length < concurrency) {
    connections.push(
      new RawStreamConnection(hostname.replace(/^\[|\]$/g, ''), Number(port)),
    );
  }
  await Promise.all([server.loop.reset(), client.reset()]);
  const cpuStart = process.cpuUsage();
  const machineStart = machineCpuMs();
  const start = performance.now();
  const results: RequestResult[] = [];
  let next = 0;
  const lane = async (connection: RawStreamConnection) => {
    while (next < total) {
      const i = next++;
      results.push(await streamOnce(connection, options.model, i, tokens));
    }
  };
  await Promise.all(connections.slice(0, concurrency).map(lane));
  const wallMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  const machine = machineCpuMs() - machineStart;
  const [serverLoop, clientLoop] = await Promise.all([
    server.loop.read(),
    client.read(),
  ]);
  const ttfts = results
    .filter(r => r.chunks > 0)
    .map(r => r.ttftMs)
    .sort((a, b) => a - b);
  const gaps = results.flatMap(r => r.gapsMs).sort((a, b) => a - b);
  return {
    ttftP50: percentile(ttfts, 50),
    ttftP99: percentile(ttfts, 99),
    gapP50: percentile(gaps, 50),
    gapP99: percentile(gaps, 99),
    gapMax: gaps.length ? gaps[gaps.length - 1] : NaN,
    wallMs,
    chunks: results.reduce((sum, r) => sum + r.chunks, 0),
    errors: results.filter(r => !r.ok).length,
    cpuMs: (cpu.user + cpu.system) / 1000,
    otherCpuMs: Math.max(0, machine - (cpu.user + cpu.system) / 1000),
    serverLoopP99: serverLoop.p99,
    serverLoopMax: serverLoop.max,
    clientLoopP99: clientLoop.p99,
  };
}

function median(rounds: RoundResult[]): RoundResult {
  const pick = (key: keyof RoundResult) => {
    const values = rounds.map(r => r[key]).sort((a, b) => a - b);
    return values[Math.floor(values.length / 2)];
  };
  return {
    ttftP50: pick('ttftP50'),
    ttftP99: pick('ttftP99'),
    gapP50: pick('gapP50'),
    gapP99: pick('gapP99'),
    gapMax: pick('gapMax'),
    wallMs: pick('wallMs'),
    chunks: pick('chunks'),
    errors: pick('errors'),
    cpuMs: pick('cpuMs'),
    otherCpuMs: pick('otherCpuMs'),
    serverLoopP99: pick('serverLoopP99'),
    serverLoopMax: pick('serverLoopMax'),
    clientLoopP99: pick('clientLoopP99'),
  };
}

const rssMb = () => process.memoryUsage().rss / 1024 / 1024;

export async function runBenchmark(
  options: BenchOptions,
  progress: (line: string) => void = () => {},
): Promise<BenchReport> {
  const server = await startServer(options);
  const client = localLoopMonitor();
  const harness: Harness = { server, client, connections: [] };
  let peak = rssMb();
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb());
  }, 50);
  try {
    // Warm-up: lazy initialisation, and the connections the loaded rounds reuse.
    await round(harness, options, options.concurrency, options.concurrency, 2);
    const start = rssMb();
    const baselines: RoundResult[] = [];
    const loaded: RoundResult[] = [];
    for (let r = 0; r < options.rounds; r++) {
      baselines.push(
        await round(harness, options, 1, options.baselineRequests),
      );
      loaded.push(
        await round(harness, options, options.concurrency, options.concurrency),
      );
      const last = loaded[loaded.length - 1];
      progress(
        `round ${r + 1}/${options.rounds}: ${options.concurrency} streams, ` +
          `ttft p99 ${last.ttftP99.toFixed(
            1,
          )} ms, gap p99 ${last.gapP99.toFixed(1)} ms, errors ${last.errors}`,
      );
    }
    return {
      options,
      baseline: median(baselines),
      loaded: median(loaded),
      rssMb: { start, peak: Math.max(peak, rssMb()), end: rssMb() },
    };
  } finally {
    clearInterval(sampler);
    client.stop();
    for (const connection of harness.connections) connection.close();
    await server.close();
  }
}

export function formatReport(report: BenchReport): string {
  const { options: o, baseline: b, loaded: l } = report;
  const expectedWall = o.ttftMs + (o.tokens - 1) * o.tpotMs;
  const f = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '-');
  const ratio = (x: number, y: number) =>
    y > 0 && Number.isFinite(x / y) ? `${(x / y).toFixed(2)}x` : '-';
  const rows: Array<[string, string, string, string, string]> = [
    [
      'metric',
      'configured',
      'concurrency 1',
      `concurrency ${o.concurrency}`,
      'ratio',
    ],
    [
      'ttft p50 (ms)',
      f(o.ttftMs),
      f(b.ttftP50),
      f(l.ttftP50),
      ratio(l.ttftP50, b.ttftP50),
    ],
    [
      'ttft p99 (ms)',
      f(o.ttftMs),
      f(b.ttftP99),
      f(l.ttftP99),
      ratio(l.ttftP99, b.ttftP99),
    ],
    [
      'chunk gap p50 (ms)',
      f(o.tpotMs),
      f(b.gapP50),
      f(l.gapP50),
      ratio(l.gapP50, b.gapP50),
    ],
    [
      'chunk gap p99 (ms)',
      f(o.tpotMs),
      f(b.gapP99),
      f(l.gapP99),
      ratio(l.gapP99, b.gapP99),
    ],
    [
      'chunk gap max (ms)',
      f(o.tpotMs),
      f(b.gapMax),
      f(l.gapMax),
      ratio(l.gapMax, b.gapMax),
    ],
    [
      'wall per round (ms)',
      `${f(expectedWall)}/req`,
      f(b.wallMs),
      f(l.wallMs),
      '-',
    ],
    [
      'content chunks',
      `${o.tokens}/req`,
      String(b.chunks),
      String(l.chunks),
      '-',
    ],
    ['errors', '0', String(b.errors), String(l.errors), '-'],
    [
      'cpu per round (ms)',
      '-',
      f(b.cpuMs),
      f(l.cpuMs),
      ratio(l.cpuMs, b.cpuMs),
    ],
    ['other processes cpu (ms)', '-', f(b.otherCpuMs), f(l.otherCpuMs), '-'],
    [
      'server loop delay p99 (ms)',
      '-',
      f(b.serverLoopP99),
      f(l.serverLoopP99),
      '-',
    ],
    [
      'server loop delay max (ms)',
      '-',
      f(b.serverLoopMax),
      f(l.serverLoopMax),
      '-',
    ],
    [
      'client loop delay p99 (ms)',
      '-',
      f(b.clientLoopP99),
      f(l.clientLoopP99),
      '-',
    ],
  ];
  const widths = rows[0].map((_, c) =>
    Math.max(...rows.map(row => row[c].length)),
  );
  const lines = rows.map(row =>
    row.map((cell, c) => cell.padEnd(widths[c])).join('  '),
  );
  lines.splice(1, 0, widths.map(w => '-'.repeat(w)).join('  '));
  let mode = o.sameThread
    ? 'server and client on one thread'
    : 'server in a worker thread';
  if (o.url) mode = `server at ${o.url} (ttft/tpot as it is configured)`;
  return [
    `llm-sim-bench: ${o.concurrency} concurrent streams x ${o.tokens} tokens, ttft ${o.ttftMs} ms, tpot ${o.tpotMs} ms, ${o.rounds} rounds (medians), ${mode}`,
    ...lines,
    `rss: ${f(report.rssMb.start)} MB after warm-up, ${f(
      report.rssMb.peak,
    )} MB peak, ${f(report.rssMb.end)} MB at end`,
  ].join('\n');
}

export async function runBench(argv: string[]): Promise<BenchReport> {
  const { values } = parseArgs({
    args: argv,
    options: {
      concurrency: { type: 'string' },
      rounds: { type: 'string' },
      'baseline-requests': { type: 'string' },
      'ttft-ms': { type: 'string' },
      'tpot-ms': { type: 'string' },
      tokens: { type: 'string' },
      'same-thread': { type: 'boolean' },
      url: { type: 'string' },
      model: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const num = (raw: string | undefined, fallback: number) =>
    raw === undefined ? fallback : Number(raw);
  const d = DEFAULT_BENCH_OPTIONS;
  const options: BenchOptions = {
    concurrency: num(values.concurrency, d.concurrency),
    rounds: num(values.rounds, d.rounds),
    baselineRequests: num(values['baseline-requests'], d.baselineRequests),
    ttftMs: num(values['ttft-ms'], d.ttftMs),
    tpotMs: num(values['tpot-ms'], d.tpotMs),
    tokens: num(values.tokens, d.tokens),
    sameThread: values['same-thread'] ?? false,
    url: values.url,
    model: values.model ?? d.model,
  };
  // eslint-disable-next-line no-console
  const log = (line: string) => console.log(line);
  const report = await runBenchmark(options, line =>
    process.stderr.write(`${line}\n`),
  );
  log(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
  return report;
}
