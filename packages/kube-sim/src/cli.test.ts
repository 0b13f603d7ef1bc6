import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { parseArgs } from './cli';

describe('kube-sim CLI', () => {
  it('parses flags with the documented defaults', () => {
    expect(parseArgs([])).toMatchObject({
      port: 7070,
      host: '127.0.0.1',
      token: 'kube-sim-dev-token',
      selfSigned: false,
    });
    expect(
      parseArgs([
        '--port',
        '0',
        '--token=t',
        '--state',
        's.json',
        '--time-scale',
        '10',
        '--tls',
      ]),
    ).toMatchObject({
      port: 0,
      token: 't',
      state: 's.json',
      timeScale: 10,
      selfSigned: true,
    });
    expect(() => parseArgs(['--bogus'])).toThrow('unknown option --bogus');
    expect(() => parseArgs(['--tls-cert', 'c.pem'])).toThrow(
      '--tls-cert and --tls-key go together',
    );
  });

  it('serves, writes the kubeconfig, and saves state on SIGTERM', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-sim-cli-'));
    const kubeconfig = path.join(dir, 'kubeconfig');
    const state = path.join(dir, 'state.json');
    const child = spawn(
      process.execPath,
      [
        path.resolve(__dirname, '..', 'bin', 'kube-sim'),
        '--port',
        '0',
        '--state',
        state,
        '--kubeconfig-out',
        kubeconfig,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', d => (output += d));
    child.stderr.on('data', d => (output += d));
    try {
      const started = Date.now();
      while (!output.includes('kubeconfig written to')) {
        if (Date.now() - started > 30_000 || child.exitCode !== null)
          throw new Error(`kube-sim did not start: ${output}`);
        await new Promise(r => setTimeout(r, 50));
      }
      expect(output).toMatch(
        /^kube-sim listening on http:\/\/127\.0\.0\.1:\d+$/m,
      );
      const kc = new KubeConfig();
      kc.loadFromFile(kubeconfig);
      const core = kc.makeApiClient(CoreV1Api);
      await core.createNamespacedConfigMap({
        namespace: 'default',
        body: { metadata: { name: 'from-cli' } },
      });
      const exited = new Promise<number | null>(resolve =>
        child.once('exit', code => resolve(code)),
      );
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      const saved = JSON.parse(fs.readFileSync(state, 'utf8'));
      expect(
        saved.objects['/configmaps'].map((c: any) => c.metadata.name),
      ).toContain('from-cli');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 40_000);
});
