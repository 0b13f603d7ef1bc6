/**
 * `yarn bench:utilization`: GPU utilization's fleet page API and its idle scan on a fleet of
 * 125 GPU nodes (1,000 GPUs), on this machine.
 *
 * Setup: kube-sim as a process with its large fleet (`--fleet large`: 125 GPU nodes of 8 GPUs,
 * about 206 pods of 40 teams, model servers of which about a quarter idle, pending pods), the
 * real Prometheus (Debian's) scraping its exporter-style /metrics every 5 s, and the plugin's
 * database: a database of its own on the machine's PostgreSQL
 * (BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING; dropped at the end) when it answers,
 * else an in-memory SQLite (the output says which). Measuring starts once Prometheus holds the
 * 1,000 GPUs' series and has scraped kube-sim at least twice.
 *
 * 1. The fleet page's API: what `/genai-insights/gpu` asks on load, through the services
 *    createGpuCapability builds (it is called as the plugin calls it: the real
 *    KubernetesGpuReader, RecordingGpuReader, PrometheusClient, FleetService, UsageService,
 *    DatabaseIdleEpisodeStore): the fleet (FleetService.fleet), the idle list (as the route:
 *    store.listOpen and a `vector(1)` status query), the usage of the last 24 h
 *    (UsageService.usage) and its breakdown by team (UsageService.breakdown); each as an admin
 *    (every team) and as a lead (one team, a different one per caller), and a whole page load
 *    (the 4 in parallel). `concurrency` callers each ask `iterations` times back to back, for
 *    `rounds` rounds in a rotating order; printed: the median over the rounds of each round's
 *    p50 and p95. Two passes: as configured by default (Prometheus answers cached 30 s, the
 *    cluster snapshot 10 s) and cold (both caches off: every call reads kube-sim and asks
 *    Prometheus; concurrent identical requests still share one request in flight), where the
 *    fleet's two reads are also timed alone (the cluster snapshot, the 5,000 series of readings
 *    through PrometheusClient.instant). Baselines
 *    under the same load in the same run: kube-sim's `GET /api/v1/nodes` and Prometheus's
 *    `vector(1)` instant query, by plain fetch. Prometheus holds only the minutes since it
 *    started, so usage and breakdown over 24 h read little data: their figures are the query
 *    evaluation over 24 h of steps and the plumbing, not 24 h of samples.
 * 2. The idle scan of 1,000 GPUs over 24 h of 15 s samples: IdleScanner.run as
 *    createIdleCapability builds it (rule window 24 h, threshold 5%, request activity from
 *    Prometheus's vLLM counter and the metered calls, notifications to a sink), the real
 *    KubernetesGpuReader on the large fleet (no snapshot cache, as a scan a minute always reads
 *    anew), the real store. Prometheus's range answer is made in memory, outside the timing: for
 *    every GPU a pod holds (the series of the scan's query, labelled as Prometheus holds them
 *    now), a point every 15 s over the 24 h plus the scan's two steps (5,763 points), busy
 *    pods' GPUs at 85–98% (input-bound ones at their level), idle ones at 0–3%, one idle pod in
 *    four with a 20-minute burst of work in the day, one pod in ten started 2–20 h ago. The
 *    snapshot's pods are given those start times (kube-sim's started seconds ago). The JSON
 *    parse of Prometheus's answer is not part of it (timed apart: JSON.parse of the same answer
 *    as the HTTP API would send it). Median of `rounds` scans, each 15 s of fleet time after
 *    the last: the first opens the episodes and notifies, the later ones extend them. Also: the
 *    same at the step PrometheusClient would actually ask (it widens a 24 h range to at most
 *    1,100 points: 120 s), findIdleSince alone over exactly 1,000 series of 5,760 points
 *    (held GPUs' series, padded with more of the same mix, pods older than the day), and a
 *    baseline: the same scan with a window of one step (4 samples per GPU: the snapshot and
 *    store work without the day of samples; every GPU idle now counts idle). Apart, not part
 *    of the scan: Prometheus's answer as its HTTP API would send it, its size and JSON.parse,
 *    and at 120 s the whole of PrometheusClient.range on it from a local HTTP server.
 * 3. A summary against the targets (fleet page p95 under 500 ms, idle scan under 2 s) and the
 *    fleet's shape.
 *
 * Scale with BENCH_CONCURRENCY (10), BENCH_ROUNDS (5), BENCH_ITERATIONS (5); BENCH_SQLITE=1
 * uses SQLite even when PostgreSQL answers. `--json` prints the figures as JSON too.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { ConfigReader } from '@backstage/config';
import type { GpuIdleList } from '@genai-portal/plugin-genai-insights-common';
import type { RunningPrometheus } from '@genai-portal/test-utils';
import {
  prometheusInstalled,
  PROMETHEUS_BINARY,
} from '@genai-portal/test-utils';
import { readInsightsConfig, type InsightsConfig } from '../src/config';
import { DatabaseFactStore } from '../src/facts/DatabaseFactStore';
import { KubernetesGpuReader } from '../src/gpu/allocation';
import { createGpuCapability } from '../src/gpu/createGpuCapability';
import { createIdleCapability } from '../src/gpu/idle/createIdleCapability';
import { DatabaseIdleEpisodeStore } from '../src/gpu/idle/DatabaseIdleEpisodeStore';
import {
  findIdleSince,
  findIdleSinceInPoints,
} from '../src/gpu/idle/findIdleSince';
import {
  idleActivityQuery,
  type IdleScanner,
  type IdleScanResult,
} from '../src/gpu/idle/IdleScanner';
import { DatabaseGpuPodDirectory } from '../src/gpu/pods/GpuPodDirectory';
import { RecordingGpuReader } from '../src/gpu/pods/RecordingGpuReader';
import {
  alignRange,
  PrometheusClient,
} from '../src/gpu/prometheus/PrometheusClient';
import { GpuPromQL } from '../src/gpu/promql';
import { fromPrometheus } from '../src/gpu/readers';
import type { ClusterGpuSnapshot } from '../src/gpu/types';
import { migrateDatabase } from '../src/lib/migrateDatabase';
import { poolRates, rateAt } from '../src/rates/RateCard';
import { median, ms, percentile, timed, underLoad } from './measure';
import {
  AgedReader,
  generateGpu,
  pointsIn,
  PreparedPrometheus,
  maxPointsIn,
  queryRangeJson,
  STEP_MS,
  type GeneratedGpu,
  type HeldGpu,
} from './utilizationSeries';
import {
  openUtilizationDatabase,
  promQuery,
  quietLogger,
  startLargeFleet,
  startScraping,
  untilScraped,
  type Sim,
  type UtilizationDatabase,
} from './utilizationSetup';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
const SCRAPE_SECONDS = 5;
const PAGE_TARGET_MS = 500;
const SCAN_TARGET_MS = 2000;
/** findIdleSince alone: this many series of this many points. */
const FIND_SERIES = 1000;
const FIND_POINTS = 5760;

