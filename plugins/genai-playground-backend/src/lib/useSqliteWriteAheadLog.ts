import type { Knex } from 'knex';

const PRAGMAS = ['PRAGMA journal_mode = WAL', 'PRAGMA synchronous = NORMAL'];

/**
 * On SQLite (the embedded default), switches the plugin's database to write-ahead logging with
 * `synchronous = NORMAL`: a commit then appends to the log without an fsync, which better-sqlite3
 * would otherwise make on the event loop (about 1.5 ms per metering batch on this kind of disk,
 * felt by every request in flight). Commits survive a crash or restart of the backend; only an
 * OS crash can lose the last ones, which is fine for the dev database. PostgreSQL is left alone.
 */
export async function useSqliteWriteAheadLog(db: Knex): Promise<void> {
  const client = String(db.client.config?.client ?? '');
  if (!client.includes('sqlite')) return;
  for (const pragma of PRAGMAS) await db.raw(pragma);
  // `synchronous` is per connection: set it on any connection the pool opens later too
  db.client.pool?.on(
    'createSuccess',
    (_id: unknown, connection: { exec?(sql: string): unknown }) => {
      for (const pragma of PRAGMAS) connection.exec?.(pragma);
    },
  );
}
