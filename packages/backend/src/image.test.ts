import {
  assembleBackendImage,
  postgresProblem,
  signIn,
  startProductionBackend,
  startSim,
  type BackendImage,
  type ProductionBackend,
} from '@genai-portal/test-utils';
import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The container image, where no image builder runs: packages/backend/Containerfile is read and
 * its steps done (test-utils' assembleBackendImage: COPY from the repository, RUN with sh, Yarn
 * offline from its cache), then the image's CMD starts with the production
 * config against the machine's PostgreSQL, Redis and a kube-sim, and the portal must answer:
 * readiness, a signed-in user's API call and the app served by the backend. It needs the host
 * build's packages/backend/dist/{skeleton,bundle}.tar.gz, which scripts/test.sh builds before
 * jest; when they are missing it runs `yarn build:backend` first (about 40 s more).
 */

jest.setTimeout(600_000);

const KUBE_TOKEN = 'image-test-kube-token';

/** Seconds since `start`, to one decimal. */
const since = (start: number) => Math.round((Date.now() - start) / 100) / 10;

/** Every path under `dir` with its size, mode and modification time. */
function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      const stat = lstatSync(path);
      files.set(
        path.slice(dir.length + 1),
        `${stat.size} ${stat.mode} ${stat.mtimeMs}`,
      );
      if (entry.isDirectory()) walk(path);
    }
  };
  walk(dir);
  return files;
}

/** Paths added, removed or changed from `before` to `after`. */
function changes(before: Map<string, string>, after: Map<string, string>) {
  const paths = new Set([...before.keys(), ...after.keys()]);
  return [...paths].filter(p => before.get(p) !== after.get(p)).sort();
}

describe('the container image (packages/backend/Containerfile)', () => {
  let skipped: string | undefined;
  let image: BackendImage | undefined;
  let kube: { url: string; stop(): Promise<void> } | undefined;
  let backend: ProductionBackend | undefined;
  let before = new Map<string, string>();
  const home = mkdtempSync(join(tmpdir(), 'portal-image-home-'));
  let token = '';
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    skipped = await postgresProblem();
    if (skipped) {
      if (process.env.CI) throw new Error(skipped);
      // eslint-disable-next-line no-console
      console.warn(`SKIPPED container image test: ${skipped}`);
      return;
    }
    image = await assembleBackendImage();
    Object.assign(timings, image.timings);
    let start = Date.now();
    kube = await startSim('kube-sim', ['--port=0', `--token=${KUBE_TOKEN}`]);
    timings['kube-sim'] = since(start);
    before = snapshot(image.dir);
    start = Date.now();
    backend = await startProductionBackend({
      cluster: { url: kube.url, token: KUBE_TOKEN },
      image,
      // A HOME of its own, which must stay empty (the image's HOME is read-only).
      env: { HOME: home },
    });
    timings['start to ready'] = since(start);
    // Signed in once the catalog has read the org file (lena.fischer's entity).
    start = Date.now();
    for (let i = 0; i < 400 && !token; i++) {
      token = (await signIn(backend.baseUrl, 'lena.fischer').catch(
        () => '',
      )) as string;
      if (!token) await new Promise(r => setTimeout(r, 500));
    }
    timings['ready to first sign-in'] = since(start);
    // eslint-disable-next-line no-console
    console.info(`container image test, seconds: ${JSON.stringify(timings)}`);
  });

  afterAll(async () => {
    const start = Date.now();
    // How the image stops is the shutdown test's (src/shutdown.test.ts): SIGKILL is quicker here.
    await backend?.stop({ signal: 'SIGKILL' });
    await kube?.stop();
    if (image) rmSync(image.dir, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
    // eslint-disable-next-line no-console
    console.info(
      `container image test: stopped and cleaned in ${since(start)} s`,
    );
  });

  it('runs as UID 1001 in group 0, with NODE_ENV=production and the production config', () => {
    if (skipped) return;
    expect(image!.user).toBe('1001:0');
    expect(image!.env.NODE_ENV).toBe('production');
    expect(image!.cmd).toEqual([
      'node',
      'packages/backend',
      '--config',
      'app-config.yaml',
      '--config',
      'app-config.production.yaml',
    ]);
  });

  it('holds the production dependencies only', () => {
    if (skipped) return;
    const modules = join(image!.dir, 'node_modules');
    expect(existsSync(join(modules, '@backstage/plugin-app-backend'))).toBe(
      true,
    );
    expect(existsSync(join(modules, 'pg'))).toBe(true);
    for (const dev of [
      '@backstage/cli',
      '@backstage/repo-tools',
      '@playwright/test',
      'jest',
      'openai',
    ]) {
      expect([dev, existsSync(join(modules, dev))]).toEqual([dev, false]);
    }
    // The built backend, not its sources; the app as built files.
    expect(existsSync(join(image!.dir, 'packages/backend/src'))).toBe(false);
    expect(
      existsSync(join(image!.dir, 'packages/backend/dist/index.cjs.js')),
    ).toBe(true);
    expect(existsSync(join(image!.dir, 'packages/app/dist/index.html'))).toBe(
      true,
    );
    expect(existsSync(join(image!.dir, 'packages/app/src'))).toBe(false);
  });

  it('answers readiness and a signed-in user’s API call', async () => {
    if (skipped) return;
    const base = backend!.baseUrl;
    expect((await fetch(`${base}/.backstage/health/v1/readiness`)).status).toBe(
      200,
    );
    expect(token).not.toBe('');
    const users = await fetch(
      `${base}/api/catalog/entities/by-name/user/default/lena.fischer`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    expect(users.status).toBe(200);
    expect((await users.json()).metadata.name).toBe('lena.fischer');
    const environments = await fetch(
      `${base}/api/genai-playground/environments`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    expect(environments.status).toBe(200);
    // No token, no data.
    expect((await fetch(`${base}/api/catalog/entities?limit=1`)).status).toBe(
      401,
    );
  });

  it('serves the app: index.html with the production config, its scripts, deep links', async () => {
    if (skipped) return;
    const base = backend!.baseUrl;
    const index = await fetch(`${base}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toContain('text/html');
    const html = await index.text();
    expect(html).toContain('<div id="root">');
    // The frontend config is injected at start-up: the production base URL.
    expect(html).toContain(base);
    const script = /<script[^>]+src="([^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const js = await fetch(new URL(script!, base));
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toContain('javascript');
    const deep = await fetch(`${base}/genai-insights/cost`);
    expect(deep.status).toBe(200);
    expect(await deep.text()).toContain('<div id="root">');
  });

  it('writes nothing into its own files (a read-only root file system holds)', () => {
    if (skipped) return;
    expect(changes(before, snapshot(image!.dir))).toEqual([]);
    expect(readdirSync(home)).toEqual([]);
  });
});
