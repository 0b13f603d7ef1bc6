/**
 * `yarn bench:cost`: the cost ledger's dashboard queries and its hourly update at production
 * scale, on the machine's PostgreSQL (BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING).
 *
 * 1. Creates a database of its own (dropped at the end), runs the plugin's migrations and
 *    generates a history of 90 days of 500 environments (1,000 GPUs) in 40 teams (12 cost
 *    centers, pools mi300x and mi355x, five models) as ledger rows in both bases: about 11
 *    million rows, by INSERT … SELECT from generate_series, a day per statement on two
 *    connections, the table's secondary indexes dropped meanwhile and built again at the end;
 *    then the daily sums (DatabaseLedgerStore.sumDays, as after a bulk load) and VACUUM
 *    ANALYZE, as autovacuum would.
 * 2. Runs the queries of a lead's cost page through the plugin's stores (DatabaseLedgerStore,
 *    BudgetService), each with `concurrency` leads of different teams asking at once, each lead
 *    asking `iterations` times back to back, for `rounds` rounds in a rotating order; prints the
 *    median over the rounds of each round's p50 and p95. Baselines measured in the same run: a
 *    `SELECT 1` round trip under the same load, and each query over one day.
 * 3. The hourly update of the 1,000-GPU cluster (125 nodes of 8 GPUs): the fact tables' past
 *    (jobs, pods, calls), then each round a new hour (the last `rounds` hours): its facts stored
 *    with DatabaseFactStore.add, then LedgerService.recomputeHours of it on top of the history,
 *    timed; the median of the rounds.
 *
 * Scale with BENCH_DAYS (90), BENCH_ENVIRONMENTS (500), BENCH_TEAMS (40), BENCH_CONCURRENCY
 * (10), BENCH_ROUNDS (5), BENCH_ITERATIONS (5), BENCH_FACT_DAYS (= BENCH_DAYS); BENCH_KEEP=1
 * keeps the database (its name is printed) for EXPLAIN, and BENCH_DATABASE=<name> runs again in
 * a kept database (migrated to the latest, its history reused, kept). `--json` prints the
 * figures as JSON too.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { BudgetService } from '../src/budgets/BudgetService';
import { DatabaseBudgetStore } from '../src/budgets/DatabaseBudgetStore';
import { DatabaseFactStore } from '../src/facts/DatabaseFactStore';
import { DatabaseLedgerStore } from '../src/ledger/DatabaseLedgerStore';
import { LedgerService } from '../src/ledger/LedgerService';
import { migrateDatabase } from '../src/lib/migrateDatabase';
import { dashboardQueries } from './dashboard';
import {
  createBenchDatabase,
  openBenchDatabase,
  type BenchDatabase,
} from './database';
import { generateLedger, storeScenarioFacts } from './generate';
import { generateFactHistory, hourOfFacts } from './hourly';
import { median, ms, percentile, timed, underLoad } from './measure';
import { DEFAULT_SCALE, scenario } from './scenario';

const HOUR_MS = 3_600_000;

export interface BenchOptions {
  days: number;
  environments: number;
  teams: number;
  concurrency: number;
  rounds: number;
  iterations: number;
  factDays: number;
  keep: boolean;
  /** An existing database to run in (kept), e.g. one kept by BENCH_KEEP. */
  database?: string;
  json: boolean;
  log: (line: string) => void;
}

export function optionsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  argv: string[] = process.argv,
): BenchOptions {
  const int = (name: string, fallback: number) => {
    const value = env[name];
    if (value === undefined || value === '') return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) {
      throw new Error(`${name} must be a whole number of at least 1`);
    }
    return n;
  };
  const days = int('BENCH_DAYS', DEFAULT_SCALE.days);
  return {
    days,
    environments: int('BENCH_ENVIRONMENTS', DEFAULT_SCALE.environments),
    teams: int('BENCH_TEAMS', DEFAULT_SCALE.teams),
    concurrency: int('BENCH_CONCURRENCY', 10),
    rounds: int('BENCH_ROUNDS', 5),
    iterations: int('BENCH_ITERATIONS', 5),
    factDays: int('BENCH_FACT_DAYS', days),
    keep: env.BENCH_KEEP === '1',
    database: env.BENCH_DATABASE || undefined,
    json: argv.includes('--json'),
    // eslint-disable-next-line no-console
    log: line => console.log(line),
  };
}

export interface QueryFigures {
  name: string;
  range: string;
  p50: number;
  p95: number;
  oneDayP95?: number;
}

export interface BenchFigures {
  rows: number;
  tableMiB: number;
  dailyRows: number;
  dailyMiB: number;
  gpus: number;
  generateSeconds: number;
  sumDaysSeconds: number;
  vacuumSeconds: number;
  baseline: { p50: number; p95: number };
  queries: QueryFigures[];
  update: {
    rows: number;
    facts: { jobs: number; pods: number; tokens: number };
    history: { jobs: number; pods: number; tokens: number };
    medianMs: number;
    maxMs: number;
  };
}

