/**
 * `yarn bench:compliance`: the compliance scorecards at the platform's scale, on this machine.
 *
 * 1. The evaluation: kube-sim (a process of its own, controllers idle so the cluster holds
 *    still) starts with 500 playground environments of 20 pods each (10,000 pods; the checks
 *    module's compliant environment, renamed, one in five broken in one way) and the backend's
 *    compliance service, built as the plugin builds it (createComplianceService with the real
 *    ClusterObjectsReader and the checks module's built-in checks), evaluates the whole cluster
 *    `rounds` times with its cache off: read every object in one paged pass, run every check
 *    over every environment, score. Printed: the median and the slowest round, the read alone
 *    (ClusterObjectsReader.read) and the checks alone (over the objects read), the resident
 *    memory at its peak (sampled every 10 ms) and before, and a baseline in the same run: the
 *    10,000 pods listed by plain fetch in pages of 500, what any reader must at least do.
 * 2. The compliance page's queries over a year of daily history (bench/complianceHistory.ts):
 *    the plugin's database (PostgreSQL via BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING
 *    when it answers, a database of its own dropped at the end, else an in-memory SQLite;
 *    BENCH_SQLITE=1 forces SQLite; the output says which), migrated, holds 366 days of what the
 *    hourly snapshotter writes for this cluster (its 500 environments in 25 teams, 20 cost
 *    centers, the 17 checks; failures drifting day to day), written through
 *    DatabaseHistoryStore.writeDay, and 50 waivers. What the page asks on load goes through the
 *    real routes (addComplianceRoutes on the plugin's OpenAPI router, the real TeamScopeGate
 *    and the portal's permission policy, on a local port, by fetch, the answer read but not
 *    parsed): the scorecards (the evaluation cached, the waivers in force applied), an
 *    environment's checks, the history of the platform (an admin) and of a lead's team with its
 *    checks over 90 days daily and a year weekly, one environment's year, the waivers in force,
 *    and the page's three calls at once; `BENCH_CONCURRENCY` callers each asking
 *    `BENCH_ITERATIONS` times back to back (all starting at once), for `rounds` rounds in a
 *    rotating order; printed: the median over the rounds of each round's p50 and p95, and the
 *    p95 over the baseline's, `SELECT 1` by knex under the same load (and behind the same HTTP
 *    server). Then the hourly task (HistorySnapshotter.run: today's score and check rows
 *    replaced, the purge) and writeDay alone, median of `rounds`.
 * 3. A summary against the targets (evaluation under 2 s, resident memory under 500 MB, the
 *    page's queries under 200 ms at p95) with the load average.
 *
 * Scale with BENCH_NAMESPACES (500), BENCH_PODS_PER_NAMESPACE (20), BENCH_TEAMS (25),
 * BENCH_ROUNDS (5), BENCH_HISTORY_DAYS (366), BENCH_CONCURRENCY (10), BENCH_ITERATIONS (5);
 * BENCH_SQLITE=1. `--json` prints the figures as JSON too.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import { startSim } from '@genai-portal/test-utils';
import { createBuiltInChecks } from '@genai-portal/plugin-genai-insights-backend-module-policy-checks';
import { readInsightsConfig } from '../src/config';
import { ClusterObjectsReader } from '../src/compliance/ClusterObjectsReader';
import { createComplianceService } from '../src/compliance/createComplianceService';
import { evaluateChecks } from '../src/compliance/evaluateChecks';
import { median, ms, timed } from './measure';
import { writeClusterState, type GeneratedCluster } from './complianceCluster';
import {
  PAGE_TARGET_MS,
  printHistory,
  runHistoryBench,
} from './complianceHistory';
import { quietLogger } from './utilizationSetup';

const EVALUATION_TARGET_MS = 2000;
const RSS_TARGET_MB = 500;
const MB = 1024 * 1024;

interface Options {
  namespaces: number;
  podsPerNamespace: number;
  teams: number;
  rounds: number;
  historyDays: number;
  concurrency: number;
  iterations: number;
  sqlite: boolean;
  json: boolean;
}

function optionsFromEnv(env = process.env, argv = process.argv): Options {
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
    namespaces: int('BENCH_NAMESPACES', 500),
    podsPerNamespace: int('BENCH_PODS_PER_NAMESPACE', 20),
    teams: int('BENCH_TEAMS', 25),
    rounds: int('BENCH_ROUNDS', 5),
    historyDays: int('BENCH_HISTORY_DAYS', 366),
    concurrency: int('BENCH_CONCURRENCY', 10),
    iterations: int('BENCH_ITERATIONS', 5),
    sqlite: env.BENCH_SQLITE === '1',
    json: argv.includes('--json'),
  };
}

// eslint-disable-next-line no-console
const log = (line: string) => console.log(line);

/** The peak resident memory while `run` runs, sampled every 10 ms. */
async function peakRss<T>(run: () => Promise<T>): Promise<[T, number]> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 10);
  try {
    const result = await run();
    return [result, Math.max(peak, process.memoryUsage.rss())];
  } finally {
    clearInterval(timer);
  }
}

