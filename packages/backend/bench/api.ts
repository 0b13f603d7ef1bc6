/**
 * `yarn bench:api`: the portal's API at production scale, as its users meet it.
 *
 * 1. kube-sim (a Namespace and ResourceQuota per environment) and the real backend in production
 *    config on the machine's PostgreSQL and Redis (packages/test-utils startProductionBackend): by
 *    default the production build as the container image holds it (assembleBackendImage: the
 *    `yarn build:backend` output, built again first when a source is newer than it), or with
 *    --from-sources the TypeScript sources through Backstage's node transform; the
 *    genai-playground database seeded with 1,000 environments, 100,000 jobs and 200,000 usage
 *    records of ten teams by INSERT … SELECT (bench/seed.ts).
 * 2. A second backend process on the same databases, and a round-robin TCP proxy over both.
 * 3. Rounds: for each number of users, one replica and then two (the order rotating), a closed
 *    loop of that many users (bench/load.ts) signed in as members of ml-research over the pages'
 *    mix (environments, quotas, jobs, usage, the insights cost, GPU and compliance queries), and
 *    the readiness endpoint under the same load as the baseline. Every figure is the median of
 *    the rounds' figures; errors are summed.
 * 4. A third process with `--cpu-prof` (NODE_OPTIONS) takes one round alone; the functions with
 *    the most self time during that round are printed.
 *
 * Flags: --rounds N (5), --seconds N per load (4), --users 50,200, --environments N (1000),
 * --jobs N per environment (100), --usage N per environment (200), --no-profile, --json,
 * --alone (each route of the mix by itself, one replica: a route's own cost, not the mix's queue),
 * --from-sources, --sources-at DIR (the TypeScript sources of another tree, e.g. `git archive` of
 * the base commit with this one's node_modules linked in: before and after measured alike).
 * The machine's load average is printed with the figures: other work on it shows in them.
 */
