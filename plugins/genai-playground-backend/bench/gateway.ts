/**
 * `yarn bench:gateway`: what the portal's inference gateway adds, against llm-sim, next to
 * Portkey's gateway (`@portkey-ai/gateway`), both measured against calling llm-sim directly.
 *
 * Every server runs in a child process of its own (llm-sim; the portal as a real Backstage
 * backend with only the genai-playground plugin; Portkey's start-server.js), so the load
 * generator here does not share an event loop with what it measures. The machine has two cores
 * shared by all of them (and by whatever else runs): rounds of direct / portal / Portkey are
 * interleaved, in a rotating order, and each figure is the median of the rounds' figures.
 *
 * Phases, every round: concurrency 1 non-streaming (added latency p50/p99), concurrency 64
 * non-streaming (throughput, added p99), streaming 64 chunks 20 ms apart, streams started 90 ms
 * apart (added time to first token p50, change of the inter-chunk gap p99), and 1,000 streams
 * started at once (time to first token; resident memory of the gateway before, at the peak, and
 * after). A bare Node proxy hop (node:http in, undici out, nothing else) is measured alongside as
 * the floor any proxy pays on this machine.
 *
 * Issue 18's targets for the portal are checked at the end, each with its verdict; the ratios
 * to the bare hop are the median of the rounds' ratios (each round measures both, close in
 * time, so that a busy machine moves both alike).
 *
 * Flags: --rounds N (5), --c1-requests N (200), --c64-requests N (1280), --streams N (16),
 * --big-streams N (1000), --json. BENCH_REDIS_URL=redis://...: the portal keeps limits and
 * writes usage ahead in that Redis, as in production (default: in memory, as in development).
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { FAST_MODEL, STREAM_MODEL } from './models';

interface Options {
  rounds: number;
  c1Requests: number;
  c64Requests: number;
  streams: number;
  bigStreams: number;
  json: boolean;
}

function parseOptions(argv: string[]): Options {
  const num = (name: string, fallback: number) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? Number(argv[i + 1]) : fallback;
  };
  return {
    rounds: num('rounds', 5),
    c1Requests: num('c1-requests', 200),
    c64Requests: num('c64-requests', 1280),
    streams: num('streams', 16),
    bigStreams: num('big-streams', 1000),
    json: argv.includes('--json'),
  };
}

// ------------------------------------------------------------------ processes

const transform = require.resolve('@backstage/cli/config/nodeTransform.cjs');

/** Every process started, killed when the benchmark ends however it ends. */
const children: ChildProcess[] = [];
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>(resolve => server.close(() => resolve()));
  return port;
}

