/**
 * PrometheusClient against the real Prometheus (the Debian package, PROMETHEUS_BINARY) scraping a
 * tiny exporter with one AMD-style GPU gauge.
 */
import {
  describeWithPrometheus,
  startPrometheus,
  type RunningPrometheus,
} from '@genai-portal/test-utils';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { PrometheusUnavailableError } from '../types';
import { PrometheusClient } from './PrometheusClient';

const METRICS = [
  '# HELP test_gpu_gfx_activity GPU activity in percent.',
  '# TYPE test_gpu_gfx_activity gauge',
  'test_gpu_gfx_activity{gpu_id="0",hostname="n1",pod="p"} 42',
  '',
].join('\n');

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

describeWithPrometheus('PrometheusClient against Prometheus', () => {
  let exporter: Server;
  let prom: RunningPrometheus | undefined;
  let client: PrometheusClient;
  const logs = () => prom?.logs() ?? '';

  beforeAll(async () => {
    exporter = createServer((req, res) => {
      if (req.url?.startsWith('/metrics')) {
        res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
        res.end(METRICS);
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    exporter.listen(0, '127.0.0.1');
    await once(exporter, 'listening');
    const { port } = exporter.address() as { port: number };
    prom = await startPrometheus({
      config: {
        global: { scrape_interval: '1s', evaluation_interval: '1s' },
        scrape_configs: [
          {
            job_name: 'gpu',
            scrape_interval: '1s',
            static_configs: [{ targets: [`127.0.0.1:${port}`] }],
          },
        ],
      },
    });
    // No caching: the test polls until the first scrape lands.
    client = new PrometheusClient({
      baseUrl: prom.url,
      timeoutMs: 5000,
      cacheTtlMs: 0,
    });
  }, 30_000);

  afterAll(async () => {
    await prom?.stop();
    exporter?.closeAllConnections();
    await new Promise(done => exporter?.close(done));
  });

  it('answers instant and range queries with the scraped gauge', async () => {
    let samples: Awaited<ReturnType<PrometheusClient['instant']>> = [];
    for (let i = 0; i < 150; i++) {
      samples = await client.instant('test_gpu_gfx_activity');
      if (samples.length) break;
      await sleep(200);
    }
    expect({ samples, logs: samples.length ? '' : logs() }).toEqual({
      samples: [
        {
          labels: {
            __name__: 'test_gpu_gfx_activity',
            gpu_id: '0',
            hostname: 'n1',
            pod: 'p',
            instance: expect.any(String),
            job: 'gpu',
          },
          value: 42,
        },
      ],
      logs: '',
    });

    // Let a few more scrapes land, then ask for the last ~20 s at 1 s.
    await sleep(3000);
    const end = new Date();
    const start = new Date(end.getTime() - 20_000);
    const result = await client.range('test_gpu_gfx_activity', {
      start,
      end,
      stepSeconds: 1,
    });
    expect(result.stepSeconds).toBe(1);
    expect(result.series).toHaveLength(1);
    const [series] = result.series;
    expect(series.labels).toMatchObject({
      __name__: 'test_gpu_gfx_activity',
      gpu_id: '0',
      hostname: 'n1',
      pod: 'p',
      job: 'gpu',
    });
    expect(series.points.length).toBeGreaterThanOrEqual(3);
    for (const [t, v] of series.points) {
      expect(v).toBe(42);
      expect(t % 1000).toBe(0);
      expect(t).toBeGreaterThanOrEqual(
        Math.floor(start.getTime() / 1000) * 1000,
      );
      expect(t).toBeLessThanOrEqual(Math.ceil(end.getTime() / 1000) * 1000);
    }
    const times = series.points.map(p => p[0]);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  }, 60_000);

  it('answers aggregations, scalars and instant queries at a time', async () => {
    expect(
      await client.instant('sum by (hostname) (test_gpu_gfx_activity)'),
    ).toEqual([{ labels: { hostname: 'n1' }, value: 42 }]);
    expect(await client.instant('scalar(test_gpu_gfx_activity) / 2')).toEqual([
      { labels: {}, value: 21 },
    ]);
    // Division by zero gives +Inf: skipped.
    expect(await client.instant('test_gpu_gfx_activity / 0')).toEqual([]);
    // Long before the first scrape there is nothing.
    expect(
      await client.instant(
        'test_gpu_gfx_activity',
        new Date(Date.now() - 3_600_000),
      ),
    ).toEqual([]);
  });

  it("wraps Prometheus's rejection of a bad query", async () => {
    const e = await client.instant('sum(').catch(err => err);
    expect(e).toBeInstanceOf(PrometheusUnavailableError);
    expect(e.message).toMatch(
      /^Prometheus rejected the query: .*parse error.* \(HTTP 400, bad_data\)$/,
    );
  });
});
