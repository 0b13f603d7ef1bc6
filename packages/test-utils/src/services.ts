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
  await deleteRedisKeys(`genai-playground:usage:${prefix}`);
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

/**
 * Deletes the machine Redis' keys that start with `prefix` (what a test's backends counted under
 * a key prefix of its own); nothing when Redis does not answer.
 */
export async function deleteRedisKeys(prefix: string) {
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
    // The prefix is the test's own: glob characters in it are escaped, not matched.
    const pattern = `${prefix.replace(/[*?[\]\\]/g, c => `\\${c}`)}*`;
    for await (const key of redis.scanIterator({
      MATCH: pattern,
      COUNT: 500,
    })) {
      await redis.del(key);
    }
  } finally {
    await redis.quit();
  }
}
