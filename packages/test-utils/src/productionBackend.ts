import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { freePort } from './ports';
import { dropDatabases, pgUrl, redisUrl } from './services';

/**
 * The real backend process (packages/backend/src/index.ts through Backstage's node transform)
 * with the production config on the machine's PostgreSQL and Redis, as an operator runs it: every
 * plugin, the real permission policy, oauth2-proxy sign-in. Each start gets databases of its own
 * (a prefix) that stop() drops.
 */
// Tests only, always run from the source tree (never built into a production bundle).
// eslint-disable-next-line no-restricted-syntax
export const repoRoot = resolve(__dirname, '../../..');

export interface ProductionBackend {
  baseUrl: string;
  /** The static token Prometheus scrapes with. */
  scrapeToken: string;
  output(): { stdout: string; stderr: string };
  /** The process's id (a new one after each restart). */
  pid(): number;
  /**
   * Stops the process (SIGTERM, or SIGKILL for a crash) and starts it again on the same port and
   * databases, as a pod restart does; resolves when it is ready again.
   */
  restart(options?: { signal?: 'SIGTERM' | 'SIGKILL' }): Promise<void>;
  /**
   * Stops the process (SIGTERM by default) and drops its databases; resolves with the process's
   * exit code (null when a signal ended it).
   */
  stop(options?: { signal?: 'SIGTERM' | 'SIGKILL' }): Promise<number | null>;
}

/**
 * Starts the backend and waits until it is ready. `cluster` points the production config's
 * cluster at kube-sim; `config` is one more config file (YAML data) loaded last.
 *
 * `image` runs the built backend instead of the TypeScript sources: a folder laid out as the
 * container image's working directory (packages/backend/Containerfile), started there with the
 * image's command (`node packages/backend --config app-config.yaml --config
 * app-config.production.yaml`, `node` being this Node.js) and environment, plus the same
 * production environment as the sources get.
 */