export interface UtilizationOptions {
  concurrency: number;
  rounds: number;
  iterations: number;
  sqlite: boolean;
  json: boolean;
  log: (line: string) => void;
}

export function optionsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  argv: string[] = process.argv,
): UtilizationOptions {
  const int = (name: string, fallback: number) => {
    const value = env[name];
    if (value === undefined || value === '') return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) {
      throw new Error(`${name} must be a whole number of at least 1`);
    }
    return n;
  };
  return {
    concurrency: int('BENCH_CONCURRENCY', 10),
    rounds: int('BENCH_ROUNDS', 5),
    iterations: int('BENCH_ITERATIONS', 5),
    sqlite: env.BENCH_SQLITE === '1',
    json: argv.includes('--json'),
    // eslint-disable-next-line no-console
    log: line => console.log(line),
  };
}

interface CallFigures {
  name: string;
  p50: number;
  p95: number;
}

interface PassFigures {
  name: string;
  calls: CallFigures[];
}

interface ScanFigures {
  name: string;
  series: number;
  pointsPerSeries: number;
  stepSeconds: number;
  medianMs: number;
  firstMs: number;
  maxMs: number;
  idleGpus: number;
  opened: number;
  notifiedPods: number;
}

export interface UtilizationFigures {
  database: string;
  /** The 1-minute load average at the start and at the end. */
  loadAverage: number[];
  fleet: {
    gpuNodes: number;
    gpus: number;
    pods: number;
    heldGpus: number;
    idleHeldGpus: number;
    freeGpus: number;
    pendingPods: number;
    pendingGpus: number;
    teams: number;
    openEpisodesOnPage: number;
  };
  prometheusWaitSeconds: number;
  pages: PassFigures[];
  scans: ScanFigures[];
  profiles: Record<string, number>;
  findIdleSince: {
    series: number;
    points: number;
    pointsMs: number;
    typedArraysMs: number;
    /** Every sample under the threshold: every point read. */
    everyPointMs: number;
    idle: number;
  };
  json: Array<{
    stepSeconds: number;
    megabytes: number;
    parseMs: number;
    clientMs?: number;
  }>;
  targets: {
    pageWarmP95: number;
    pageColdP95: number;
    scanMs: number;
  };
}

/** Median over rounds of each round's p50 and p95. */
function summarize(rounds: number[][]) {
  return {
    p50: median(rounds.map(r => percentile(r, 50))),
    p95: median(rounds.map(r => percentile(r, 95))),
  };
}

/** `genaiInsights` as a deployment would set it: kube-sim's API, Prometheus, defaults. */
function insightsConfig(
  sim: Sim,
  prometheusUrl: string,
  cacheSeconds?: number,
): InsightsConfig {
  return readInsightsConfig(
    new ConfigReader({
      genaiInsights: {
        cluster: { url: sim.url, token: sim.token },
        prometheus: {
          baseUrl: prometheusUrl,
          ...(cacheSeconds === undefined ? {} : { cacheSeconds }),
        },
      },
    }),
  );
}

