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
 * 2. A summary against the targets (evaluation under 2 s, resident memory under 500 MB).
 *
 * Scale with BENCH_NAMESPACES (500), BENCH_PODS_PER_NAMESPACE (20), BENCH_TEAMS (25),
 * BENCH_ROUNDS (5). `--json` prints the figures as JSON too.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ConfigReader } from '@backstage/config';
import { startSim } from '@genai-portal/test-utils';
import { createBuiltInChecks } from '@genai-portal/plugin-genai-insights-backend-module-policy-checks';
import { readInsightsConfig } from '../src/config';
import { ClusterObjectsReader } from '../src/compliance/ClusterObjectsReader';
import { createComplianceService } from '../src/compliance/createComplianceService';
import { evaluateChecks } from '../src/compliance/evaluateChecks';
import { median, ms, timed } from './measure';
import { writeClusterState, type GeneratedCluster } from './complianceCluster';
import { quietLogger } from './utilizationSetup';

const EVALUATION_TARGET_MS = 2000;
const RSS_TARGET_MB = 500;
const MB = 1024 * 1024;

interface Options {
  namespaces: number;
  podsPerNamespace: number;
  teams: number;
  rounds: number;
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
    log(
      `Targets: evaluation under ${EVALUATION_TARGET_MS} ms: ${
        e.medianMs < EVALUATION_TARGET_MS ? 'met' : 'NOT met'
      }; resident memory under ${RSS_TARGET_MB} MB: ${
        figures.rssMb.peak < RSS_TARGET_MB ? 'met' : 'NOT met'
      } (load average ${figures.loadAverage.toFixed(2)})`,
    );
    if (options.json) log(JSON.stringify(figures));
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