/** Median over rounds of each round's p50 and p95. */
function summarize(rounds: number[][]) {
  return {
    p50: median(rounds.map(r => percentile(r, 50))),
    p95: median(rounds.map(r => percentile(r, 95))),
  };
}

export async function runBench(
  options: BenchOptions,
  db: BenchDatabase,
): Promise<BenchFigures> {
  const { log } = options;
  const s = scenario({
    ...DEFAULT_SCALE,
    days: options.days,
    environments: options.environments,
    teams: options.teams,
  });
  const { knex, service: database } = db;
  await migrateDatabase(database);
  const facts = await DatabaseFactStore.create({ database });
  const ledger = await DatabaseLedgerStore.create({ database });
  const budgets = await DatabaseBudgetStore.create({ database });
  const basis = 'reserved' as const;
  const ledgerService = new LedgerService({
    facts,
    ledger,
    rateCard: s.rateCard,
  });
  const budgetService = new BudgetService({
    budgets,
    facts,
    ledger,
    currency: 'USD',
    basis,
  });
  // A database of an earlier run (BENCH_DATABASE) keeps its history and facts.
  const reused = (await knex('ledger_rows').first('id')) !== undefined;
  if (!reused) await storeScenarioFacts(s, { facts, budgets });

  // 1. The history.
  log(
    reused
      ? `Reusing the history of ${db.name}`
      : `Generating ${s.scale.days} days of ${s.environments.length} environments in ${s.teams.length} teams from ${s.start}…`,
  );
  let rows = 0;
  const generateMs = await timed(async () => {
    if (reused) {
      const [{ count }] = await knex('ledger_rows').count({ count: '*' });
      rows = Number(count);
      return;
    }
    rows = await generateLedger(knex, s, {
      parallel: 2,
      onDay: (day, total) => {
        if (day % 10 === 0 || day === s.scale.days) {
          log(
            `  ${day}/${s.scale.days} days: ${total.toLocaleString('en')} rows`,
          );
        }
      },
    });
  });
  log(
    `  ${rows.toLocaleString('en')} rows and their indexes in ${(
      generateMs / 1000
    ).toFixed(1)} s`,
  );
  // The bulk load went past replaceHours: the daily sums are made as a backfill would.
  const sumDaysMs = reused
    ? 0
    : await timed(() => ledger.sumDays({ from: s.start, to: s.scale.end }));
  const vacuumMs = await timed(() => knex.raw('VACUUM ANALYZE'));
  const size = await knex.raw(
    `SELECT pg_total_relation_size('ledger_rows') AS rows_bytes,
       pg_total_relation_size('ledger_daily') AS daily_bytes,
       (SELECT count(*) FROM ledger_daily) AS daily_rows`,
  );
  const tableMiB = Number(size.rows[0].rows_bytes) / 2 ** 20;
  const dailyMiB = Number(size.rows[0].daily_bytes) / 2 ** 20;
  const dailyRows = Number(size.rows[0].daily_rows);
  log(
    `  daily sums ${(sumDaysMs / 1000).toFixed(1)} s, VACUUM ANALYZE ${(
      vacuumMs / 1000
    ).toFixed(1)} s; ledger_rows and its indexes ${Math.round(tableMiB)} MiB`,
  );

  // 2. The dashboard queries.
  const queries = dashboardQueries({
    ledger,
    budgetService,
    budgets,
    facts,
    end: s.scale.end,
    basis,
  });
  const teamOf = (worker: number) => s.teams[worker % s.teams.length];
  log(
    `Dashboard queries: ${options.concurrency} concurrent leads × ${options.iterations} each, ${options.rounds} rounds`,
  );
  // Warm up: open the pool's connections, load the pages the queries read.
  await underLoad(() => knex.raw('select 1'), options.concurrency, 1);
  for (const q of queries) await q.run(s.teams[0]);
  const baselineRounds: number[][] = [];
  const fullRounds = queries.map(() => [] as number[][]);
  const dayRounds = queries.map(() => [] as number[][]);
  for (let round = 0; round < options.rounds; round++) {
    baselineRounds.push(
      await underLoad(
        () => knex.raw('select 1'),
        options.concurrency,
        options.iterations,
      ),
    );
    for (let j = 0; j < queries.length; j++) {
      const i = (j + round) % queries.length;
      const q = queries[i];
      fullRounds[i].push(
        await underLoad(
          worker => q.run(teamOf(worker)),
          options.concurrency,
          options.iterations,
        ),
      );
      const oneDay = q.oneDay;
      if (oneDay) {
        dayRounds[i].push(
          await underLoad(
            worker => oneDay(teamOf(worker)),
            options.concurrency,
            options.iterations,
          ),
        );
      }
    }
    log(`  round ${round + 1}/${options.rounds} done`);
  }
  const baseline = summarize(baselineRounds);
  const queryFigures = queries.map((q, i) => ({
    name: q.name,
    range: q.range,
    ...summarize(fullRounds[i]),
    oneDayP95: q.oneDay ? summarize(dayRounds[i]).p95 : undefined,
  }));

  // 3. The hourly update: each round a new hour (the last `rounds` hours of the history), its
  // facts stored first, then recomputed on top of the history as the scheduled task does.
  const hours = Array.from({ length: options.rounds }, (_, i) =>
    new Date(
      Date.parse(s.scale.end) - (options.rounds - i) * HOUR_MS,
    ).toISOString(),
  );
  log(
    `Hourly update of ${hours.length} hours from ${hours[0]}, on a fact history of ${options.factDays} days…`,
  );
  const history = reused
    ? { jobs: 0, pods: 0, tokens: 0 }
    : await generateFactHistory(knex, s, hours[0], options.factDays);
  await knex.raw('VACUUM ANALYZE');
  const updateTimes: number[] = [];
  let updateRows = 0;
  let hourFacts = { jobs: 0, pods: 0, tokens: 0 };
  for (const hour of hours) {
    const hourOf = hourOfFacts(s, hour);
    hourFacts = {
      jobs: hourOf.jobs.length,
      pods: hourOf.pods.length,
      tokens: hourOf.tokens.length,
    };
    await facts.add(hourOf);
    const end = new Date(Date.parse(hour) + HOUR_MS);
    const t0 = performance.now();
    const result = await ledgerService.recomputeHours(hour, end, end);
    updateTimes.push(performance.now() - t0);
    updateRows = result.rows;
  }
  const update = {
    rows: updateRows,
    facts: hourFacts,
    history,
    medianMs: median(updateTimes),
    maxMs: Math.max(...updateTimes),
  };
  return {
    rows,
    tableMiB,
    dailyRows,
    dailyMiB,
    gpus: s.environments.reduce((sum, e) => sum + e.gpus, 0),
    generateSeconds: generateMs / 1000,
    sumDaysSeconds: sumDaysMs / 1000,
    vacuumSeconds: vacuumMs / 1000,
    baseline,
    queries: queryFigures,
    update,
  };
}

