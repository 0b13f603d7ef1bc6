import {
  dropDatabases,
  freePort,
  pgUrl,
  postgresProblem,
  redisUrl,
} from '@genai-portal/test-utils';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { Client } from 'pg';

/**
 * Starts the real backend with the production config against the machine's PostgreSQL and Redis,
 * and with broken settings, as an operator would (the process, not an in-process test backend).
 */
const root = resolve(__dirname, '../../..');

jest.setTimeout(240_000);

function productionEnv(port: number, overrides: Record<string, string> = {}) {
  const pg = new URL(pgUrl);
  return {
    ...process.env,
    NODE_ENV: 'production',
    PORTAL_BASE_URL: `http://127.0.0.1:${port}`,
    APP_CONFIG_backend_listen: `127.0.0.1:${port}`,
    BACKEND_SECRET: 'startup-test-secret-0123456789',
    METRICS_SCRAPE_TOKEN: 'startup-test-scrape-token',
    POSTGRES_HOST: pg.hostname,
    POSTGRES_PORT: pg.port || '5432',
    POSTGRES_USER: decodeURIComponent(pg.username) || 'postgres',
    POSTGRES_PASSWORD: decodeURIComponent(pg.password) || 'unused',
    REDIS_URL: redisUrl,
    K8S_CLUSTER_NAME: 'openshift',
    K8S_CLUSTER_URL: 'https://127.0.0.1:6443',
    K8S_CLUSTER_TOKEN: 'token',
    K8S_VIEWER_TOKEN: 'viewer-token',
    K8S_CLUSTER_CA_DATA: 'unused',
    ...overrides,
  };
}

function startBackend(env: NodeJS.ProcessEnv, configs: string[]) {
  const child = spawn(
    process.execPath,
    [
      '--require',
      require.resolve('@backstage/cli-node/config/nodeTransform.cjs'),
      'src/index.ts',
      ...configs.flatMap(c => ['--config', c]),
    ],
    { cwd: resolve(root, 'packages/backend'), env },
  );
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', d => (stderr += d));
  child.stdout.on('data', d => (stdout += d));
  const exited = once(child, 'exit').then(([code]) => code as number);
  return { child, exited, output: () => ({ stdout, stderr }) };
}

const productionConfigs = [
  resolve(root, 'app-config.yaml'),
  resolve(root, 'app-config.production.yaml'),
];

/**
 * The gateway (/api/genai-playground/v1) takes the root router's fast lane: no helmet page
 * headers, still `nosniff`, still CORS for the app's origin only, still its own auth and errors;
 * every other route keeps the defaults.
 */
