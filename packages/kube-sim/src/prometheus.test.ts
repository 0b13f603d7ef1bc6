/**
 * The real Prometheus (Debian package, /usr/bin/prometheus) scraping
 * kube-sim's /metrics and answering a PromQL query over its HTTP API.
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  createNamespace,
  Harness,
  startHarness,
  waitFor,
} from './testing/harness';

const PROMETHEUS = '/usr/bin/prometheus';
const available = fs.existsSync(PROMETHEUS);

if (!available && process.env.CI) {
  // In CI the binary is installed by the CI script; its absence is a failure.
  test('prometheus is installed', () => {
    expect(`${PROMETHEUS} is missing`).toBe(
      `${PROMETHEUS} exists (install the Debian package "prometheus")`,
    );
  });
} else if (!available) {
  // eslint-disable-next-line no-console
  console.warn(
    `Skipping the Prometheus test: ${PROMETHEUS} is not installed (apt-get install prometheus).`,
  );
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

(available ? describe : describe.skip)('Prometheus scraping kube-sim', () => {
  let h: Harness;
  let prom: ChildProcess | undefined;
  let dir: string;
  let promUrl: string;
  let logs = '';

  beforeAll(async () => {
    h = await startHarness();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-sim-prom-'));
    const target = new URL(h.sim.url).host;
    fs.writeFileSync(
      path.join(dir, 'prometheus.yml'),
      `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: amd-gpu-metrics\n    scrape_interval: 1s\n    static_configs:\n      - targets: ['${target}']\n`,
    );
    const port = await freePort();
    promUrl = `http://127.0.0.1:${port}`;
    prom = spawn(
      PROMETHEUS,
      [
        `--config.file=${path.join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    prom.stdout?.on('data', d => (logs += d));
    prom.stderr?.on('data', d => (logs += d));
    await waitFor(
      async () => (await fetch(`${promUrl}/-/ready`)).ok,
      'prometheus to be ready',
      20_000,
    );
  }, 30_000);

  afterAll(async () => {
    if (prom && prom.exitCode === null) {
      const exited = new Promise(resolve => prom!.once('exit', resolve));
      prom.kill('SIGTERM');
      await exited;
    }
    await h?.sim.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers per-namespace GPU activity with PromQL', async () => {
    await createNamespace(h, 'llm-serving');
    await h.core.createNamespacedPod({
      namespace: 'llm-serving',
      body: {
        metadata: { name: 'vllm-0' },
        spec: {
          nodeSelector: { 'gpu-type': 'mi300x' },
          tolerations: [{ key: 'amd.com/gpu', operator: 'Exists' }],
          containers: [
            {
              name: 'vllm',
              image: 'rocm/vllm:latest',
              resources: { limits: { 'amd.com/gpu': '4' } },
            },
          ],
        },
      },
    });
    const query = encodeURIComponent(
      'sum by (namespace) (gpu_gfx_activity{namespace!=""})',
    );
    const result = await waitFor(
      async () => {
        const res = await (
          await fetch(`${promUrl}/api/v1/query?query=${query}`)
        ).json();
        return res.data?.result?.find(
          (r: any) => r.metric.namespace === 'llm-serving',
        );
      },
      `a scrape with the running pod (prometheus said: ${logs})`,
      20_000,
    );
    const value = Number(result.value[1]);
    // Four busy GPUs at 88-98% each.
    expect(value).toBeGreaterThanOrEqual(4 * 85);
    expect(value).toBeLessThanOrEqual(4 * 100);
    const up = await (await fetch(`${promUrl}/api/v1/query?query=up`)).json();
    expect(up.data.result[0].value[1]).toBe('1');
  }, 30_000);
});