const notNeeded = async (): Promise<never> => {
  throw new Error('not needed by the benchmark');
};

interface Call {
  name: string;
  run: (worker: number) => Promise<unknown>;
}

/** The page's calls through the services createGpuCapability builds, as an admin and a lead. */
async function pageCalls(options: {
  config: InsightsConfig;
  db: UtilizationDatabase;
  facts: DatabaseFactStore;
  logger: ReturnType<typeof quietLogger>;
  cold: boolean;
  teams: string[];
}): Promise<Call[]> {
  const { config, logger, cold } = options;
  const gpu = await createGpuCapability({
    config,
    database: options.db.service,
    facts: options.facts,
    catalog: { getEntityByRef: async () => undefined },
    auth: {
      getOwnServiceCredentials: notNeeded,
    },
    notifications: { send: async () => {} },
    logger,
    // Cold: no snapshot cache either (the default reader keeps a snapshot 10 s).
    ...(cold
      ? {
          reader: KubernetesGpuReader.fromCluster(config.cluster!, {
            logger,
            poolLabel: config.gpu.poolLabel,
            cacheTtlMs: 0,
          }),
        }
      : {}),
  });
  const { routes } = gpu;
  const teamOf = (worker: number) =>
    options.teams[(worker * 7) % options.teams.length];
  // As the page asks: the last 24 hours up to the next whole minute.
  const range = () => {
    const to = Math.ceil(Date.now() / MINUTE_MS) * MINUTE_MS;
    return { from: new Date(to - DAY_MS), to: new Date(to) };
  };
  // As the route answers `GET /gpu/idle`.
  const idleList = async (teams?: string[]): Promise<GpuIdleList> => {
    const episodes = await routes.idle.listOpen(teams ? { teams } : {});
    const { status } = await fromPrometheus(
      routes.prometheus && (() => routes.prometheus!.instant('vector(1)')),
    );
    return {
      at: new Date().toISOString(),
      currency: routes.currency,
      rule: routes.rule,
      prometheus: status,
      episodes: episodes.sort(
        (a, b) => a.since.localeCompare(b.since) || a.id.localeCompare(b.id),
      ),
      totalMicros: episodes.reduce((n, e) => n + e.costMicros, 0),
    };
  };
  const fleet = (teams?: string[]) =>
    routes.fleet.fleet(teams ? new Set(teams) : 'all', {});
  const usage = (teams?: string[]) => routes.usage.usage(range(), teams);
  const breakdown = (teams?: string[]) =>
    routes.usage.breakdown(range(), 'team', teams);
  const page = (teams?: string[]) =>
    Promise.all([
      fleet(teams),
      idleList(teams),
      usage(teams),
      breakdown(teams),
    ]);
  const lead = (worker: number) => [teamOf(worker)];
  // Cold, the fleet's two reads alone: the cluster snapshot and the exporter's readings.
  const parts: Call[] = [];
  if (cold) {
    const reader = KubernetesGpuReader.fromCluster(config.cluster!, {
      logger,
      poolLabel: config.gpu.poolLabel,
      cacheTtlMs: 0,
    });
    const client = new PrometheusClient(config.prometheus!);
    const fleetNow = new GpuPromQL(config.prometheus!).fleetNow();
    parts.push(
      {
        name: 'part of fleet: cluster snapshot (5 lists)',
        run: () => reader.snapshot(),
      },
      {
        name: 'part of fleet: readings, 5,000 series (PrometheusClient.instant)',
        run: () => client.instant(fleetNow),
      },
    );
  }
  return [
    ...parts,
    { name: 'fleet, admin', run: () => fleet() },
    { name: 'fleet, lead', run: w => fleet(lead(w)) },
    { name: 'idle list, admin', run: () => idleList() },
    { name: 'idle list, lead', run: w => idleList(lead(w)) },
    { name: 'usage 24 h, admin', run: () => usage() },
    { name: 'usage 24 h, lead', run: w => usage(lead(w)) },
    { name: 'breakdown 24 h by team, admin', run: () => breakdown() },
    { name: 'breakdown 24 h by team, lead', run: w => breakdown(lead(w)) },
    { name: 'page load (the 4 at once), admin', run: () => page() },
    { name: 'page load (the 4 at once), lead', run: w => page(lead(w)) },
  ];
}

async function measureCalls(
  calls: Call[],
  options: UtilizationOptions,
  label: string,
): Promise<CallFigures[]> {
  for (const call of calls) await call.run(0);
  const rounds = calls.map(() => [] as number[][]);
  for (let round = 0; round < options.rounds; round++) {
    for (let j = 0; j < calls.length; j++) {
      const i = (j + round) % calls.length;
      rounds[i].push(
        await underLoad(calls[i].run, options.concurrency, options.iterations),
      );
    }
    options.log(`  ${label}: round ${round + 1}/${options.rounds} done`);
  }
  return calls.map((call, i) => ({ name: call.name, ...summarize(rounds[i]) }));
}