/** Forks bench/servers.ts in a role; resolves with what it sends when ready. */
function startRole(
  role: string,
  args: string[],
): Promise<{ child: ChildProcess; url: string; key?: string }> {
  const child = fork(
    path.join(__dirname, 'servers.ts'),
    ['--role', role, ...args],
    {
      execArgv: [
        '-r',
        transform,
        // BENCH_PROFILE_DIR=dir: a CPU profile of each server, for looking into a figure
        ...(process.env.BENCH_PROFILE_DIR
          ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`]
          : []),
      ],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'info' },
    },
  );
  children.push(child);
  return new Promise((resolve, reject) => {
    // (the node transform also sends `watch` messages for every file it compiles)
    child.on('message', (m: any) => {
      if (m?.ready) resolve({ child, url: m.url, key: m.key });
    });
    child.once('exit', code =>
      reject(new Error(`${role} exited with ${code}`)),
    );
  });
}

async function startPortkey(): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const script = require.resolve('@portkey-ai/gateway/build/start-server.js');
  const child = spawn(
    process.execPath,
    [script, `--port=${port}`, '--headless'],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      await fetch(url);
      return { child, url };
    } catch {
      await new Promise(r => setTimeout(r, 100));
    }
  }
  throw new Error('Portkey did not start');
}

/** Resident memory of a process, MB. */
function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 102.4) / 10;
}

/** CPU time (user + system) one process has spent, ms. */
function processCpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // fields after the command name (which may hold spaces, hence the last ')')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** CPU time the whole machine spent since boot (all processes), ms. */
function machineCpuMs(): number {
  const [cpu] = fs.readFileSync('/proc/stat', 'utf8').split('\n');
  const ticks = cpu
    .split(/\s+/)
    .slice(1, 9)
    .map(Number)
    .filter((_, i) => i !== 3 && i !== 4); // minus idle and iowait
  return (ticks.reduce((a, b) => a + b, 0) * 1000) / 100;
}

// ------------------------------------------------------------------ targets and calls

type TargetName = 'direct' | 'hop' | 'portal' | 'portkey';

interface Target {
  name: TargetName;
  pool: Pool;
  path: string;
  headers: Record<string, string>;
  pid?: number;
}

const FAST_BODY = JSON.stringify({
  model: FAST_MODEL,
  messages: [{ role: 'user', content: 'Say hello to the benchmark' }],
  max_tokens: 8,
});
const STREAM_BODY = JSON.stringify({
  model: STREAM_MODEL,
  messages: [{ role: 'user', content: 'Tell a long story' }],
  max_tokens: 64,
  stream: true,
  ignore_eos: true,
});
const CONTENT = Buffer.from('"delta":{"content"');

interface Call {
  ok: boolean;
  ms: number;
  overheadMs?: number;
}

async function callFast(t: Target): Promise<Call> {
  const start = performance.now();
  try {
    const res = await t.pool.request({
      method: 'POST',
      path: t.path,
      headers: t.headers,
      body: FAST_BODY,
      headersTimeout: 30_000,
      bodyTimeout: 30_000,
    });
    await res.body.arrayBuffer();
    const overhead = res.headers['x-genai-overhead-ms'];
    return {
      ok: res.statusCode === 200,
      ms: performance.now() - start,
      overheadMs: overhead ? Number(overhead) : undefined,
    };
  } catch {
    return { ok: false, ms: performance.now() - start };
  }
}

interface StreamCall {
  ok: boolean;
  ttftMs: number;
  gapsMs: number[];
  chunks: number;
}

async function callStream(t: Target): Promise<StreamCall> {
  const start = performance.now();
  const times: number[] = [];
  try {
    const res = await t.pool.request({
      method: 'POST',
      path: t.path,
      headers: t.headers,
      body: STREAM_BODY,
      headersTimeout: 60_000,
      bodyTimeout: 30_000,
    });
    let carry = Buffer.alloc(0);
    for await (const read of res.body) {
      const now = performance.now();
      const data = carry.length
        ? Buffer.concat([carry, read as Buffer])
        : (read as Buffer);
      for (
        let at = data.indexOf(CONTENT);
        at >= 0;
        at = data.indexOf(CONTENT, at + 1)
      ) {
        times.push(now);
      }
      const keep = CONTENT.length - 1;
      carry = Buffer.from(data.subarray(Math.max(0, data.length - keep)));
      // a marker cut at the end is counted in the next read; one wholly inside carry is not
      if (carry.indexOf(CONTENT) >= 0) carry = Buffer.alloc(0);
    }
    const gaps = times.slice(1).map((x, i) => x - times[i]);
    return {
      ok: res.statusCode === 200 && times.length === 64,
      ttftMs: times.length ? times[0] - start : NaN,
      gapsMs: gaps,
      chunks: times.length,
    };
  } catch {
    return { ok: false, ttftMs: NaN, gapsMs: [], chunks: times.length };
  }
}

// ------------------------------------------------------------------ statistics

function quantile(values: number[], q: number): number {
  const sorted = values.filter(v => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const i = Math.min(
    sorted.length - 1,
    Math.max(0, Math.ceil(q * sorted.length) - 1),
  );
  return sorted[i];
}
const median = (values: number[]) => quantile(values, 0.5);

// ------------------------------------------------------------------ phases

interface C1Round {
  p50: number;
  p99: number;
  errors: number;
  overheadP50?: number;
}

async function phaseC1(t: Target, n: number): Promise<C1Round> {
  const ms: number[] = [];
  const overheads: number[] = [];
  let errors = 0;
  for (let i = 0; i < n; i++) {
    const c = await callFast(t);
    if (!c.ok) errors++;
    ms.push(c.ms);
    if (c.overheadMs !== undefined) overheads.push(c.overheadMs);
  }
  return {
    p50: quantile(ms, 0.5),
    p99: quantile(ms, 0.99),
    errors,
    overheadP50: overheads.length ? median(overheads) : undefined,
  };
}

interface C64Round {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /**
   * The gateway process's CPU time per call (µs): what its throughput is bound by on a busy
   * machine, and less moved by the other processes than req/s are.
   */
  cpuUsPerCall?: number;
}

async function phaseC64(t: Target, n: number): Promise<C64Round> {
  const ms: number[] = [];
  let errors = 0;
  let next = 0;
  const cpu0 = t.pid ? processCpuMs(t.pid) : 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < n) {
        next++;
        const c = await callFast(t);
        if (!c.ok) errors++;
        ms.push(c.ms);
      }
    }),
  );
  const wall = performance.now() - start;
  return {
    rps: (n / wall) * 1000,
    p50: quantile(ms, 0.5),
    p99: quantile(ms, 0.99),
    errors,
    cpuUsPerCall: t.pid ? ((processCpuMs(t.pid) - cpu0) * 1000) / n : undefined,
  };
}

interface StreamRound {
  ttftP50: number;
  ttftP99: number;
  gapP50: number;
  gapP99: number;
  errors: number;
}

/**
 * n streams started 90 ms apart: about 14 run at any time, but no two start together, so the
 * time to first token shows what one call costs, not a queue of simultaneous starts.
 */
async function phaseStreams(t: Target, n: number): Promise<StreamRound> {
  const calls = await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      await new Promise(r => setTimeout(r, i * 90));
      return callStream(t);
    }),
  );
  return {
    ttftP50: quantile(
      calls.map(c => c.ttftMs),
      0.5,
    ),
    ttftP99: quantile(
      calls.map(c => c.ttftMs),
      0.99,
    ),
    gapP50: quantile(
      calls.flatMap(c => c.gapsMs),
      0.5,
    ),
    gapP99: quantile(
      calls.flatMap(c => c.gapsMs),
      0.99,
    ),
    errors: calls.filter(c => !c.ok).length,
  };
}

interface BigStreams {
  completed: number;
  errors: number;
  ttftP50: number;
  ttftP99: number;
  gapP99: number;
  rss?: { idle: number; peak: number; after: number; settled: number };
}

async function phaseBigStreams(t: Target, n: number): Promise<BigStreams> {
  const sample = () => (t.pid ? rssMb(t.pid) : 0);
  const idle = sample();
  let peak = idle;
  const timer = setInterval(() => {
    peak = Math.max(peak, sample());
  }, 50);
  const calls = await Promise.all(
    Array.from({ length: n }, () => callStream(t)),
  );
  clearInterval(timer);
  peak = Math.max(peak, sample());
  await new Promise(r => setTimeout(r, 2_000));
  const after = sample();
  // the heap shrinks when the next GC runs: some idle calls let it happen
  for (let i = 0; i < 20; i++) {
    await callFast(t);
    await new Promise(r => setTimeout(r, 250));
  }
  const settled = sample();
  return {
    completed: calls.filter(c => c.ok).length,
    errors: calls.filter(c => !c.ok).length,
    ttftP50: quantile(
      calls.map(c => c.ttftMs),
      0.5,
    ),
    ttftP99: quantile(
      calls.map(c => c.ttftMs),
      0.99,
    ),
    gapP99: quantile(
      calls.flatMap(c => c.gapsMs),
      0.99,
    ),
    rss: t.pid ? { idle, peak, after, settled } : undefined,
  };
}

// ------------------------------------------------------------------ report

const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');
const f0 = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : 'n/a');

async function main() {
  const options = parseOptions(process.argv.slice(2));
  const log = (s: string) => process.stderr.write(`${s}\n`);
  log(`gateway benchmark: ${JSON.stringify(options)}`);

  const sim = await startRole('llm-sim', ['--port', String(await freePort())]);
  const portalPort = await freePort();
  const portal = await startRole('portal', [
    '--port',
    String(portalPort),
    '--upstream',
    sim.url,
  ]);
  const hopProcess = await startRole('hop', [
    '--port',
    String(await freePort()),
    '--upstream',
    sim.url,
  ]);
  const portkey = await startPortkey();
  const connections = options.bigStreams + 100;
  const pool = (url: string) =>
    new Pool(url, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
  const json = { 'content-type': 'application/json' };
  const targets: Target[] = [
    {
      name: 'direct',
      pool: pool(sim.url),
      path: '/v1/chat/completions',
      headers: json,
      pid: sim.child.pid,
    },
    {
      name: 'portal',
      pool: pool(portal.url),
      path: '/api/genai-playground/v1/chat/completions',
      headers: { ...json, authorization: `Bearer ${portal.key}` },
      pid: portal.child.pid,
    },
    {
      name: 'hop',
      pool: pool(hopProcess.url),
      path: '/v1/chat/completions',
      headers: json,
      pid: hopProcess.child.pid,
    },
    {
      name: 'portkey',
      pool: pool(portkey.url),
      path: '/v1/chat/completions',
      headers: {
        ...json,
        authorization: 'Bearer unused',
        'x-portkey-provider': 'openai',
        'x-portkey-custom-host': `${sim.url}/v1`,
      },
      pid: portkey.child.pid,
    },
  ];
  const byName = (n: TargetName) => targets.find(t => t.name === n)!;

  try {
    // warm up: connections, JIT, the portal's key cache
    const streaming = new Set<TargetName>();
    for (const t of targets) {
      const probe = await callFast(t);
      if (!probe.ok)
        throw new Error(`${t.name} does not answer: check its setup`);
      await phaseC1(t, 50);
      const s4 = await phaseStreams(t, 4);
      if (s4.errors < 4) streaming.add(t.name);
      else
        log(
          `${t.name} fails every streamed call: its streaming figures are left out`,
        );
    }

    const order = (round: number) =>
      targets.map((_, i) => targets[(i + round) % targets.length]);
    const empty = () => ({ direct: [], hop: [], portal: [], portkey: [] });
    const c1: Record<string, C1Round[]> = empty();
    const c64: Record<string, C64Round[]> = empty();
    const st: Record<string, StreamRound[]> = empty();
    const bigRounds: Record<string, BigStreams[]> = empty();
    const otherCpu: number[] = [];
    for (let r = 0; r < options.rounds; r++) {
      const cpu0 = machineCpuMs();
      const t0 = performance.now();
      for (const t of order(r))
        c1[t.name].push(await phaseC1(t, options.c1Requests));
      for (const t of order(r))
        c64[t.name].push(await phaseC64(t, options.c64Requests));
      for (const t of order(r)) {
        if (streaming.has(t.name))
          st[t.name].push(await phaseStreams(t, options.streams));
      }
      for (const t of order(r)) {
        if (streaming.has(t.name))
          bigRounds[t.name].push(await phaseBigStreams(t, options.bigStreams));
      }
      const wall = performance.now() - t0;
      otherCpu.push(((machineCpuMs() - cpu0) / wall) * 100);
      log(
        `round ${r + 1}/${options.rounds}: c1 p50 direct ${f1(
          c1.direct[r].p50,
        )} portal ${f1(c1.portal[r].p50)} hop ${f1(c1.hop[r].p50)} ms; c64 ${f0(
          c64.portal[r].rps,
        )} vs hop ${f0(c64.hop[r].rps)} req/s (CPU ${f0(
          c64.portal[r].cpuUsPerCall ?? NaN,
        )} vs ${f0(c64.hop[r].cpuUsPerCall ?? NaN)} µs a call); ${
          options.bigStreams
        } streams TTFT p50 ${f0(bigRounds.portal[r]?.ttftP50)} vs hop ${f0(
          bigRounds.hop[r]?.ttftP50,
        )} ms; machine busy ${f0(otherCpu[r])}% of a core`,
      );
    }

    const big: Record<string, BigStreams> = {};
    for (const name of targets.map(t => t.name)) {
      if (bigRounds[name].length) big[name] = combineBig(bigRounds[name]);
    }

    const added = (
      rounds: Record<string, any[]>,
      name: string,
      field: string,
    ) =>
      rounds[name].length
        ? median(rounds[name].map((x, i) => x[field] - rounds.direct[i][field]))
        : NaN;
    const med = (rounds: Record<string, any[]>, name: string, field: string) =>
      median(rounds[name].map(x => x[field]));
    const errors = (rounds: Record<string, any[]>, name: string) =>
      rounds[name].reduce((s, x) => s + x.errors, 0);

    const result = {
      date: new Date().toISOString(),
      options,
      node: process.version,
      cpus: require('node:os').cpus().length,
      machineBusyPercentOfCore: median(otherCpu),
      c1: Object.fromEntries(
        ['hop', 'portal', 'portkey'].map(n => [
          n,
          {
            addedP50: added(c1, n, 'p50'),
            addedP99: added(c1, n, 'p99'),
            errors: errors(c1, n),
          },
        ]),
      ),
      c1Direct: {
        p50: med(c1, 'direct', 'p50'),
        p99: med(c1, 'direct', 'p99'),
      },
      portalSelfReportedOverheadP50: median(
        c1.portal.map(x => x.overheadP50 ?? NaN),
      ),
      c64: Object.fromEntries(
        ['direct', 'hop', 'portal', 'portkey'].map(n => [
          n,
          {
            rps: med(c64, n, 'rps'),
            cpuUsPerCall: med(c64, n, 'cpuUsPerCall'),
            p99: med(c64, n, 'p99'),
            addedP99: n === 'direct' ? 0 : added(c64, n, 'p99'),
            errors: errors(c64, n),
          },
        ]),
      ),
      streams: Object.fromEntries(
        ['direct', 'hop', 'portal', 'portkey'].map(n => [
          n,
          {
            ttftP50: med(st, n, 'ttftP50'),
            gapP99: med(st, n, 'gapP99'),
            addedTtftP50: n === 'direct' ? 0 : added(st, n, 'ttftP50'),
            gapP99Change: n === 'direct' ? 0 : added(st, n, 'gapP99'),
            errors: errors(st, n),
          },
        ]),
      ),
      bigStreams: big,
      targets: issueTargets({ c1, c64, bigRounds, big }),
    };

    if (options.json) {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    }
    const c = result.c1 as Record<string, any>;
    const t64 = result.c64 as Record<string, any>;
    const s = result.streams as Record<string, any>;
    const cols = ['portal', 'portkey', 'hop'];
    const row = (label: string, cell: (n: string) => string, target: string) =>
      `| ${label} | ${cols.map(cell).join(' | ')} | ${target} |`;
    const bigCell = (n: string, f: (b: BigStreams) => string) =>
      big[n] ? f(big[n]) : 'fails';
    const streamCell = (n: string, f: (x: any) => string) =>
      streaming.has(n as TargetName) ? f(s[n]) : 'fails';
    const lines = [
      `Gateway benchmark, ${result.date.slice(0, 10)}: ${
        options.rounds
      } interleaved rounds, median of the rounds' figures; Node ${
        result.node
      }, ${result.cpus} cores, machine busy ${f0(
        result.machineBusyPercentOfCore,
      )}% of a core meanwhile (all processes, these included).`,
      '',
      '| measure | portal | Portkey | bare hop (reference) | target (portal) |',
      '| --- | --- | --- | --- | --- |',
      row(
        'added latency, concurrency 1, p50 (ms)',
        n => f1(c[n].addedP50),
        '≤ 1, below Portkey',
      ),
      row(
        'added latency, concurrency 1, p99 (ms)',
        n => f1(c[n].addedP99),
        '≤ 3, below Portkey',
      ),
      row(
        `throughput, concurrency 64 (req/s; direct ${f0(t64.direct.rps)})`,
        n => f0(t64[n].rps),
        '≥ Portkey',
      ),
      row(
        'concurrency 64: CPU time of the gateway process per call (µs)',
        n => f0(t64[n].cpuUsPerCall),
        '',
      ),
      row(
        'added latency, concurrency 64, p99 (ms)',
        n => f1(t64[n].addedP99),
        'below Portkey',
      ),
      row(
        'streaming, starts 90 ms apart: added time to first token, p50 (ms)',
        n => streamCell(n, x => f1(x.addedTtftP50)),
        '≤ 2',
      ),
      row(
        `streaming: change of the inter-chunk gap p99 (ms; direct ${f1(
          s.direct.gapP99,
        )})`,
        n => streamCell(n, x => f1(x.gapP99Change)),
        '≤ 1',
      ),
      row(
        `${options.bigStreams} concurrent streams: completed`,
        n => bigCell(n, b => String(b.completed)),
        'all',
      ),
      row(
        `${options.bigStreams} streams: RSS idle / peak / 2 s after / settled (MB)`,
        n => bigCell(n, rssLine),
        'back to idle',
      ),
      row(
        `${
          options.bigStreams
        } streams: time to first token p50 / p99 (ms; direct ${f0(
          big.direct?.ttftP50,
        )} / ${f0(big.direct?.ttftP99)})`,
        n => bigCell(n, b => `${f0(b.ttftP50)} / ${f0(b.ttftP99)}`),
        '',
      ),
      row(
        `${options.bigStreams} streams: inter-chunk gap p99 (ms; direct ${f1(
          big.direct?.gapP99,
        )})`,
        n => bigCell(n, b => f1(b.gapP99)),
        '',
      ),
      '',
      `Direct to llm-sim at concurrency 1: p50 ${f1(
        result.c1Direct.p50,
      )} ms, p99 ${f1(
        result.c1Direct.p99,
      )} ms. The portal's own x-genai-overhead-ms, p50: ${f1(
        result.portalSelfReportedOverheadP50,
      )} ms. Errors: ${cols
        .map(n => `${n} ${c[n].errors + t64[n].errors + (s[n]?.errors ?? 0)}`)
        .join(', ')}.`,
    ];
    lines.push(
      '',
      "Issue 18's targets (portal against the bare hop in the same rounds):",
      ...result.targets.map(
        x =>
          `- ${x.name}: ${x.figure}; target ${x.target}: ${
            x.met ? 'MET' : 'MISSED'
          }`,
      ),
    );
    process.stderr.write(`\n${lines.join('\n')}\n`);
  } finally {
    await Promise.all(targets.map(t => t.pool.close().catch(() => undefined)));
    portkey.child.kill('SIGTERM');
    hopProcess.child.disconnect();
    portal.child.disconnect();
    sim.child.disconnect();
    await new Promise(r => setTimeout(r, 500));
  }
}

/**
 * The rounds of the 1,000-stream phase as one: medians of the figures; memory from idle before
 * the first burst to what stayed after the last (whatever the bursts left behind shows there).
 */
function combineBig(rounds: BigStreams[]): BigStreams {
  const m = (f: (b: BigStreams) => number) => median(rounds.map(f));
  const first = rounds[0].rss;
  const last = rounds[rounds.length - 1].rss;
  return {
    completed: m(b => b.completed),
    errors: rounds.reduce((s, b) => s + b.errors, 0),
    ttftP50: m(b => b.ttftP50),
    ttftP99: m(b => b.ttftP99),
    gapP99: m(b => b.gapP99),
    rss:
      first && last
        ? {
            idle: first.idle,
            peak: Math.max(...rounds.map(b => b.rss!.peak)),
            after: last.after,
            settled: last.settled,
          }
        : undefined,
  };
}

interface TargetVerdict {
  name: string;
  figure: string;
  target: string;
  met: boolean;
  value: number;
}

/** Issue 18's four targets for the portal's gateway, each measured against the bare hop. */
function issueTargets(r: {
  c1: Record<string, C1Round[]>;
  c64: Record<string, C64Round[]>;
  bigRounds: Record<string, BigStreams[]>;
  big: Record<string, BigStreams>;
}): TargetVerdict[] {
  const perRound = <T>(
    rounds: Record<string, T[]>,
    f: (portal: T, hop: T, i: number) => number,
  ) => median(rounds.portal.map((p, i) => f(p, rounds.hop[i], i)));
  const throughput = perRound(r.c64, (p, h) => p.rps / h.rps);
  const ttft = r.bigRounds.portal.length
    ? perRound(r.bigRounds, (p, h) => p.ttftP50 / h.ttftP50)
    : NaN;
  const addedP99 = perRound(r.c1, (p, _h, i) => p.p99 - r.c1.direct[i].p99);
  const rss = r.big.portal?.rss;
  const growth = rss ? (rss.settled - rss.idle) / rss.idle : NaN;
  const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
  return [
    {
      name: 'concurrency-64 throughput, portal / bare hop',
      figure: `${pct(throughput)} (${f0(
        median(r.c64.portal.map(x => x.rps)),
      )} vs ${f0(median(r.c64.hop.map(x => x.rps)))} req/s)`,
      target: '≥ 70%',
      met: throughput >= 0.7,
      value: throughput,
    },
    {
      name: '1,000 streams at once, time to first token p50, portal / bare hop',
      figure: `${Number.isFinite(ttft) ? ttft.toFixed(2) : 'n/a'}x (${f0(
        r.big.portal?.ttftP50,
      )} vs ${f0(r.big.hop?.ttftP50)} ms)`,
      target: '≤ 1.5x',
      met: ttft <= 1.5,
      value: ttft,
    },
    {
      name: 'portal resident memory after the streams, above idle',
      figure: rss
        ? `${pct(growth)} (${f0(rss.settled)} MB settled vs ${f0(
            rss.idle,
          )} MB idle)`
        : 'n/a',
      target: '≤ 10%',
      met: growth <= 0.1,
      value: growth,
    },
    {
      name: 'concurrency-1 added latency p99 (portal p99 - direct p99)',
      figure: `${f1(addedP99)} ms`,
      target: '< 3 ms',
      met: addedP99 < 3,
      value: addedP99,
    },
  ];
}

function rssLine(b: BigStreams): string {
  if (!b.rss) return 'n/a';
  const { idle, peak, after, settled } = b.rss;
  return `${f0(idle)} / ${f0(peak)} / ${f0(after)} / ${f0(settled)}`;
}

main().catch(error => {
  // eslint-disable-next-line no-console
  console.error(error);
  process.exit(1);
});
