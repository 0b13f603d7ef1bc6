/*
 * What `yarn bench:utilization` runs against: kube-sim with the large fleet (a process), the
 * real Prometheus scraping it, and the plugin's database (PostgreSQL when it answers, else an
 * in-memory SQLite). Each part comes with its own stop, safe to call twice.
 */
import type {
  DatabaseService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  postgresProblem,
  startPrometheus,
  startSim,
  type RunningPrometheus,
} from '@genai-portal/test-utils';
import knexFactory, { type Knex } from 'knex';
import { createBenchDatabase } from './database';

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

export interface UtilizationDatabase {
  /** What the stores run on, for the output. */
  engine: string;
  knex: Knex;
  service: DatabaseService;
  /** Closes the pool; drops the database it created (PostgreSQL). */
  close(): Promise<void>;
}

/**
 * A database of its own on the machine's PostgreSQL (BACKSTAGE_TEST_DATABASE_POSTGRES15_...,
 * as `yarn bench:cost`) when it answers and `sqlite` is false, else an in-memory SQLite.
 */
export async function openUtilizationDatabase(options: {
  connections: number;
  sqlite: boolean;
}): Promise<UtilizationDatabase & { why?: string }> {
  const problem = options.sqlite ? 'BENCH_SQLITE=1' : await postgresProblem();
  if (!problem) {
    const db = await createBenchDatabase(options.connections);
    return {
      engine: `PostgreSQL (database ${db.name}, dropped at the end)`,
      knex: db.knex,
      service: db.service,
      close: () => db.drop(),
    };
  }
  // One connection: each connection to ':memory:' would be a database of its own.
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: ':memory:' },
    useNullAsDefault: true,
    pool: { min: 1, max: 1 },
  });
  let closed = false;
  return {
    engine: 'SQLite in memory (one connection)',
    why: problem,
    knex,
    service: { getClient: async () => knex, migrations: { skip: false } },
    async close() {
      if (closed) return;
      closed = true;
      await knex.destroy();
    },
  };
}

export interface Sim {
  url: string;
  token: string;
  stop(): Promise<void>;
}

/** kube-sim with the large fleet (125 GPU nodes, 1,000 GPUs), its controllers every 20 ms. */
export async function startLargeFleet(): Promise<Sim> {
  const token = `bench-utilization-${process.pid}`;
  const sim = await startSim('kube-sim', [
    '--port',
    '0',
    '--token',
    token,
    '--fleet',
    'large',
    '--tick-ms',
    '20',
  ]);
  return { ...sim, token };
}

/** The real Prometheus scraping kube-sim's exporter-style `/metrics` every `seconds`. */
export function startScraping(
  sim: Sim,
  seconds: number,
): Promise<RunningPrometheus> {
  return startPrometheus({
    config: {
      global: {
        scrape_interval: `${seconds}s`,
        evaluation_interval: `${seconds}s`,
      },
      scrape_configs: [
        {
          job_name: 'kube-sim',
          scrape_interval: `${seconds}s`,
          scrape_timeout: `${seconds}s`,
          static_configs: [{ targets: [new URL(sim.url).host] }],
        },
      ],
    },
  });
}

/** A PromQL instant query's result, straight from the HTTP API. */
export async function promQuery(
  url: string,
  query: string,
): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
  const res = await fetch(
    `${url}/api/v1/query?${new URLSearchParams({ query })}`,
  );
  const body = (await res.json()) as {
    status: string;
    data?: { result: any[] };
    error?: string;
  };
  if (body.status !== 'success') {
    throw new Error(`Prometheus: ${body.error ?? res.status}`);
  }
  return body.data!.result;
}

/**
 * Waits until Prometheus holds `gpus` series of `gpu_gfx_activity` and has scraped kube-sim
 * at least `scrapes` times; returns how long it took.
 */
export async function untilScraped(
  prometheus: RunningPrometheus,
  options: { gpus: number; scrapes: number; timeoutMs: number },
): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    const [gpus] = await promQuery(prometheus.url, 'count(gpu_gfx_activity)');
    const [scrapes] = await promQuery(
      prometheus.url,
      'count_over_time(up{job="kube-sim"}[10m])',
    );
    if (
      Number(gpus?.value[1] ?? 0) >= options.gpus &&
      Number(scrapes?.value[1] ?? 0) >= options.scrapes
    ) {
      return Date.now() - t0;
    }
    if (Date.now() - t0 > options.timeoutMs) {
      throw new Error(
        `Prometheus did not scrape ${options.gpus} GPUs ${
          options.scrapes
        } times within ${options.timeoutMs / 1000} s (GPUs ${
          gpus?.value[1] ?? 0
        }, scrapes ${scrapes?.value[1] ?? 0}): ${prometheus.logs()}`,
      );
    }
    await sleep(500);
  }
}

/** A logger that keeps warnings and errors (printed at the end) and drops the rest. */
export function quietLogger(): LoggerService & { problems: Set<string> } {
  const problems = new Set<string>();
  const logger = {
    problems,
    info() {},
    debug() {},
    warn(message: string) {
      problems.add(`warn: ${message}`);
    },
    error(message: string) {
      problems.add(`error: ${message}`);
    },
    child() {
      return logger;
    },
  };
  return logger;
}

export { sleep };