/**
 * PrometheusClient.range (uncached) of a range answer served by a local HTTP server: the
 * request, the body read, JSON.parse, validation and conversion to points; median of 3.
 */
async function clientRangeMs(
  text: string,
  query: string,
  startMs: number,
  endMs: number,
): Promise<number> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(text);
  });
  await new Promise<void>(done => server.listen(0, '127.0.0.1', done));
  try {
    const { port } = server.address() as AddressInfo;
    const client = new PrometheusClient({
      baseUrl: `http://127.0.0.1:${port}`,
      timeoutMs: 60_000,
      cacheTtlMs: 0,
    });
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      times.push(
        await timed(() =>
          client.range(query, {
            start: new Date(startMs),
            end: new Date(endMs),
            stepSeconds: STEP_MS / 1000,
          }),
        ),
      );
    }
    return median(times);
  } finally {
    server.closeAllConnections();
    await new Promise(done => server.close(done));
  }
}

/** Runs `rounds` scans, each 15 s of fleet time after the last, from no episodes. */
async function scanRounds(options: {
  name: string;
  scanner: IdleScanner;
  prometheus: PreparedPrometheus;
  db: UtilizationDatabase;
  gpus: GeneratedGpu[];
  anchorMs: number;
  rounds: number;
  setNow: (ms: number) => void;
  query: string;
  windowMs: number;
  /** The points a series gets for a scan at `now` asking from `start` to `end`. */
  answer: (
    gpu: GeneratedGpu,
    startMs: number,
    endMs: number,
    nowMs: number,
  ) => { points: Array<[number, number]>; stepSeconds: number };
  log: (line: string) => void;
}): Promise<ScanFigures> {
  const { scanner, prometheus, gpus } = options;
  await options.db.knex('gpu_idle_episodes').del();
  const times: number[] = [];
  const results: IdleScanResult[] = [];
  let pointsPerSeries = 0;
  let stepSeconds = 0;
  for (let round = 0; round < options.rounds; round++) {
    const nowMs = options.anchorMs + round * STEP_MS;
    options.setNow(nowMs);
    // What the scanner will ask: the window plus two steps, up to now.
    const startMs = nowMs - options.windowMs - 2 * STEP_MS;
    const answers = gpus.map(g => options.answer(g, startMs, nowMs, nowMs));
    stepSeconds = answers[0]?.stepSeconds ?? STEP_MS / 1000;
    const series = gpus.map((g, i) => ({
      labels: g.labels,
      points: answers[i].points,
    }));
    pointsPerSeries = Math.max(...series.map(x => x.points.length));
    prometheus.prepare({
      query: options.query,
      startMs,
      endMs: nowMs,
      stepSeconds,
      series,
    });
    let result: IdleScanResult | undefined;
    times.push(
      await timed(async () => {
        result = await scanner.run(new Date(nowMs));
      }),
    );
    if (result?.prometheus !== 'available') {
      throw new Error(`${options.name}: the scan saw Prometheus unavailable`);
    }
    results.push(result);
  }
  const figures: ScanFigures = {
    name: options.name,
    series: gpus.length,
    pointsPerSeries,
    stepSeconds,
    medianMs: median(times),
    firstMs: times[0],
    maxMs: Math.max(...times),
    idleGpus: results[results.length - 1].idleGpus,
    opened: results[0].opened,
    notifiedPods: results[0].notifiedPods,
  };
  options.log(
    `  ${options.name}: ${times.map(t => ms(t)).join(', ')} ms (${
      figures.idleGpus
    } GPUs idle, ${figures.opened} episodes opened and ${
      figures.notifiedPods
    } pods told in the first round)`,
  );
  return figures;
}