/** Every pod by plain fetch, in pages of 500: the least any reader of the cluster does. */
async function listPods(url: string, token: string): Promise<number> {
  let count = 0;
  let next: string | undefined;
  do {
    const query = new URLSearchParams({ limit: '500' });
    if (next) query.set('continue', next);
    const res = await fetch(`${url}/api/v1/pods?${query}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = (await res.json()) as {
      items: unknown[];
      metadata: { continue?: string };
    };
    count += body.items.length;
    next = body.metadata.continue || undefined;
  } while (next);
  return count;
}

export async function main() {
  const options = optionsFromEnv();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-compliance-'));
  const stateFile = path.join(dir, 'kube-sim.json');
  const cluster: GeneratedCluster = writeClusterState(stateFile, options);
  const token = `bench-compliance-${process.pid}`;
  // Controllers a day apart: nothing schedules, scales or reconciles while it is measured.
  const sim = await startSim('kube-sim', [
    '--port',
    '0',
    '--token',
    token,
    '--state',
    stateFile,
    '--tick-ms',
    '86400000',
  ]);
  try {
    const config = readInsightsConfig(
      new ConfigReader({
        genaiInsights: {
          cluster: { url: sim.url, token },
          compliance: { cacheSeconds: 0 },
        },
      }),
    );
    const checks = createBuiltInChecks();
    const logger = quietLogger();
    const service = createComplianceService({ config, checks, logger });
    const reader = ClusterObjectsReader.fromCluster(config.cluster!, {
      logger,
    });
    const listed = await listPods(sim.url, token);
    if (listed !== cluster.pods) {
      throw new Error(`kube-sim serves ${listed} pods, not ${cluster.pods}`);
    }
    const rssBefore = process.memoryUsage.rss();

    // Warm-up: the first evaluation opens connections and compiles the code paths.
    const first = await service.evaluation();
    const rounds: number[] = [];
    const reads: number[] = [];
    const evaluations: number[] = [];
    const baselines: number[] = [];
    let peak = 0;
    for (let round = 0; round < options.rounds; round++) {
      const [elapsed, rss] = await peakRss(() =>
        timed(() => service.evaluation()),
      );
      rounds.push(elapsed);
      peak = Math.max(peak, rss);
      let environments: Awaited<ReturnType<typeof reader.read>> = [];
      reads.push(
        await timed(async () => {
          environments = await reader.read();
        }),
      );
      evaluations.push(
        await timed(() =>
          evaluateChecks({
            checks,
            environments,
            context: {
              now: new Date(),
              allowedRegistries: [],
              pools: config.compliance.pools.map(pool => ({
                name: pool.name,
                nodeLabel: config.gpu.poolLabel,
                nodeLabelValue: pool.name,
                workloadType: pool.workloadType,
              })),
            },
          }),
        ),
      );
      baselines.push(await timed(() => listPods(sim.url, token)));
    }

    const results = first.results.length;
    const figures = {
      cluster: { ...cluster, checks: checks.length, results },
      platformPercent: first.scorecards.platform.percent,
      evaluation: {
        medianMs: median(rounds),
        maxMs: Math.max(...rounds),
        readMedianMs: median(reads),
        checksMedianMs: median(evaluations),
        baselineListPodsMs: median(baselines),
      },
      rssMb: { before: rssBefore / MB, peak: peak / MB },
      loadAverage: os.loadavg()[0],
    };
    const e = figures.evaluation;
    log(
      `Cluster: ${cluster.namespaces} namespaces, ${cluster.pods} pods, ${
        cluster.objects
      } objects (${cluster.broken} environments broken in one way); ${
        checks.length
      } checks, ${results} results; platform score ${figures.platformPercent?.toFixed(
        1,
      )}%`,
    );
    log(
      `Evaluation (read + checks + score), median of ${options.rounds}: ${ms(
        e.medianMs,
      )} ms (slowest ${ms(e.maxMs)} ms)`,
    );
    log(
      `  read alone ${ms(e.readMedianMs)} ms, checks alone ${ms(
        e.checksMedianMs,
      )} ms; baseline: the pods alone by plain fetch ${ms(
        e.baselineListPodsMs,
      )} ms (evaluation ${(e.medianMs / e.baselineListPodsMs).toFixed(
        1,
      )}x the baseline)`,
    );
    log(
      `Resident memory: ${figures.rssMb.before.toFixed(
        0,
      )} MB before, ${figures.rssMb.peak.toFixed(
        0,
      )} MB at the peak of the evaluations`,
    );

    const history = await runHistoryBench(
      {
        days: options.historyDays,
        concurrency: options.concurrency,
        rounds: options.rounds,
        iterations: options.iterations,
        sqlite: options.sqlite,
        log,
      },
      { config, checks },
    );
    printHistory(history, log);
    const loadAverage = os.loadavg()[0];
    log(
      `Targets: evaluation under ${EVALUATION_TARGET_MS} ms: ${
        e.medianMs < EVALUATION_TARGET_MS ? 'met' : 'NOT met'
      }; resident memory under ${RSS_TARGET_MB} MB: ${
        figures.rssMb.peak < RSS_TARGET_MB ? 'met' : 'NOT met'
      }; each page query under ${PAGE_TARGET_MS} ms at p95: ${
        history.worst.p95 < PAGE_TARGET_MS ? 'met' : 'NOT met'
      } (slowest: ${history.worst.name}, ${ms(
        history.worst.p95,
      )} ms; the page's three at once ${history.calls
        .filter(c => c.composite)
        .map(c => `${ms(c.p95)} ms`)
        .join(' admin, ')} lead) (load average ${figures.loadAverage.toFixed(
        2,
      )} after the evaluations, ${loadAverage.toFixed(2)} at the end)`,
    );
    if (options.json) log(JSON.stringify({ ...figures, history }));
  } finally {
    await sim.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch(error => {
    // eslint-disable-next-line no-console
    console.error(error);
    process.exit(1);
  });
}
