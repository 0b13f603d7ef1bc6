import { Config } from '@backstage/config';
import { Client } from 'pg';
import { postgresConnection } from './preflight/postgresConnection';

/*
 * Every plugin runs its knex migrations when the backend starts, and knex's own lock does not
 * hold for replicas starting together on an empty database: they race to create the lock
 * table's row, the losers crash, and a duplicated row leaves that plugin "already locked" for
 * every later start (knex/knex#3538, backstage/charts#300). So replicas start one at a time: each
 * holds a PostgreSQL advisory lock from before its plugins start until they all have.
 */

/** The lock's name: replicas of one installation share the database prefix, and so the lock. */
const lockName = (config: Config) =>
  `genai-portal start ${
    config.getOptionalString('backend.database.prefix') ?? 'backstage_plugin_'
  }`;

/**
 * Runs `start` (the backend's start: every plugin initialized, every migration done) while this
 * process holds the installation's start lock; SQLite needs none. The lock is the session's: a
 * replica that dies while starting releases it with its connection.
 */
export async function withStartLock<T>(
  config: Config,
  start: () => Promise<T>,
): Promise<T> {
  const connection = postgresConnection(config);
  if (!connection) return start();
  const client = new Client(connection.options);
  // A lost connection drops the lock; the backend's own connections report their errors.
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [
      lockName(config),
    ]);
    return await start();
  } finally {
    await client.end().catch(() => {});
  }
}
