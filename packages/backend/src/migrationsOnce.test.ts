import {
  dropDatabases,
  pgUrl,
  postgresProblem,
  startProductionBackend,
  startSim,
  type ProductionBackend,
} from '@genai-portal/test-utils';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';

/**
 * A fresh install (prod starts three replicas) or a scale-out starts several replicas against one
 * database at once, and each runs every plugin's knex migrations on start. knex's lock alone does
 * not survive that: replicas crash on the lock table's creation, and a duplicated lock row keeps a
 * plugin "already locked" for good (knex/knex#3538). The backend takes turns on a PostgreSQL
 * advisory lock while it starts (src/startLock.ts): all become ready, each migration is applied
 * once and every migration lock is left free.
 */

/**
 * Prod starts three; two show the same race, and three backends starting one after the other take
 * too long on the two cores that run the tests.
 */
const REPLICAS = 2;
const KUBE_TOKEN = 'migrations-once-token';

jest.setTimeout(240_000);

interface MigrationTable {
  database: string;
  table: string;
  names: string[];
  locked: number[];
}

/** The databases the backends made under `prefix` (one per plugin). */
async function databasesOf(prefix: string): Promise<string[]> {
  const client = new Client({ connectionString: pgUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      'SELECT datname FROM pg_database WHERE datname LIKE $1 ORDER BY datname',
      [`${prefix}%`],
    );
    return rows.map(r => r.datname);
  } finally {
    await client.end();
  }
}

/** Every knex migrations table of a database, with the migrations it lists and its lock. */
async function migrationTables(database: string): Promise<MigrationTable[]> {
  const url = new URL(pgUrl);
  url.pathname = `/${database}`;
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const { rows: tables } = await client.query(
      `SELECT table_schema, table_name FROM information_schema.tables
        WHERE table_name LIKE '%knex_migrations' ORDER BY 1, 2`,
    );
    const result: MigrationTable[] = [];
    for (const { table_schema: schema, table_name: table } of tables) {
      const qualified = `"${schema}"."${table}"`;
      const { rows: migrations } = await client.query(
        `SELECT name FROM ${qualified} ORDER BY id`,
      );
      const { rows: locks } = await client.query(
        `SELECT is_locked FROM "${schema}"."${table}_lock"`,
      );
      result.push({
        database,
        table: `${schema}.${table}`,
        names: migrations.map(m => m.name),
        locked: locks.map(l => Number(l.is_locked)),
      });
    }
    return result;
  } finally {
    await client.end();
  }
}

describe('replicas started together on one empty database', () => {
  const prefix = `portal_once_${Date.now()}_`;
  let kube: { url: string; stop(): Promise<void> } | undefined;
  let started: PromiseSettledResult<ProductionBackend>[] = [];

  beforeAll(async () => {
    const problem = await postgresProblem();
    if (problem) throw new Error(problem);
    kube = await startSim('kube-sim', ['--port=0', `--token=${KUBE_TOKEN}`]);
    const start = Date.now();
    const readyAfter: string[] = [];
    started = await Promise.allSettled(
      Array.from({ length: REPLICAS }, async () => {
        const backend = await startProductionBackend({
          cluster: { url: kube!.url, token: KUBE_TOKEN },
          // One database set for all, as the replicas of one Deployment share it.
          env: { APP_CONFIG_backend_database_prefix: prefix },
        });
        readyAfter.push(`${((Date.now() - start) / 1000).toFixed(1)} s`);
        return backend;
      }),
    );
    // The start lock serializes them: the figures show each start's share.
    // eslint-disable-next-line no-console
    console.info(
      `${REPLICAS} backends started together; ready after ${readyAfter.join(
        ', ',
      )}`,
    );
  });

  afterAll(async () => {
    await Promise.all(
      // How they stop is the shutdown test's (src/shutdown.test.ts): SIGKILL is quicker here.
      started.map(s =>
        s.status === 'fulfilled'
          ? s.value.stop({ signal: 'SIGKILL' })
          : undefined,
      ),
    );
    await dropDatabases(prefix);
    await kube?.stop();
  });

  it('all become ready', () => {
    const failed = started.flatMap(s =>
      s.status === 'rejected' ? [String(s.reason).slice(0, 2000)] : [],
    );
    expect(failed).toEqual([]);
    expect(started).toHaveLength(REPLICAS);
  });

  it('applied every migration of every plugin exactly once and released the locks', async () => {
    const databases = await databasesOf(prefix);
    // the catalog, the scheduler's and the portal's own plugins keep their data here
    expect(databases).toEqual(
      expect.arrayContaining([`${prefix}catalog`, `${prefix}genai-playground`]),
    );
    const tables = (await Promise.all(databases.map(migrationTables))).flat();
    expect(tables.length).toBeGreaterThanOrEqual(databases.length / 2);
    const twice = tables.flatMap(t =>
      t.names
        .filter((name, i) => t.names.indexOf(name) !== i)
        .map(name => `${t.database} ${t.table}: ${name}`),
    );
    expect(twice).toEqual([]);
    const held = tables
      .filter(t => t.locked.length !== 1 || t.locked[0] !== 0)
      .map(t => `${t.database} ${t.table}_lock: ${JSON.stringify(t.locked)}`);
    expect(held).toEqual([]);
    expect(tables.filter(t => t.names.length === 0)).toEqual([]);
  });

  it('lists the same migrations a single backend would find in its packages', async () => {
    // The catalog's migrations folder is the reference: the table lists each of its files once.
    const dir = path.join(
      path.dirname(
        require.resolve('@backstage/plugin-catalog-backend/package.json'),
      ),
      'migrations',
    );
    const files = fs
      .readdirSync(dir)
      .filter(f => /\.(js|cjs|ts)$/.test(f) && !f.endsWith('.d.ts'))
      .sort();
    const [catalog] = (await migrationTables(`${prefix}catalog`)).filter(t =>
      t.table.endsWith('.knex_migrations'),
    );
    expect([...catalog.names].sort()).toEqual(files);
  });
});
