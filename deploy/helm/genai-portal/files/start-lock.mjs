// Loaded with `node --import` before the backend: one replica starts at a time.
//
// Each plugin runs its knex migrations when the backend starts, and knex's own lock is not safe
// for replicas starting together on an empty database: they race to create the lock table's row
// (knex/knex#3538), the losers crash, and a duplicated row leaves that plugin's migrations
// "already locked" for every later start (backstage/charts#300). So the backend waits here for a
// PostgreSQL advisory lock, starts, and lets the next replica go once it answers readiness (all
// migrations done) or exits (PostgreSQL drops a dead session's locks).
import { createRequire } from 'node:module';
import path from 'node:path';

// pg comes with the backend: resolve it from the backend's folder in the working directory.
const { Client } = createRequire(path.resolve('packages/backend/package.json'))(
  'pg',
);

const env = process.env;
// The backend's listen address: host:port, :port or port (backend.listen).
const listen =
  /^(?:(.*):)?(\d+)$/.exec(env.APP_CONFIG_backend_listen ?? '') ?? [];
const host = listen[1] && listen[1] !== '0.0.0.0' ? listen[1] : '127.0.0.1';
const readiness = `http://${host}:${
  listen[2] ?? 7007
}/.backstage/health/v1/readiness`;
// Replicas of one installation share a database prefix, and so a lock.
const key = `genai-portal start ${
  env.APP_CONFIG_backend_database_prefix ?? ''
}`;
const holdSeconds = Number(env.START_LOCK_MAX_SECONDS ?? 300);

const client = new Client({
  host: env.POSTGRES_HOST,
  port: Number(env.POSTGRES_PORT ?? 5432),
  user: env.POSTGRES_USER,
  password: env.POSTGRES_PASSWORD,
  // Where Backstage itself connects to create the plugins' databases.
  database: env.START_LOCK_DATABASE ?? 'postgres',
});
// A lost connection releases the lock; the backend's own connections report their errors.
client.on('error', () => {});

const waitingSince = Date.now();
await client.connect();
await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [key]);
process.stderr.write(
  `start lock taken after ${
    Date.now() - waitingSince
  } ms; starting the backend\n`,
);

const release = () => {
  clearInterval(poll);
  clearTimeout(giveUp);
  client.end().catch(() => {});
};
const poll = setInterval(() => {
  fetch(readiness)
    .then(res => res.status === 200 && release())
    .catch(() => {});
}, 500);
// A backend that never gets ready (the startup probe restarts it) must not hold the others back.
const giveUp = setTimeout(release, holdSeconds * 1000);
poll.unref();
giveUp.unref();
