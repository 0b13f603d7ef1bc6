import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort } from './ports';

/** Debian's Prometheus (`apt-get install prometheus`; .ci/run installs it). */
export const PROMETHEUS_BINARY = '/usr/bin/prometheus';

export function prometheusInstalled(): boolean {
  return existsSync(PROMETHEUS_BINARY);
}

export interface RunningPrometheus {
  url: string;
  logs(): string;
  stop(): Promise<void>;
}

/**
 * A real Prometheus on a free port with its own data folder, scraping `config` (a prometheus.yml
 * as data: `global`, `scrape_configs`, ...; rule files are written beside it from `rules`, file
 * name to YAML text). Resolves once it is ready.
 */
export async function startPrometheus(options: {
  config: Record<string, unknown>;
  rules?: Record<string, string>;
}): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'portal-prometheus-'));
  const ruleFiles = Object.entries(options.rules ?? {}).map(([name, text]) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  });
  writeFileSync(
    join(dir, 'prometheus.yml'),
    stringify({
      ...options.config,
      ...(ruleFiles.length ? { rule_files: ruleFiles } : {}),
    }),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    PROMETHEUS_BINARY,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let logs = '';
  child.stdout?.on('data', d => (logs += d));
  child.stderr?.on('data', d => (logs += d));
  const exited = once(child, 'exit');
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; ; i++) {
    const ready = await fetch(`${url}/-/ready`).then(
      r => r.ok,
      () => false,
    );
    if (ready) break;
    if (child.exitCode !== null || i > 200) {
      await stop();
      throw new Error(`Prometheus did not start: ${logs}`);
    }
    await new Promise(r => setTimeout(r, 100));
  }
  return { url, logs: () => logs, stop };
}
