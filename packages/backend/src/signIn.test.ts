import {
  postgresProblem,
  signIn as signInAs,
  startProductionBackend,
  type ProductionBackend,
} from '@genai-portal/test-utils';
import { once } from 'node:events';
import { createConnection, createServer } from 'node:net';
import { networkInterfaces } from 'node:os';

/**
 * Production sign-in, on the real backend process with the production config, PostgreSQL and
 * Redis: oauth-proxy (the chart's sidecar) signs users in by X-Forwarded-User, which the backend
 * trusts on /api/auth/oauth2Proxy/refresh alone. So the header must be worth nothing anywhere else,
 * and nothing but the proxy may reach the backend: the chart has it listen on 127.0.0.1 (deploy/src
 * proxy.test.ts), as here.
 */

/** The chart's `APP_CONFIG_backend_listen` host. */
const LISTEN_HOST = '127.0.0.1';

jest.setTimeout(240_000);

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
  let backend: ProductionBackend | undefined;
  let port: number;
  let base: string;
  let skipped: string | undefined;

  beforeAll(async () => {
    skipped = await postgresProblem();
    if (skipped) {
      if (process.env.CI) throw new Error(skipped);
      // eslint-disable-next-line no-console
      console.warn(`SKIPPED production sign-in test: ${skipped}`);
      return;
    }
    // Listening on 127.0.0.1, as the chart has it (APP_CONFIG_backend_listen).
    backend = await startProductionBackend({
      cluster: { url: 'https://127.0.0.1:6443', token: 'token' },
    });
    base = backend.baseUrl;
    port = Number(new URL(base).port);
    // Ready once the catalog has read the org file: sign-in needs lena.fischer's entity.
    for (let i = 0; i < 400; i++) {
      if (await signInAs(base, 'lena.fischer').catch(() => undefined)) return;
      await new Promise(r => setTimeout(r, 500));
    }
    throw new Error(`sign-in never answered 200: ${backend.output().stderr}`);
  });

  afterAll(async () => {
    await backend?.stop();
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
