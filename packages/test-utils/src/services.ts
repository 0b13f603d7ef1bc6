import { createClient } from '@redis/client';
import { Client } from 'pg';

/** The machine's PostgreSQL 15 (as TestDatabases finds it) and Redis, for tests of real processes. */
export const pgUrl =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING ??
  'postgresql://postgres@127.0.0.1:5432';
export const redisUrl =
  process.env.PORTAL_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Why PostgreSQL cannot be used, or undefined when it answers. */
export async function postgresProblem(): Promise<string | undefined> {
  const client = new Client({
    connectionString: pgUrl,
    connectionTimeoutMillis: 3000,
  });
  try {
    await client.connect();
    await client.end();
    return undefined;
  } catch (e) {
    return `PostgreSQL at ${pgUrl} is not reachable (${(e as Error).message})`;
  }
}

/**
 * Drops the databases a backend made under this prefix, and its metering stream in Redis (the
 * gateway's default stream key ends with the database prefix), when Redis answers.
 */
export async function dropDatabases(prefix: string) {
  await dropUsageStream(prefix);
  const client = new Client({ connectionString: pgUrl });
  await client.connect();
  const { rows } = await client.query(
    'SELECT datname FROM pg_database WHERE datname LIKE $1',
    [`${prefix}%`],
  );
  for (const { datname } of rows) {
    await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  }
  await client.end();
}

/** Deletes the `genai-playground:usage:<prefix>` stream; nothing when Redis does not answer. */
async function dropUsageStream(prefix: string) {
  const redis = createClient({
    url: redisUrl,
    socket: { connectTimeout: 2_000, reconnectStrategy: false },
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
  } catch {
    return;
  }
  try {
    await redis.del(`genai-playground:usage:${prefix}`);
  } finally {
    await redis.quit();
  }
}
