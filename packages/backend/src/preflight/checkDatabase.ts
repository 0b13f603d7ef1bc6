import { Config } from '@backstage/config';
import { Client } from 'pg';
import { postgresConnection } from './postgresConnection';

const CONNECT_TIMEOUT_MS = 5000;

/**
 * Connects once to the configured PostgreSQL. Without this, an unreachable database surfaces as a
 * minute of knex acquire timeouts and one stack per plugin.
 */
export async function checkDatabase(config: Config): Promise<void> {
  const connection = postgresConnection(config);
  if (!connection) return;
  const { options, where } = connection;
  const client = new Client({
    ...options,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new Error(
      `cannot reach the PostgreSQL database at ${where} (backend.database): ${reason(
        error,
      )}`,
    );
  } finally {
    await client.end().catch(() => {});
  }
}

function reason(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return reason(error.errors[0]);
  }
  const e = error as { code?: string; message?: string };
  return e.message || e.code || String(error);
}