export async function runBench(
  options: UtilizationOptions,
  parts: { sim: Sim; prometheus: RunningPrometheus; db: UtilizationDatabase },
): Promise<UtilizationFigures> {
  const { log } = options;
  const { sim, prometheus: prom, db } = parts;
  const loadAtStart = os.loadavg()[0];
  const logger = quietLogger();
  await migrateDatabase(db.service);
  const facts = await DatabaseFactStore.create({ database: db.service });
  const config = insightsConfig(sim, prom.url);
  const connection = config.prometheus!;

  // The fleet as the plugin reads it, once kube-sim's workloads have settled.
  const plainReader = KubernetesGpuReader.fromCluster(config.cluster!, {
    logger,
    poolLabel: config.gpu.poolLabel,
    cacheTtlMs: 0,
  });
  let snapshot: ClusterGpuSnapshot = await plainReader.snapshot();
  for (let i = 0; i < 100; i++) {
    await new Promise(r => setTimeout(r, 300));
    const next = await plainReader.snapshot();
    const held = (s: ClusterGpuSnapshot) =>
      s.pods.reduce((n, p) => n + p.gpus, 0);
    const settled =
      next.pods.length > 0 &&
      next.pods.length === snapshot.pods.length &&
      held(next) === held(snapshot);
    snapshot = next;
    if (settled) break;
  }
  const gpuCount = snapshot.nodes.reduce((n, x) => n + x.capacity, 0);
  log(
    `kube-sim: ${snapshot.nodes.length} GPU nodes, ${gpuCount} GPUs, ${snapshot.pods.length} pods holding GPUs, ${snapshot.pending.length} pending`,
  );
  const waitMs = await untilScraped(prom, {
    gpus: gpuCount,
    scrapes: 2,
    timeoutMs: 120_000,
  });
  log(
    `Prometheus: ${gpuCount} GPUs' series, scraped at least twice (every ${SCRAPE_SECONDS} s), after ${(
      waitMs / 1000
    ).toFixed(1)} s`,
  );

  // The held GPUs, labelled as Prometheus holds them: the series the scan's query returns.
  const scanQuery = idleActivityQuery(connection);
  const podKey = (node: string, namespace: string, pod: string) =>
    `${node}/${namespace}/${pod}`;
  const pods = new Map(
    snapshot.pods.map(p => [podKey(p.node, p.namespace, p.pod), p]),
  );
  const held: HeldGpu[] = [];
  for (const { metric, value } of await promQuery(prom.url, scanQuery)) {
    const key = podKey(
      metric.hostname,
      metric[connection.namespaceLabel],
      metric[connection.podLabel],
    );
    if (pods.has(key))
      held.push({ labels: metric, podKey: key, now: +value[1] });
  }
  const heldGpus = snapshot.pods.reduce((n, p) => n + p.gpus, 0);
  const threshold = config.gpu.idle.thresholdPercent;
  const teams = [
    ...new Set(snapshot.pods.flatMap(p => (p.team ? [p.team] : []))),
  ].sort();
  const shape = {
    gpuNodes: snapshot.nodes.length,
    gpus: gpuCount,
    pods: snapshot.pods.length,
    heldGpus,
    idleHeldGpus: held.filter(g => g.now < threshold).length,
    freeGpus: gpuCount - heldGpus,
    pendingPods: snapshot.pending.length,
    pendingGpus: snapshot.pending.reduce((n, p) => n + p.gpus, 0),
    teams: teams.length,
    openEpisodesOnPage: 0,
  };
  log(
    `Held GPUs: ${heldGpus} in the snapshot, ${held.length} series of the scan's query matching its pods (${shape.idleHeldGpus} at under ${threshold}% now)`,
  );

  // 2. The idle scan (first, so that the page's idle list has the episodes it opens).
  log('');
  log('Idle scan: generating a day of 15 s samples for every held GPU…');
  const anchorMs = Math.floor(Date.now() / STEP_MS) * STEP_MS;
  const windowMs = DAY_MS;
  const timeline = {
    firstMs: anchorMs - windowMs - 2 * STEP_MS - 8 * STEP_MS,
    lastMs: anchorMs + (options.rounds + 8) * STEP_MS,
  };
  const gpus = held.map(g => generateGpu(g, timeline, anchorMs, threshold));
  const profiles: Record<string, number> = {};
  for (const g of gpus) profiles[g.profile] = (profiles[g.profile] ?? 0) + 1;
  log(
    `  ${gpus.length} series: ${Object.entries(profiles)
      .map(([p, n]) => `${n} ${p}`)
      .join(', ')}; ${
      gpus.filter(g => g.startedAtMs > anchorMs - windowMs).length
    } series of pods started within the day`,
  );

  let nowMs = anchorMs;
  const clock = () => new Date(nowMs);
  const realPrometheus = new PrometheusClient(connection);
  const prepared = new PreparedPrometheus(realPrometheus);
  const directory = await DatabaseGpuPodDirectory.create({
    database: db.service,
  });
  const scanReader = new RecordingGpuReader(
    new AgedReader(plainReader, anchorMs),
    directory,
  );
  const gpuHourMicros = (pool: string) =>
    poolRates(rateAt(config.rateCard, new Date().toISOString()), pool).gpuHour;
  let sent = 0;
  const scannerWith = async (ruleWindowMs: number) => {
    const idle = await createIdleCapability({
      database: db.service,
      reader: scanReader,
      prometheus: prepared,
      connection,
      rule: { ...config.gpu.idle, windowMs: ruleWindowMs, notify: true },
      gpuHourMicros,
      facts,
      notifications: {
        send: async () => {
          sent++;
        },
      },
      logger,
      clock,
    });
    return idle.scanner!;
  };
  const scanner = await scannerWith(windowMs);
  const baselineScanner = await scannerWith(STEP_MS);
  const common = {
    prometheus: prepared,
    db,
    gpus,
    anchorMs,
    rounds: options.rounds,
    setNow: (t: number) => {
      nowMs = t;
    },
    query: scanQuery,
    log,
  };
  const widened = (startMs: number, endMs: number) =>
    alignRange(
      startMs / 1000,
      endMs / 1000,
      connection.scrapeIntervalSeconds,
      1100,
    );
  const scans: ScanFigures[] = [];
  scans.push(
    await scanRounds({
      ...common,
      name: 'baseline: window of one step (4 samples per GPU)',
      scanner: baselineScanner,
      windowMs: STEP_MS,
      answer: (g, start, end) => ({
        points: pointsIn(g, start, end, STEP_MS),
        stepSeconds: STEP_MS / 1000,
      }),
    }),
  );
  scans.push(
    await scanRounds({
      ...common,
      name: '24 h of 15 s samples',
      scanner,
      windowMs,
      answer: (g, start, end) => ({
        points: pointsIn(g, start, end, STEP_MS),
        stepSeconds: STEP_MS / 1000,
      }),
    }),
  );
  scans.push(
    await scanRounds({
      ...common,
      name: "24 h at the scan's own step (the max of each step, as Prometheus answers)",
      scanner,
      windowMs,
      answer: (g, start, end) => {
        // The scan widens its step to keep a day under 1,000 points: 90 s at a 15 s scrape.
        const stepS =
          Math.ceil((end - start) / 1000 / 1000 / (STEP_MS / 1000)) *
          (STEP_MS / 1000);
        return {
          points: maxPointsIn(g, start, end, stepS * 1000),
          stepSeconds: stepS,
        };
      },
    }),
  );
  log(`  notifications sent: ${sent}`);

  prepared.prepare(undefined);

  // findIdleSince alone over exactly 1,000 × 5,760: the held GPUs, padded with more of the
  // same mix, each the full 5,760 points (their pods older than the day).
  const findGpus: HeldGpu[] = [...held];
  for (let i = 0; findGpus.length < FIND_SERIES; i++) {
    const like = held[i % held.length];
    findGpus.push({
      ...like,
      podKey: `${like.podKey}#${i}`,
      labels: { ...like.labels, gpu_id: String(i) },
    });
  }
  const findSeries = findGpus.slice(0, FIND_SERIES).map(h => {
    const g = generateGpu(h, timeline, anchorMs, threshold, 2 * DAY_MS);
    const points = pointsIn(
      g,
      anchorMs - (FIND_POINTS - 1) * STEP_MS,
      anchorMs,
      STEP_MS,
    );
    return {
      points,
      times: Float64Array.from(points, p => p[0]),
      values: Float64Array.from(points, p => p[1]),
      startedAt: g.startedAtMs,
    };
  });
  // 5,760 points span 24 h less a step: the window is 24 h less two.
  const findOptions = (startedAt: number) => ({
    thresholdPercent: threshold,
    windowMs: windowMs - 2 * STEP_MS,
    now: anchorMs,
    maxGapMs: 3 * STEP_MS,
    startedAt,
  });
  const countIdle = () => {
    let n = 0;
    for (const x of findSeries) {
      if (findIdleSinceInPoints(x.points, findOptions(x.startedAt))) n++;
    }
    return n;
  };
  const countIdleTyped = () => {
    let n = 0;
    for (const x of findSeries) {
      if (findIdleSince(x.times, x.values, findOptions(x.startedAt))) n++;
    }
    return n;
  };
  // The worst case: a threshold over every sample, so that every point is read.
  const countAllIdle = () => {
    let n = 0;
    for (const x of findSeries) {
      const o = { ...findOptions(x.startedAt), thresholdPercent: 101 };
      if (findIdleSinceInPoints(x.points, o)) n++;
    }
    return n;
  };
  let findIdle = 0;
  let worstIdle = 0;
  const pointsTimes: number[] = [];
  const typedTimes: number[] = [];
  const worstTimes: number[] = [];
  for (let round = 0; round < options.rounds; round++) {
    let t0 = performance.now();
    findIdle = countIdle();
    pointsTimes.push(performance.now() - t0);
    t0 = performance.now();
    countIdleTyped();
    typedTimes.push(performance.now() - t0);
    t0 = performance.now();
    worstIdle = countAllIdle();
    worstTimes.push(performance.now() - t0);
  }
  if (worstIdle !== findSeries.length) {
    throw new Error(`bench: the worst case found ${worstIdle} idle`);
  }
  const findFigures = {
    series: findSeries.length,
    points: Math.min(...findSeries.map(s => s.points.length)),
    pointsMs: median(pointsTimes),
    typedArraysMs: median(typedTimes),
    everyPointMs: median(worstTimes),
    idle: findIdle,
  };
  log(
    `  findIdleSince over ${findFigures.series} × ${
      findFigures.points
    } points: ${ms(findFigures.pointsMs)} ms ([t, v] points, as the scan), ${ms(
      findFigures.typedArraysMs,
    )} ms (typed arrays); ${findIdle} idle; every point read (threshold over all): ${ms(
      findFigures.everyPointMs,
    )} ms`,
  );
  findSeries.length = 0;

  // Apart: JSON.parse of the scan's answer as Prometheus's HTTP API sends it.
  const jsonFigures: UtilizationFigures['json'] = [];
  for (const step of [
    STEP_MS,
    widened(anchorMs - windowMs - 2 * STEP_MS, anchorMs).step * 1000,
  ]) {
    const startMs = anchorMs - windowMs - 2 * STEP_MS;
    const aligned = Math.floor(startMs / step) * step;
    const text = queryRangeJson(
      gpus.map(g => ({
        labels: g.labels,
        points: pointsIn(g, aligned, Math.ceil(anchorMs / step) * step, step),
      })),
    );
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      times.push(await timed(async () => JSON.parse(text)));
    }
    const megabytes = Buffer.byteLength(text) / 1e6;
    jsonFigures.push({
      stepSeconds: step / 1000,
      megabytes,
      parseMs: median(times),
      // The whole of PrometheusClient.range on it, where the client would take it.
      clientMs:
        megabytes < 50
          ? await clientRangeMs(text, scanQuery, startMs, anchorMs)
          : undefined,
    });
  }
  log(
    `  Prometheus's answer (not part of the scan): ${jsonFigures
      .map(
        j =>
          `${j.stepSeconds} s step ${j.megabytes.toFixed(
            1,
          )} MB, JSON.parse ${ms(j.parseMs)} ms${
            j.clientMs === undefined
              ? ''
              : `, PrometheusClient.range ${ms(j.clientMs)} ms`
          }`,
      )
      .join('; ')}`,
  );
  gpus.length = 0;

  // 1. The fleet page's API.
  log('');
  log(
    `Fleet page API: ${options.concurrency} concurrent callers × ${options.iterations} each, ${options.rounds} rounds`,
  );
  const baselines: Call[] = [
    {
      name: 'baseline: kube-sim GET /api/v1/nodes',
      run: async () => {
        const res = await fetch(`${sim.url}/api/v1/nodes`, {
          headers: { Authorization: `Bearer ${sim.token}` },
        });
        await res.text();
      },
    },
    {
      name: 'baseline: Prometheus vector(1)',
      run: async () => {
        const res = await fetch(
          `${prom.url}/api/v1/query?${new URLSearchParams({
            query: 'vector(1)',
          })}`,
        );
        await res.text();
      },
    },
  ];
  shape.openEpisodesOnPage = (
    await (
      await DatabaseIdleEpisodeStore.create({ database: db.service })
    ).listOpen()
  ).length;
  const pages: PassFigures[] = [];
  for (const cold of [false, true]) {
    const name = cold
      ? 'cold: no Prometheus cache, no snapshot cache'
      : 'as configured: Prometheus cache 30 s, snapshot cache 10 s';
    const calls = await pageCalls({
      config: cold ? insightsConfig(sim, prom.url, 0) : config,
      db,
      facts,
      logger,
      cold,
      teams,
    });
    pages.push({
      name,
      calls: await measureCalls(
        [...baselines, ...calls],
        options,
        cold ? 'cold' : 'cached',
      ),
    });
  }

  const pageP95 = (pass: PassFigures) =>
    Math.max(
      ...pass.calls.filter(c => c.name.startsWith('page load')).map(c => c.p95),
    );
  const fullScan = scans[1];
  if (logger.problems.size) {
    log('');
    log('Logged by the plugin:');
    for (const p of logger.problems) log(`  ${p}`);
  }
  return {
    database: db.engine,
    loadAverage: [loadAtStart, os.loadavg()[0]],
    fleet: shape,
    prometheusWaitSeconds: waitMs / 1000,
    pages,
    scans,
    profiles,
    findIdleSince: findFigures,
    json: jsonFigures,
    targets: {
      pageWarmP95: pageP95(pages[0]),
      pageColdP95: pageP95(pages[1]),
      scanMs: fullScan.medianMs,
    },
  };
}

