import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createConnection, createServer } from 'node:net';
import { networkInterfaces } from 'node:os';
import { resolve } from 'node:path';
import { Client } from 'pg';

/**
 * Production sign-in, on the real backend process with the production config, PostgreSQL and
 * Redis: oauth-proxy (the chart's sidecar) signs users in by X-Forwarded-User, which the backend
 * trusts on /api/auth/oauth2Proxy/refresh alone. So the header must be worth nothing anywhere else,
 * and nothing but the proxy may reach the backend: the chart has it listen on 127.0.0.1 (deploy/src
 * proxy.test.ts), as here.
 */
const root = resolve(__dirname, '../../..');
const pgUrl =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING ??
  'postgresql://postgres@127.0.0.1:5432';
const redisUrl = process.env.PORTAL_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The chart's `APP_CONFIG_backend_listen` host. */
const LISTEN_HOST = '127.0.0.1';

jest.setTimeout(240_000);

async function freePort(): Promise<number> {
  const server = createServer().listen(0, LISTEN_HOST);
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

async function postgresUp(): Promise<string | undefined> {
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

async function dropDatabases(prefix: string) {
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

/** Resolves whether a TCP connection to host:port is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise(done => {
    const socket = createConnection({ host, port, timeout: 3000 });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
    socket.once('timeout', () => {
      socket.destroy();
      done(false);
    });
  });
}

/** The claims of a Backstage token (its signature is the backend's business). */
function claims(token: string): { sub: string } {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
}

describe('production sign-in through oauth2-proxy', () => {
  const prefix = `portal_signin_${Date.now()}_`;
  let port: number;
  let base: string;
  let child: ReturnType<typeof spawn> | undefined;
  let exited: Promise<number> | undefined;
  let stderr = '';
  let skipped: string | undefined;

  beforeAll(async () => {
    skipped = await postgresUp();
    if (skipped) {
      if (process.env.CI) throw new Error(skipped);
      // eslint-disable-next-line no-console
      console.warn(`SKIPPED production sign-in test: ${skipped}`);
      return;
    }
    port = await freePort();
    base = `http://${LISTEN_HOST}:${port}`;
    const pg = new URL(pgUrl);
    child = spawn(
      process.execPath,
      [
        '--require',
        require.resolve('@backstage/cli-node/config/nodeTransform.cjs'),
        'packages/backend/src/index.ts',
        '--config',
        resolve(root, 'app-config.yaml'),
        '--config',
        resolve(root, 'app-config.production.yaml'),
      ],
      {
        // From the repository root, as the image runs it: the production catalog locations
        // (the org file with the users) are relative to it.
        cwd: root,
        env: {
          ...process.env,
          NODE_ENV: 'production',
          PORTAL_BASE_URL: base,
          APP_CONFIG_backend_listen: `${LISTEN_HOST}:${port}`,
          APP_CONFIG_backend_database_prefix: prefix,
          BACKEND_SECRET: 'signin-test-secret-0123456789',
          METRICS_SCRAPE_TOKEN: 'signin-test-scrape-token',
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
        },
      },
    );
    child.stderr!.on('data', d => (stderr += d));
    child.stdout!.on('data', () => {});
    exited = once(child, 'exit').then(([code]) => code as number);
    // Ready once the catalog has read the org file: sign-in needs lena.fischer's entity.
    for (let i = 0; i < 400; i++) {
      const res = await fetch(`${base}/api/auth/oauth2Proxy/refresh`, {
        headers: { 'x-forwarded-user': 'lena.fischer' },
      }).catch(() => undefined);
      if (res?.status === 200) return;
      const code = await Promise.race([
        exited,
        new Promise(r => setTimeout(r, 500)),
      ]);
      if (typeof code === 'number')
        throw new Error(`backend exited ${code}: ${stderr}`);
    }
    throw new Error(`sign-in never answered 200: ${stderr}`);
  });

  afterAll(async () => {
    if (child) {
      child.kill('SIGTERM');
      await exited;
    }
    if (!skipped) await dropDatabases(prefix);
  });

  const signIn = async (user: string) => {
    const res = await fetch(`${base}/api/auth/oauth2Proxy/refresh`, {
      method: 'POST',
      headers: { 'x-forwarded-user': user },
    });
    expect(res.status).toBe(200);
    return (await res.json()).backstageIdentity;
  };

  it('turns the proxy’s X-Forwarded-User into a Backstage token for that user', async () => {
    if (skipped) return;
    const identity = await signIn('lena.fischer');
    expect(identity.identity.userEntityRef).toBe('user:default/lena.fischer');
    expect(claims(identity.token).sub).toBe('user:default/lena.fischer');
    expect(identity.identity.ownershipEntityRefs).toContain(
      'group:default/ml-research',
    );

    // someone the catalog does not know is not signed in
    const stranger = await fetch(`${base}/api/auth/oauth2Proxy/refresh`, {
      method: 'POST',
      headers: { 'x-forwarded-user': 'mallory' },
    });
    expect(stranger.status).toBeGreaterThanOrEqual(400);
    expect(JSON.stringify(await stranger.json())).not.toContain('token');
  });

  it('ignores a forged X-Forwarded-User on every other route: the token decides', async () => {
    if (skipped) return;
    const { token } = await signIn('lena.fischer');
    const forged = { 'x-forwarded-user': 'priya.raman' };

    const me = await fetch(`${base}/api/auth/v1/userinfo`, {
      headers: { authorization: `Bearer ${token}`, ...forged },
    });
    expect(me.status).toBe(200);
    expect((await me.json()).claims.sub).toBe('user:default/lena.fischer');

    const catalog = await fetch(`${base}/api/catalog/entities?limit=1`, {
      headers: { authorization: `Bearer ${token}`, ...forged },
    });
    expect(catalog.status).toBe(200);

    // the header alone is no identity, on Backstage's APIs and on the gateway
    for (const path of [
      '/api/catalog/entities?limit=1',
      '/api/genai-playground/environments',
      '/api/genai-playground/v1/models',
      '/api/auth/v1/userinfo',
    ]) {
      const res = await fetch(`${base}${path}`, {
        headers: { ...forged, 'x-forwarded-email': 'priya.raman@example.com' },
      });
      expect([path, res.status]).toEqual([path, 401]);
    }
  });

  it('listens on 127.0.0.1 only, so nothing but the proxy in the pod reaches the backend', async () => {
    if (skipped) return;
    expect(await accepts(LISTEN_HOST, port)).toBe(true);
    // Another loopback address (Linux routes 127.0.0.0/8 to lo) and the machine's own addresses
    // reach the port only if the backend listened on them too.
    const others = [
      '127.0.0.2',
      ...Object.values(networkInterfaces())
        .flat()
        .filter(a => a && a.family === 'IPv4' && !a.internal)
        .map(a => a!.address),
    ];
    // A control listening on every address shows which of them this machine can connect to.
    const control = createServer(socket => socket.destroy()).listen(
      0,
      '0.0.0.0',
    );
    await once(control, 'listening');
    const controlPort = (control.address() as { port: number }).port;
    const reachable: string[] = [];
    for (const host of others) {
      if (await accepts(host, controlPort)) reachable.push(host);
    }
    control.close();
    expect(reachable).toContain('127.0.0.2');
    for (const host of reachable) {
      expect([host, await accepts(host, port)]).toEqual([host, false]);
    }
  });
});