async function expectGatewayFastLane(baseUrl: string) {
  const gateway = `${baseUrl}/api/genai-playground/v1`;

  const anonymous = await fetch(`${gateway}/models`);
  expect(anonymous.status).toBe(401);
  expect(await anonymous.json()).toEqual({
    error: expect.objectContaining({ type: 'authentication_error' }),
  });
  expect(anonymous.headers.get('x-content-type-options')).toBe('nosniff');
  expect(anonymous.headers.get('content-security-policy')).toBeNull();

  const preflight = (origin: string) =>
    fetch(`${gateway}/chat/completions`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
  const fromApp = await preflight(baseUrl);
  expect(fromApp.status).toBe(204);
  expect(fromApp.headers.get('access-control-allow-origin')).toBe(baseUrl);
  const fromElsewhere = await preflight('https://evil.example.com');
  expect(fromElsewhere.headers.get('access-control-allow-origin')).toBeNull();

  const pluginHealth = await fetch(`${baseUrl}/api/genai-playground/health`);
  expect(pluginHealth.status).toBe(200);
  expect(pluginHealth.headers.get('content-security-policy')).toContain(
    "default-src 'self'",
  );
}

/** /metrics needs an identity in production: Prometheus' static token, good for nothing else. */
async function expectMetricsForTheScraperOnly(baseUrl: string) {
  const metrics = `${baseUrl}/api/genai-playground/metrics`;
  const scraper = { authorization: 'Bearer startup-test-scrape-token' };
  expect((await fetch(metrics)).status).toBe(401);
  expect(
    (await fetch(metrics, { headers: { authorization: 'Bearer wrong' } }))
      .status,
  ).toBe(401);
  const scraped = await fetch(metrics, { headers: scraper });
  expect(scraped.status).toBe(200);
  expect(await scraped.text()).toContain(
    'http_request_duration_seconds_count{method="POST",route="/v1/chat/completions",code="502"} 0',
  );
  const catalog = await fetch(`${baseUrl}/api/catalog/entities?limit=1`, {
    headers: scraper,
  });
  expect(catalog.status).toBe(403);
}

describe('backend start-up', () => {
  it('starts with the production config against PostgreSQL and Redis', async () => {
    const missing = await postgresProblem();
    if (missing) {
      if (process.env.CI) throw new Error(missing);
      // eslint-disable-next-line no-console
      console.warn(`SKIPPED production start-up test: ${missing}`);
      return;
    }
    const prefix = `portal_startup_${Date.now()}_`;
    const port = await freePort();
    const backend = startBackend(
      productionEnv(port, { APP_CONFIG_backend_database_prefix: prefix }),
      productionConfigs,
    );
    try {
      let ready = false;
      for (let i = 0; i < 200 && !ready; i++) {
        const res = await fetch(
          `http://127.0.0.1:${port}/.backstage/health/v1/readiness`,
        ).catch(() => undefined);
        ready = res?.status === 200;
        if (!ready) {
          const code = await Promise.race([
            backend.exited,
            new Promise(r => setTimeout(r, 500)),
          ]);
          if (typeof code === 'number') {
            throw new Error(
              `backend exited ${code}: ${backend.output().stderr}`,
            );
          }
        }
      }
      expect(ready).toBe(true);

      // The catalog's tables were created in PostgreSQL, under the test's prefix.
      const client = new Client({ connectionString: pgUrl });
      await client.connect();
      const { rows } = await client.query(
        'SELECT datname FROM pg_database WHERE datname LIKE $1',
        [`${prefix}%`],
      );
      await client.end();
      expect(rows.map(r => r.datname)).toContain(`${prefix}catalog`);
      // The cost ledger migrated its own database and answers.
      expect(rows.map(r => r.datname)).toContain(`${prefix}genai-insights`);
      const insights = await fetch(
        `http://127.0.0.1:${port}/api/genai-insights/health`,
      );
      expect(insights.status).toBe(200);

      // Guest sign-in is refused outside development.
      const guest = await fetch(
        `http://127.0.0.1:${port}/api/auth/guest/refresh`,
      );
      expect(guest.status).toBeGreaterThanOrEqual(400);

      await expectGatewayFastLane(`http://127.0.0.1:${port}`);
      await expectMetricsForTheScraperOnly(`http://127.0.0.1:${port}`);
    } finally {
      backend.child.kill('SIGTERM');
      await backend.exited;
      await dropDatabases(prefix);
    }
  });

  it('stops with one line naming a production setting left unset', async () => {
    const missing = await postgresProblem();
    if (missing && !process.env.CI) return; // the database check fails first
    const prefix = `portal_unset_${Date.now()}_`;
    const { METRICS_SCRAPE_TOKEN: _unset, ...env } = productionEnv(
      await freePort(),
      { APP_CONFIG_backend_database_prefix: prefix },
    );
    const backend = startBackend(env, productionConfigs);
    try {
      expect(await backend.exited).toBe(1);
      const lines = backend.output().stderr.trim().split('\n');
      expect(lines[lines.length - 1]).toMatch(
        /^Backend failed to start: Missing required config value at 'backend\.auth\.externalAccess\[0\]\.options\.token' in 'env' \(while starting plugin '[\w-]+'; \d+ other plugins failed the same way\)$/,
      );
    } finally {
      await dropDatabases(prefix);
    }
  });

  it('stops with one line when the database cannot be reached', async () => {
    const port = await freePort();
    const backend = startBackend(
      productionEnv(port, { POSTGRES_HOST: '127.0.0.1', POSTGRES_PORT: '1' }),
      productionConfigs,
    );
    expect(await backend.exited).toBe(1);
    const { stderr, stdout } = backend.output();
    expect(stderr.trim().split('\n')).toEqual([
      'Backend failed to start: cannot reach the PostgreSQL database at 127.0.0.1:1 (backend.database): connect ECONNREFUSED 127.0.0.1:1',
    ]);
    expect(stdout).toBe('');
  });

  it('stops with one line when an app-config file is malformed', async () => {
    const bad = resolve(
      root,
      'packages/backend/src/__fixtures__/malformed.yaml',
    );
    const backend = startBackend(process.env, [
      resolve(root, 'app-config.yaml'),
      bad,
    ]);
    expect(await backend.exited).toBe(1);
    const lines = backend.output().stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^Backend failed to start: invalid configuration in \S*malformed\.yaml: .*at line 4/,
    );
  });

  it('stops with one line when the Redis cache cannot be reached', async () => {
    const port = await freePort();
    const backend = startBackend(
      productionEnv(port, { REDIS_URL: 'redis://127.0.0.1:1' }),
      productionConfigs,
    );
    const code = await backend.exited;
    const missing = await postgresProblem();
    if (missing && !process.env.CI) return; // the database check fails first
    expect(code).toBe(1);
    expect(backend.output().stderr.trim()).toBe(
      'Backend failed to start: cannot reach the Redis cache at 127.0.0.1:1 (backend.cache.connection): connect ECONNREFUSED 127.0.0.1:1',
    );
  });
});