export function formatFigures(
  f: UtilizationFigures,
  options: UtilizationOptions,
): string {
  const lines: string[] = [];
  for (const pass of f.pages) {
    const nodes = pass.calls[0].p95;
    const vector = pass.calls[1].p95;
    const ratio = (p95: number, base: number) =>
      base > 0 ? `${(p95 / base).toFixed(1)}×` : '–';
    lines.push(
      `Fleet page API, ${pass.name} (${options.concurrency} concurrent callers):`,
      '',
      '| call | p50 ms | p95 ms | p95 / nodes p95 | p95 / vector(1) p95 |',
      '| --- | ---: | ---: | ---: | ---: |',
      ...pass.calls.map(
        c =>
          `| ${c.name} | ${ms(c.p50)} | ${ms(c.p95)} | ${ratio(
            c.p95,
            nodes,
          )} | ${ratio(c.p95, vector)} |`,
      ),
      '',
    );
  }
  lines.push(
    'Prometheus holds only the minutes since it started: usage and breakdown over 24 h read',
    'little data (their time is the evaluation over 24 h of steps and the plumbing).',
    '',
    `Idle scan (IdleScanner.run, window 24 h, ${f.fleet.heldGpus} held GPUs; median of ${options.rounds} scans 15 s apart, the first opening the episodes):`,
    '',
    '| scan | series × points | step s | median ms | first ms | max ms | idle GPUs | median / baseline |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...f.scans.map(
      s =>
        `| ${s.name} | ${s.series} × ${s.pointsPerSeries} | ${
          s.stepSeconds
        } | ${ms(s.medianMs)} | ${ms(s.firstMs)} | ${ms(s.maxMs)} | ${
          s.idleGpus
        } | ${(s.medianMs / f.scans[0].medianMs).toFixed(1)}× |`,
    ),
    '',
    `Series: ${Object.entries(f.profiles)
      .map(([p, n]) => `${n} ${p}`)
      .join(', ')}.`,
    `findIdleSince alone over ${f.findIdleSince.series} × ${
      f.findIdleSince.points
    } points: ${ms(
      f.findIdleSince.pointsMs,
    )} ms ([t, v] points, as the scan), ${ms(
      f.findIdleSince.typedArraysMs,
    )} ms (typed arrays); ${
      f.findIdleSince.idle
    } idle (a busy GPU's walk stops at its latest sample); every point read (threshold over all samples) ${ms(
      f.findIdleSince.everyPointMs,
    )} ms.`,
    `Not in the scan's time, Prometheus's answer for the held GPUs: ${f.json
      .map(
        j =>
          `at ${j.stepSeconds} s ${j.megabytes.toFixed(1)} MB, JSON.parse ${ms(
            j.parseMs,
          )} ms${
            j.clientMs === undefined
              ? ' (over the 50 MB PrometheusClient reads)'
              : `, PrometheusClient.range (fetch, parse, validation, points) ${ms(
                  j.clientMs,
                )} ms`
          }`,
      )
      .join(
        '; ',
      )}. PrometheusClient widens a 24 h range to at most 1,100 points per series: it asks 120 s steps, not 15 s.`,
    '',
  );
  const verdict = (value: number, target: number) =>
    value < target ? 'PASS' : 'FAIL';
  const s = f.fleet;
  lines.push(
    'Summary',
    `  fleet: ${s.gpuNodes} GPU nodes, ${s.gpus} GPUs, ${s.pods} pods holding ${s.heldGpus} GPUs (${s.idleHeldGpus} of them idle), ${s.freeGpus} free, ${s.pendingPods} pending pods (${s.pendingGpus} GPUs), ${s.teams} teams; ${s.openEpisodesOnPage} open idle episodes on the page`,
    `  database: ${f.database}`,
    `  fleet page p95 < ${PAGE_TARGET_MS} ms, as configured: ${ms(
      f.targets.pageWarmP95,
    )} ms ${verdict(f.targets.pageWarmP95, PAGE_TARGET_MS)}`,
    `  fleet page p95 < ${PAGE_TARGET_MS} ms, cold: ${ms(
      f.targets.pageColdP95,
    )} ms ${verdict(f.targets.pageColdP95, PAGE_TARGET_MS)}`,
    `  idle scan of 1,000 GPUs × 24 h of 15 s samples < ${SCAN_TARGET_MS} ms: ${ms(
      f.targets.scanMs,
    )} ms ${verdict(f.targets.scanMs, SCAN_TARGET_MS)} (the scan of the ${
      f.scans[1].series
    } held GPUs' series; findIdleSince over ${f.findIdleSince.series} × ${
      f.findIdleSince.points
    } points ${ms(f.findIdleSince.pointsMs)} ms)`,
    `  machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), ${
      Math.round(os.totalmem() / 2 ** 30) || '?'
    } GiB, Node ${process.version}; load average ${f.loadAverage
      .map(l => l.toFixed(1))
      .join(' → ')} (start → end; other work on the machine counts)`,
  );
  return lines.join('\n');
}