/** The figures as the README's table. */
export function formatFigures(f: BenchFigures, options: BenchOptions): string {
  const ratio = (p95: number) =>
    f.baseline.p95 > 0 ? `${Math.round(p95 / f.baseline.p95)}×` : '–';
  const lines = [
    `| query (${options.concurrency} concurrent leads) | range | p50 ms | p95 ms | p95 over 1 day ms | p95 / SELECT 1 p95 |`,
    '| --- | --- | ---: | ---: | ---: | ---: |',
    `| \`SELECT 1\` round trip (baseline) | – | ${ms(f.baseline.p50)} | ${ms(
      f.baseline.p95,
    )} | – | 1× |`,
    ...f.queries.map(
      q =>
        `| ${q.name} | ${q.range} | ${ms(q.p50)} | ${ms(q.p95)} | ${
          q.oneDayP95 === undefined ? '–' : ms(q.oneDayP95)
        } | ${ratio(q.p95)} |`,
    ),
  ];
  const u = f.update;
  return [
    `Ledger rows: ${f.rows.toLocaleString('en')} (${options.days} days, ${
      options.environments
    } environments holding ${f.gpus} GPUs, ${
      options.teams
    } teams; table and indexes ${Math.round(f.tableMiB)} MiB)`,
    `Daily sums: ${f.dailyRows.toLocaleString('en')} rows, ${Math.round(
      f.dailyMiB,
    )} MiB with indexes`,
    `Generation: ${f.generateSeconds.toFixed(
      1,
    )} s (rows and indexes), daily sums ${f.sumDaysSeconds.toFixed(
      1,
    )} s, VACUUM ANALYZE ${f.vacuumSeconds.toFixed(1)} s`,
    '',
    ...lines,
    '',
    `Hourly update (recomputeHours of one hour, ${u.facts.jobs} jobs, ${
      u.facts.pods
    } pods, ${u.facts.tokens} calls; fact history ${u.history.jobs} jobs, ${
      u.history.pods
    } pods, ${u.history.tokens} calls): ${u.rows} rows, median ${ms(
      u.medianMs,
    )} ms, max ${ms(u.maxMs)} ms over ${options.rounds} rounds`,
    `Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), ${
      Math.round(os.totalmem() / 2 ** 30) || '?'
    } GiB, Node ${process.version}`,
  ].join('\n');
}

async function main() {
  const options = optionsFromEnv();
  const connections = options.concurrency + 2;
  const keep = options.keep || options.database !== undefined;
  const db = options.database
    ? openBenchDatabase(options.database, connections)
    : await createBenchDatabase(connections);
  let interrupted = false;
  const onSignal = () => {
    if (interrupted || keep) process.exit(130);
    interrupted = true;
    options.log('Interrupted: dropping the database…');
    db.drop().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  options.log(`Database ${db.name}`);
  try {
    const figures = await runBench(options, db);
    options.log('');
    options.log(formatFigures(figures, options));
    if (options.json) options.log(JSON.stringify(figures, null, 2));
  } finally {
    if (keep) {
      await db.knex.destroy();
      options.log(`Kept database ${db.name}`);
    } else {
      await db.drop();
    }
  }
}

if (require.main === module) {
  main().catch(error => {
    // eslint-disable-next-line no-console
    console.error(error);
    process.exitCode = 1;
  });
}