export async function startProductionBackend(options: {
  cluster: { url: string; token: string };
  config?: object;
  env?: Record<string, string>;
  image?: { dir: string; cmd: string[]; env?: Record<string, string> };
}): Promise<ProductionBackend> {
  const port = await freePort();
  const prefix = `portal_${Date.now()}_${port}_`;
  const baseUrl = `http://127.0.0.1:${port}`;
  const scrapeToken = `scrape-${port}-0123456789`;
  const pg = new URL(pgUrl);
  // The image's command names its own config files (relative to its working directory).
  const configs = options.image
    ? []
    : [
        resolve(repoRoot, 'app-config.yaml'),
        resolve(repoRoot, 'app-config.production.yaml'),
      ];
  if (options.config) {
    const file = join(mkdtempSync(join(tmpdir(), 'portal-config-')), 'x.yaml');
    writeFileSync(file, stringify(options.config));
    configs.push(file);
  }
  const env = {
    ...process.env,
    ...options.image?.env,
    NODE_ENV: 'production',
    PORTAL_BASE_URL: baseUrl,
    APP_CONFIG_backend_listen: `127.0.0.1:${port}`,
    APP_CONFIG_backend_database_prefix: prefix,
    BACKEND_SECRET: `secret-${port}-0123456789abcdef`,
    METRICS_SCRAPE_TOKEN: scrapeToken,
    POSTGRES_HOST: pg.hostname,
    POSTGRES_PORT: pg.port || '5432',
    POSTGRES_USER: decodeURIComponent(pg.username) || 'postgres',
    POSTGRES_PASSWORD: decodeURIComponent(pg.password) || 'unused',
    REDIS_URL: redisUrl,
    K8S_CLUSTER_NAME: 'kube-sim',
    K8S_CLUSTER_URL: options.cluster.url,
    K8S_CLUSTER_TOKEN: options.cluster.token,
    K8S_CLUSTER_CA_DATA: 'unused',
    K8S_VIEWER_TOKEN: options.cluster.token,
    ...options.env,
  };
  let stdout = '';
  let stderr = '';
  let exited: Promise<number | null> = Promise.resolve(null);
  let child: ChildProcessWithoutNullStreams | undefined;

  const kill = async (signal: 'SIGTERM' | 'SIGKILL') => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
    }
    return exited;
  };
  const stop = async (stopOptions?: { signal?: 'SIGTERM' | 'SIGKILL' }) => {
    const code = await kill(stopOptions?.signal ?? 'SIGTERM');
    await dropDatabases(prefix);
    return code;
  };
  const launch = async () => {
    const extraConfigs = configs.flatMap(c => ['--config', c]);
    const proc = options.image
      ? spawn(
          options.image.cmd[0] === 'node'
            ? process.execPath
            : options.image.cmd[0],
          [...options.image.cmd.slice(1), ...extraConfigs],
          { cwd: options.image.dir, env },
        )
      : spawn(
          process.execPath,
          [
            '--require',
            require.resolve('@backstage/cli-node/config/nodeTransform.cjs'),
            'packages/backend/src/index.ts',
            ...extraConfigs,
          ],
          // Production resolves the catalog's file locations against the working directory.
          { cwd: repoRoot, env },
        );
    child = proc;
    proc.stdout.on('data', d => (stdout += d));
    proc.stderr.on('data', d => (stderr += d));
    exited = once(proc, 'exit').then(([code]) => code as number | null);
    for (let i = 0; ; i++) {
      const res = await fetch(
        `${baseUrl}/.backstage/health/v1/readiness`,
      ).catch(() => undefined);
      if (res?.status === 200) return;
      const code = await Promise.race([
        exited,
        new Promise(r => setTimeout(r, 500)),
      ]);
      if (typeof code === 'number' || i > 400) {
        throw new Error(`backend did not start (exit ${code}): ${stderr}`);
      }
    }
  };

  try {
    await launch();
  } catch (error) {
    await stop();
    throw error;
  }
  const restart = async (restartOptions?: {
    signal?: 'SIGTERM' | 'SIGKILL';
  }) => {
    await kill(restartOptions?.signal ?? 'SIGTERM');
    await launch();
  };
  return {
    baseUrl,
    scrapeToken,
    output: () => ({ stdout, stderr }),
    pid: () => child!.pid!,
    restart,
    stop,
  };
}

/**
 * Signs a catalog user in as the chart's oauth-proxy does: the proxy's X-Forwarded-User on the
 * oauth2Proxy provider's refresh. Returns the Backstage token.
 */
export async function signIn(baseUrl: string, user: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/oauth2Proxy/refresh`, {
    method: 'POST',
    headers: { 'x-forwarded-user': user, 'x-requested-with': 'XMLHttpRequest' },
  });
  if (res.status !== 200) {
    throw new Error(`sign-in of ${user}: ${res.status} ${await res.text()}`);
  }
  const body = (await res.json()) as { backstageIdentity: { token: string } };
  return body.backstageIdentity.token;
}

/**
 * kube-sim or llm-sim as its own process, started by its CLI as scripts/start.sh does; resolves
 * with the URL it prints once listening.
 */
export async function startSim(
  name: 'kube-sim' | 'llm-sim',
  args: string[],
): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(
    process.execPath,
    [resolve(repoRoot, `packages/${name}/bin/${name}`), ...args],
    { cwd: repoRoot, env: process.env },
  );
  let output = '';
  const exited = once(child, 'exit');
  const url = await new Promise<string>((done, fail) => {
    child.stdout.on('data', d => {
      output += d;
      // kube-sim says "listening on URL", llm-sim "serving on URL/v1".
      const match = /(?:listening|serving) on (https?:\/\/[\w.:[\]-]+)/.exec(
        output,
      );
      if (match) done(match[1]);
    });
    child.stderr.on('data', d => (output += d));
    child.once('exit', code =>
      fail(new Error(`${name} exited ${code}: ${output}`)),
    );
  });
  return {
    url,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}