async function main() {
  const options = optionsFromEnv();
  if (!prometheusInstalled()) {
    throw new Error(
      `${PROMETHEUS_BINARY} is missing: install the Debian package "prometheus"`,
    );
  }
  const stops: Array<() => Promise<void>> = [];
  let stopping: Promise<void> | undefined;
  const stopAll = () =>
    (stopping ??= (async () => {
      for (const stop of stops.reverse()) {
        await stop().catch(e => options.log(`cleanup: ${e}`));
      }
    })());
  const onSignal = () => {
    options.log('Interrupted: stopping kube-sim and Prometheus…');
    stopAll().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const db = await openUtilizationDatabase({
      connections: options.concurrency + 2,
      sqlite: options.sqlite,
    });
    stops.push(() => db.close());
    options.log(
      `Database: ${db.engine}${
        db.why ? ` (PostgreSQL not used: ${db.why})` : ''
      }`,
    );
    const sim = await startLargeFleet();
    stops.push(() => sim.stop());
    const prometheus = await startScraping(sim, SCRAPE_SECONDS);
    stops.push(() => prometheus.stop());
    const figures = await runBench(options, { sim, prometheus, db });
    options.log('');
    options.log(formatFigures(figures, options));
    if (options.json) options.log(JSON.stringify(figures, null, 2));
  } finally {
    await stopAll();
  }
}

if (require.main === module) {
  main().catch(error => {
    // eslint-disable-next-line no-console
    console.error(error);
    process.exitCode = 1;
  });
}
