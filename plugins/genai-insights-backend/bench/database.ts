import type { DatabaseService } from '@backstage/backend-plugin-api';
import { dropDatabases, pgUrl } from '@genai-portal/test-utils';
import knexFactory, { type Knex } from 'knex';

/** Databases the benchmark creates start with this; each run drops its own. */
export const DATABASE_PREFIX = 'genai_insights_bench_';

function urlOf(database: string): string {
  const url = new URL(pgUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export interface BenchDatabase {
  name: string;
  knex: Knex;
  /** The database as the plugin's stores take it. */
  service: DatabaseService;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

/**
 * Creates a database of its own (name: the prefix, the time and the process id) with a pool of
 * `connections`, for as many concurrent queries.
 */
export async function createBenchDatabase(
  connections: number,
): Promise<BenchDatabase> {
  const name = `${DATABASE_PREFIX}${Date.now()}_${process.pid}`;
  const admin = knexFactory({
    client: 'pg',
    connection: urlOf('postgres'),
    pool: { min: 0, max: 1 },
  });
  try {
    await admin.raw(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.destroy();
  }
  return openBenchDatabase(name, connections);
}

/** A database that exists (one kept by an earlier run); `drop` drops it too. */
export function openBenchDatabase(
  name: string,
  connections: number,
): BenchDatabase {
  const knex = knexFactory({
    client: 'pg',
    connection: urlOf(name),
    pool: { min: 0, max: connections },
  });
  const service: DatabaseService = {
    getClient: async () => knex,
    migrations: { skip: false },
  };
  let dropped = false;
  return {
    name,
    knex,
    service,
    async drop() {
      if (dropped) return;
      dropped = true;
      await knex.destroy();
      await dropDatabases(name);
    },
  };
}
