import type { Knex } from 'knex';

/** What of a better-sqlite3 connection this uses. */
interface SqliteConnection {
  prepare(sql: string): { run(row: Record<string, unknown>): unknown };
  exec(sql: string): unknown;
}

/** One prepared INSERT per connection and table shape, kept while the connection lives. */
const statements = new WeakMap<
  SqliteConnection,
  Map<string, ReturnType<SqliteConnection['prepare']>>
>();

function statement(
  connection: SqliteConnection,
  table: string,
  columns: string[],
  unique: string,
) {
  const key = `${table}(${columns.join(',')}) ${unique}`;
  let byKey = statements.get(connection);
  if (!byKey) {
    byKey = new Map();
    statements.set(connection, byKey);
  }
  let prepared = byKey.get(key);
  if (!prepared) {
    prepared = connection.prepare(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns
        .map(c => `@${c}`)
        .join(', ')}) ON CONFLICT (${unique}) DO NOTHING`,
    );
    byKey.set(key, prepared);
  }
  return prepared;
}

/** Whether `db` runs on better-sqlite3 (the embedded default), where insertRows applies. */
export function isBetterSqlite(db: Knex): boolean {
  return String(db.client.config?.client ?? '') === 'better-sqlite3';
}

/**
 * Inserts rows on better-sqlite3 in one transaction through one prepared statement, reused for
 * every row and every later batch, `chunk` rows at a time with the event loop let go in between
 * (better-sqlite3 is synchronous). A row whose `unique` column value is already there is
 * skipped. Why not knex's multi-row INSERT: knex builds and better-sqlite3 prepares the SQL of
 * every INSERT again, which cost the metering about twice what SQLite's own work does, on the
 * gateway's event loop.
 *
 * Values must be what better-sqlite3 binds: numbers, strings, null (booleans as 0 and 1).
 */
export async function insertRows(
  db: Knex,
  table: string,
  rows: Record<string, unknown>[],
  options: { chunk: number; unique: string },
): Promise<void> {
  if (rows.length === 0) return;
  const { chunk, unique } = options;
  const columns = Object.keys(rows[0]);
  const connection: SqliteConnection = await db.client.acquireConnection();
  try {
    const insert = statement(connection, table, columns, unique);
    connection.exec('BEGIN');
    try {
      for (let i = 0; i < rows.length; i += chunk) {
        if (i > 0) await new Promise<void>(resolve => setImmediate(resolve));
        for (const row of rows.slice(i, i + chunk)) insert.run(row);
      }
      connection.exec('COMMIT');
    } catch (error) {
      try {
        connection.exec('ROLLBACK');
      } catch {
        // SQLite rolled back already (it does on some errors)
      }
      throw error;
    }
  } finally {
    await db.client.releaseConnection(connection);
  }
}