import {
  assembleBackendImage,
  pgUrl,
  postgresProblem,
  repoRoot,
  signIn,
  startProductionBackend,
  startSim,
  type ProductionBackend,
} from '@genai-portal/test-utils';
import {
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { cpuClockOfListener, median, ms, percentile } from './measure';
import { closedLoop, type LoadResult, type RouteMix } from './load';
import { inclusiveTime, topSelfTime } from './profile';
import { startRoundRobin } from './roundRobin';
import {
  clusterManifest,
  environmentId,
  jobId,
  seedDatabase,
  type SeedScale,
} from './seed';

const KUBE_TOKEN = 'bench-api-kube-token';
const BASELINE = 'readiness (baseline)';
const TARGET_P95_MS = 100;

interface Options {
  rounds: number;
  seconds: number;
  users: number[];
  scale: SeedScale;
  profile: boolean;
  json: boolean;
  /** Each route of the mix alone (one replica), instead of the mix. */
  alone: boolean;
  /** The TypeScript sources rather than the production build. */
  fromSources: boolean;
  /** Another tree whose TypeScript sources to run. */
  sourcesAt?: string;
}

function parseOptions(argv: string[]): Options {
  const value = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const num = (name: string, fallback: number) => {
    const n = Number(value(name) ?? fallback);
    if (!(n > 0)) throw new Error(`--${name} must be a positive number`);
    return n;
  };
  return {
    rounds: num('rounds', 5),
    seconds: num('seconds', 4),
    users: (value('users') ?? '50,200').split(',').map(Number),
    scale: {
      environments: num('environments', 1000),
      jobsPerEnvironment: num('jobs', 100),
      usagePerEnvironment: num('usage', 200),
      teams: [
        'ml-research',
        'genai-apps',
        'platform-team',
        ...Array.from({ length: 7 }, (_, i) => `team-${i + 4}`),
      ],
    },
    profile: !argv.includes('--no-profile'),
    json: argv.includes('--json'),
    alone: argv.includes('--alone'),
    fromSources: argv.includes('--from-sources'),
    sourcesAt: value('sources-at'),
  };
}

// eslint-disable-next-line no-console
const log = (line: string) => console.log(line);

/** The pages' requests of a member of the first team, over its own environments and jobs. */
function pageMix(scale: SeedScale): RouteMix[] {
  const teamEnvs: string[] = [];
  const teamJobs: string[] = [];
  for (let i = 0; i < scale.environments; i += scale.teams.length) {
    teamEnvs.push(environmentId(scale, i));
    teamJobs.push(jobId(i, (i * 31) % scale.jobsPerEnvironment));
  }
  const to = new Date();
  to.setUTCMinutes(0, 0, 0);
  const from = new Date(to.getTime() - 30 * 86_400_000);
  const range = `from=${from.toISOString()}&to=${to.toISOString()}`;
  const pg = '/api/genai-playground';
  const insights = '/api/genai-insights';
  return [
    { route: 'environments list', weight: 2, paths: [`${pg}/environments`] },
    {
      route: 'environment open',
      weight: 3,
      paths: teamEnvs.map(id => `${pg}/environments/${id}`),
    },
    { route: 'quota (teams)', weight: 1, paths: [`${pg}/quota/teams`] },
    {
      route: 'jobs list',
      weight: 2,
      paths: teamEnvs.map(id => `${pg}/jobs?environment=${id}&limit=50`),
    },
    {
      route: 'job open',
      weight: 3,
      paths: teamJobs.map(id => `${pg}/jobs/${id}`),
    },
    {
      route: 'usage',
      weight: 1,
      paths: [`${pg}/usage?groupBy=day&${range}`],
    },
    {
      route: 'insights cost',
      weight: 1,
      paths: [`${insights}/cost?${range}`],
    },
    {
      route: 'insights GPU',
      weight: 1,
      paths: [`${insights}/gpu/usage?${range}`],
    },
    {
      route: 'insights compliance',
      weight: 1,
      paths: [`${insights}/compliance/scorecards`],
    },
  ];
}

/** The prefix of a backend's databases (startProductionBackend names them after its port). */
async function databasePrefix(baseUrl: string): Promise<string> {
  const port = new URL(baseUrl).port;
  const client = new Client({ connectionString: pgUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT datname FROM pg_database WHERE datname LIKE $1`,
      [`portal\\_%\\_${port}\\_%`],
    );
    const match = new RegExp(`^(portal_\\d+_${port}_)`).exec(rows[0]?.datname);
    if (!match) throw new Error(`no database of the backend on ${port}`);
    return match[1];
  } finally {
    await client.end();
  }
}

async function signInWhenReady(baseUrl: string, user: string) {
  for (let i = 0; ; i++) {
    const token = await signIn(baseUrl, user).catch(error => {
      if (i > 240) throw error;
      return undefined;
    });
    if (token) return token;
    await new Promise(r => setTimeout(r, 500));
  }
}

/**
 * One pass over every path kind before the rounds, each asked again (up to 30 s) until it answers:
 * a route that fails says why, with its answer and the backends' log lines of the error's logId.
 */
async function checkRoutes(
  where: string,
  baseUrl: string,
  token: string,
  mix: RouteMix[],
  backends: ProductionBackend[],
) {
  for (const { route, paths } of mix) {
    const start = Date.now();
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(`${baseUrl}${paths[0]}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const body = await res.text();
      if (res.status < 400) {
        if (attempt > 0) {
          log(
            `    ${route} answered ${res.status} after ${
              (Date.now() - start) / 1000
            } s`,
          );
        }
        break;
      }
      if (attempt === 0) {
        log(`  ! ${where}: ${route}: ${res.status} ${body.slice(0, 300)}`);
        const logId = /logId[=: ]+"?([\w-]+)/.exec(body)?.[1];
        const lines = backends
          .flatMap(b =>
            `${b.output().stdout}\n${b.output().stderr}`.split('\n'),
          )
          .filter(line => logId && line.includes(logId));
        for (const line of lines.slice(0, 5)) log(`    ${line.slice(0, 600)}`);
      }
      // Right after a start some answers fail until every plugin is ready; the rounds wait for it.
      if (attempt >= 30) break;
      await new Promise(r => setTimeout(r, 1000));
    }
  }
}

interface Cell {
  /** CPU ms of the backend process per request (one replica only). */
  cpu: number[];
  rps: number[];
  p50: number[];
  p95: number[];
  p99: number[];
  errors: number;
  requests: number;
  statuses: Set<number>;
}

const newCell = (): Cell => ({
  cpu: [],
  rps: [],
  p50: [],
  p95: [],
  p99: [],
  errors: 0,
  requests: 0,
  statuses: new Set(),
});

function addRound(
  cells: Map<string, Cell>,
  name: string,
  latencies: number[],
  errors: number,
  seconds: number,
  statuses: Set<number>,
) {
  const cell = cells.get(name) ?? newCell();
  cell.rps.push(latencies.length / seconds);
  cell.p50.push(percentile(latencies, 50));
  cell.p95.push(percentile(latencies, 95));
  cell.p99.push(percentile(latencies, 99));
  cell.errors += errors;
  cell.requests += latencies.length;
  for (const s of statuses) cell.statuses.add(s);
  cells.set(name, cell);
}

function record(cells: Map<string, Cell>, result: LoadResult, overall: string) {
  const all: number[] = [];
  let errors = 0;
  const statuses = new Set<number>();
  for (const [route, r] of result.routes) {
    addRound(cells, route, r.latencies, r.errors, result.seconds, r.statuses);
    all.push(...r.latencies);
    errors += r.errors;
    for (const s of r.statuses) statuses.add(s);
  }
  addRound(cells, overall, all, errors, result.seconds, statuses);
}

const pad = (s: string, n: number) => s.padEnd(n);
const num = (s: string, n = 8) => s.padStart(n);

function printTable(title: string, cells: Map<string, Cell>) {
  log(`\n${title}`);
  log(
    `  ${pad('route', 24)}${num('req/s')}${num('p50 ms')}${num('p95 ms')}${num(
      'p99 ms',
    )}${num('errors')}${num('CPU ms', 9)}  of requests`,
  );
  for (const [name, c] of cells) {
    const codes = c.statuses.size
      ? ` (status ${[...c.statuses].join(', ')})`
      : '';
    log(
      `  ${pad(name, 24)}${num(median(c.rps).toFixed(0))}${num(
        ms(median(c.p50)),
      )}${num(ms(median(c.p95)))}${num(ms(median(c.p99)))}${num(
        String(c.errors),
      )}${num(c.cpu.length ? ms(median(c.cpu)) : '', 9)}  of ${
        c.requests
      }${codes}`,
    );
  }
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  const problem = await postgresProblem();
  if (problem) throw new Error(problem);
  const started = Date.now();
  const work = mkdtempSync(join(os.tmpdir(), 'bench-api-'));
  const manifest = join(work, 'environments.yaml');
  writeFileSync(manifest, clusterManifest(options.scale));
  let image:
    | { dir: string; cmd: string[]; env: Record<string, string> }
    | undefined;
  if (options.sourcesAt) {
    // As startProductionBackend runs the sources, from that tree (its own catalog files too).
    image = {
      dir: options.sourcesAt,
      cmd: [
        'node',
        '--require',
        require.resolve('@backstage/cli-node/config/nodeTransform.cjs'),
        'packages/backend/src/index.ts',
        '--config',
        'app-config.yaml',
        '--config',
        'app-config.production.yaml',
      ],
      env: {},
    };
  } else if (!options.fromSources) {
    image = await assembleBackendImage();
  }
  const kube = await startSim('kube-sim', [
    '--port=0',
    `--token=${KUBE_TOKEN}`,
    `--manifest=${manifest}`,
  ]);
  const cluster = { url: kube.url, token: KUBE_TOKEN };
  const start = (env: Record<string, string>) =>
    startProductionBackend({
      cluster,
      env,
      image: image && { dir: image.dir, cmd: image.cmd, env: image.env },
    });
  const backends: ProductionBackend[] = [];
  let proxy: Awaited<ReturnType<typeof startRoundRobin>> | undefined;
  try {
    // One secret for every replica, as the chart's replicas share one Secret.
    const shared = { BACKEND_SECRET: `bench-api-${started}-0123456789abcdef` };
    const first = await start(shared);
    backends.push(first);
    const prefix = await databasePrefix(first.baseUrl);
    const seedStart = Date.now();
    await seedDatabase(`${pgUrl}/${prefix}genai-playground`, options.scale);
    const seedSeconds = (Date.now() - seedStart) / 1000;
    const replicaEnv = {
      ...shared,
      APP_CONFIG_backend_database_prefix: prefix,
    };
    const second = await start(replicaEnv);
    backends.push(second);
    proxy = await startRoundRobin([first.baseUrl, second.baseUrl]);
    const token = await signInWhenReady(first.baseUrl, 'lena.fischer');
    const mix = pageMix(options.scale);
    const s = options.scale;
    let running = 'backend from the TypeScript sources';
    if (options.sourcesAt) running += ` of ${options.sourcesAt}`;
    else if (image) running = 'the production build as the image holds it';
    log(
      `bench:api — ${running} (production config, PostgreSQL, Redis), kube-sim`,
    );
    log(
      `seeded ${s.environments} environments, ${
        s.environments * s.jobsPerEnvironment
      } jobs, ${s.environments * s.usagePerEnvironment} usage records of ${
        s.teams.length
      } teams in ${seedSeconds.toFixed(1)} s`,
    );
    log(
      `signed in as lena.fischer (ml-research: ${Math.ceil(
        s.environments / s.teams.length,
      )} environments)`,
    );
    await checkRoutes('1 replica', first.baseUrl, token, mix, backends);
    await checkRoutes('2 replicas', proxy.url, token, mix, backends);

    // CPU per request is read for the one replica: the process the first backend runs in.
    const cpuClock = cpuClockOfListener(Number(new URL(first.baseUrl).port));
    const cpuPerRequest = (
      cell: Cell | undefined,
      since: number | undefined,
      result: LoadResult,
    ) => {
      const now = cpuClock();
      const requests = [...result.routes.values()].reduce(
        (n, r) => n + r.latencies.length,
        0,
      );
      if (cell && since !== undefined && now !== undefined && requests > 0) {
        cell.cpu.push((now - since) / requests);
      }
    };
    const targets = [
      { replicas: 1, url: first.baseUrl },
      ...(options.alone ? [] : [{ replicas: 2, url: proxy.url }]),
    ];
    const cells = new Map<string, Map<string, Cell>>();
    const cellsOf = (replicas: number, users: number) => {
      const key = `${replicas} replica${
        replicas > 1 ? 's' : ''
      }, ${users} users`;
      if (!cells.has(key)) cells.set(key, new Map());
      return cells.get(key)!;
    };
    for (const users of options.users) {
      for (const t of targets) cellsOf(t.replicas, users);
    }
    for (let round = 0; round < options.rounds; round++) {
      const order = round % 2 ? [...targets].reverse() : targets;
      for (const users of options.users) {
        for (const t of order) {
          const table = cellsOf(t.replicas, users);
          const measured = t.replicas === 1;
          let cpuStart = measured ? cpuClock() : undefined;
          const base = await closedLoop({
            baseUrl: t.url,
            users,
            seconds: options.seconds,
            mix: [
              {
                route: BASELINE,
                weight: 1,
                paths: ['/.backstage/health/v1/readiness'],
              },
            ],
          });
          record(table, base, `${BASELINE} all`);
          table.delete(`${BASELINE} all`);
          cpuPerRequest(table.get(BASELINE), cpuStart, base);
          // --alone: each route by itself, so a route's figures are its own, not the mix's queue.
          for (const part of options.alone ? mix.map(m => [m]) : [mix]) {
            cpuStart = measured ? cpuClock() : undefined;
            const load = await closedLoop({
              baseUrl: t.url,
              token,
              users,
              seconds: options.seconds,
              mix: part,
            });
            record(
              table,
              load,
              options.alone ? `${part[0].route} all` : 'overall',
            );
            if (options.alone) table.delete(`${part[0].route} all`);
            cpuPerRequest(
              table.get(options.alone ? part[0].route : 'overall'),
              cpuStart,
              load,
            );
          }
        }
      }
      log(
        `round ${round + 1}/${options.rounds} done (load average ${os
          .loadavg()
          .map(l => l.toFixed(2))
          .join(' ')})`,
      );
    }

    log(
      `\nmedian of ${options.rounds} rounds of ${
        options.seconds
      } s; load average ${os
        .loadavg()
        .map(l => l.toFixed(2))
        .join(' ')} on ${os.cpus().length} cores`,
    );
    for (const [key, table] of cells) printTable(key, table);

    log('\ntargets');
    const overall = (replicas: number, users: number) =>
      cellsOf(replicas, users).get('overall')!;
    const baseline = (replicas: number, users: number) =>
      cellsOf(replicas, users).get(BASELINE)!;
    for (const users of options.alone ? [] : options.users) {
      const one = overall(1, users);
      const two = overall(2, users);
      const p95 = median(one.p95);
      if (users <= 50) {
        log(
          `  p95 at ${users} users, 1 replica: ${ms(
            p95,
          )} ms (target < ${TARGET_P95_MS} ms): ${
            p95 < TARGET_P95_MS ? 'met' : 'MISSED'
          }`,
        );
      }
      if (users >= 200) {
        const errs = one.errors + two.errors;
        log(
          `  errors at ${users} users: ${errs} of ${
            one.requests + two.requests
          } (target 0): ${errs === 0 ? 'met' : 'MISSED'}`,
        );
      }
      const scaling = median(two.rps) / median(one.rps);
      log(
        `  throughput at ${users} users, 2 replicas vs 1: ${median(
          two.rps,
        ).toFixed(0)} / ${median(one.rps).toFixed(0)} req/s = ${scaling.toFixed(
          2,
        )}x (readiness baseline ${(
          median(baseline(2, users).rps) / median(baseline(1, users).rps)
        ).toFixed(2)}x)`,
      );
      log(
        `  mix vs readiness baseline at ${users} users, 1 replica: ${(
          median(one.rps) / median(baseline(1, users).rps)
        ).toFixed(2)}x the req/s, p95 ${ms(p95)} vs ${ms(
          median(baseline(1, users).p95),
        )} ms`,
      );
    }

    let profileSummary: ReturnType<typeof topSelfTime> | undefined;
    if (options.profile) {
      // The profiled process alone: the replicas stop so it has the cores the first one had.
      await second.stop();
      backends.pop();
      const dir = join(work, 'profile');
      const profiled = await start({
        ...replicaEnv,
        NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${dir}`,
      });
      backends.push(profiled);
      const users = options.users[0];
      // Warm first: the first requests compile validators and fill caches, which are not the
      // steady state the rounds measured.
      await closedLoop({
        baseUrl: profiled.baseUrl,
        token,
        users,
        seconds: options.seconds,
        mix,
      });
      const loadStart = Date.now();
      const load = await closedLoop({
        baseUrl: profiled.baseUrl,
        token,
        users,
        seconds: options.seconds,
        mix,
      });
      const loadEnd = Date.now();
      await profiled.stop();
      backends.pop();
      const files = readdirSync(dir)
        .filter(f => f.endsWith('.cpuprofile'))
        .map(f => join(dir, f))
        .sort((a, b) => statSync(b).size - statSync(a).size);
      if (files.length === 0) {
        log('\nno .cpuprofile written (the backend did not exit normally)');
      } else {
        profileSummary = topSelfTime(
          files[0],
          { loadMs: loadEnd - loadStart, tailMs: Date.now() - loadEnd },
          15,
        );
        const requests = [...load.routes.values()].reduce(
          (n, r) => n + r.latencies.length,
          0,
        );
        log(
          `\nprofile: one round of ${users} users, ${requests} requests, ${profileSummary.busyMs.toFixed(
            0,
          )} ms busy, ${profileSummary.idleMs.toFixed(0)} ms idle (${
            files[0]
          })`,
        );
        log(`  ${num('self ms', 9)}${num('share', 7)}  function  where`);
        for (const e of profileSummary.entries) {
          log(
            `  ${num(e.ms.toFixed(0), 9)}${num(
              `${(e.share * 100).toFixed(1)}%`,
              7,
            )}  ${e.name}  ${e.where}`,
          );
        }
        // Self time is flat (GC, writev, crypto); inclusive time per package names who asked.
        const inclusive = inclusiveTime(
          files[0],
          { loadMs: loadEnd - loadStart, tailMs: Date.now() - loadEnd },
          25,
        );
        log(`\n  ${num('incl ms', 9)}${num('share', 7)}  package (inclusive)`);
        for (const e of inclusive.byPackage) {
          log(
            `  ${num(e.ms.toFixed(0), 9)}${num(
              `${(e.share * 100).toFixed(1)}%`,
              7,
            )}  ${e.name}`,
          );
        }
      }
    }
    log(`\ntotal ${((Date.now() - started) / 1000).toFixed(0)} s`);
    if (options.json) {
      log(
        JSON.stringify({
          cells: Object.fromEntries(
            [...cells].map(([k, t]) => [
              k,
              Object.fromEntries(
                [...t].map(([r, c]) => [
                  r,
                  {
                    rps: median(c.rps),
                    p50: median(c.p50),
                    p95: median(c.p95),
                    p99: median(c.p99),
                    errors: c.errors,
                    requests: c.requests,
                  },
                ]),
              ),
            ]),
          ),
          profile: profileSummary,
        }),
      );
    }
  } finally {
    await proxy?.close();
    // The first backend last: its stop drops the databases the others shared.
    for (const b of backends.reverse()) await b.stop().catch(() => undefined);
    await kube.stop();
    if (image && !options.sourcesAt) {
      rmSync(image.dir, { recursive: true, force: true });
    }
  }
}

main().catch(error => {
  // eslint-disable-next-line no-console
  console.error(error);
  process.exit(1);
});
