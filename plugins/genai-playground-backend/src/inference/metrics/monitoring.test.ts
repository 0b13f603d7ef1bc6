/**
 * The platform's alerts (deploy/platform/slo-rules.yaml) and the gateway's Grafana dashboard
 * (deploy/platform/dashboards) over the portal's own metrics: a real Prometheus (Debian package)
 * scrapes /api/genai-playground/metrics of a Backstage backend with the plugin, as the chart's
 * ServiceMonitor has it do, and evaluates the rules of the PrometheusRule. Fast, good answers
 * leave the alerts inactive; slow answers, 5xx and a model server that is down make them pending
 * (their `for:` is minutes, so pending is as far as a test can see them go). Every query of the
 * dashboard answers with series.
 */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { startKubeSim, type KubeSim } from '@genai-portal/kube-sim';
import { startLlmSim, type LlmSim } from '@genai-portal/llm-sim';
import {
  freePort,
  describeWithPrometheus,
  startPrometheus,
  type RunningPrometheus,
} from '@genai-portal/test-utils';
import fs from 'node:fs';
import type net from 'node:net';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { MARCO, testConfigData, waitFor } from '../../__testUtils__/harness';
import { orgServiceFactories } from '../../__testUtils__/testBackend';
import { genaiPlaygroundPlugin } from '../../plugin';

jest.setTimeout(90_000);

const PLATFORM = path.resolve(__dirname, '../../../../../deploy/platform');
const SLO_RULES = path.join(PLATFORM, 'slo-rules.yaml');
const DASHBOARD = path.join(PLATFORM, 'dashboards/genai-gateway.json');
const ALERTS = [
  'GenAIPortalLatencyP95High',
  'GenAIPortalAvailabilityBelowTarget',
  'GenAIGatewayModelServerFailing',
];
const FAST = 'Qwen/Qwen2.5-7B-Instruct';
/** Answers after 2.5 s: above the 2 s of the p95 target. */
const SLOW = 'meta-llama/Llama-3.1-70B-Instruct';
/** Its only replica is a port nobody listens on: every call is a 502. */
const DOWN = 'mistralai/Mistral-7B-Instruct-v0.3';

describeWithPrometheus('the platform monitoring of the portal', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let kube: KubeSim;
  let sim: LlmSim;
  let prometheus: RunningPrometheus | undefined;
  let promUrl = '';
  let portalUrl = '';
  const logs = () => prometheus?.logs() ?? '';

  beforeAll(async () => {
    kube = await startKubeSim({ port: 0, tickMs: 50, timeScale: 20 });
    sim = await startLlmSim({
      models: [
        { id: FAST, ttftMs: 2, tpotMs: 1 },
        { id: SLOW, ttftMs: 2_500, tpotMs: 1 },
      ],
    });
    const model = (name: string, upstream: string) => ({
      name,
      upstreams: [upstream],
      pricePer1MInput: 0.15,
      pricePer1MOutput: 0.45,
      contextLength: 32768,
    });
    const { server } = await startTestBackend({
      features: [
        genaiPlaygroundPlugin,
        mockServices.rootConfig.factory({
          data: testConfigData(kube.url, kube.token, {
            inference: {
              models: [
                model(FAST, sim.url),
                model(SLOW, sim.url),
                model(DOWN, `http://127.0.0.1:${await freePort()}`),
              ],
              retries: { attempts: 1, baseDelayMs: 5 },
              // a replica that is down is tried on every call (not rested), for a steady rate
              cooldown: { failures: 1000, seconds: 10 },
              discovery: { enabled: false },
            },
          }),
        }),
        mockServices.database.factory({
          knex: await databases.init('SQLITE_3'),
        }),
        ...orgServiceFactories(),
      ],
    });
    const { port } = server.address() as net.AddressInfo;
    portalUrl = `http://127.0.0.1:${port}`;

    // The ServiceMonitor's scrape (path, the namespace label Prometheus gives the target) and
    // the PrometheusRule's groups as a rule file, evaluated every second.
    const rule = parse(fs.readFileSync(SLO_RULES, 'utf8'));
    prometheus = await startPrometheus({
      rules: { 'rules.yml': stringify({ groups: rule.spec.groups }) },
      config: {
        global: { scrape_interval: '1s', evaluation_interval: '1s' },
        scrape_configs: [
          {
            job_name: 'portal',
            metrics_path: '/api/genai-playground/metrics',
            static_configs: [
              {
                targets: [`127.0.0.1:${port}`],
                labels: { namespace: 'genai-portal' },
              },
            ],
          },
        ],
      },
    });
    promUrl = prometheus.url;
    // scraped once before any call, so that rates see the calls as increases
    const scraped = async () => {
      try {
        return (await query('up{job="portal"}'))[0]?.value[1] === '1';
      } catch {
        return false; // not listening yet
      }
    };
    await waitFor(scraped, 20_000).catch(() => {
      throw new Error(`Prometheus did not scrape the portal: ${logs()}`);
    });
  });

  afterAll(async () => {
    await prometheus?.stop();
    await sim?.close();
    await kube?.close();
  });

  async function query(promql: string): Promise<any[]> {
    const res = await fetch(
      `${promUrl}/api/v1/query?query=${encodeURIComponent(promql)}`,
    );
    return (await res.json()).data?.result ?? [];
  }

  /** The SLO alerts: name → state (inactive, pending, firing), once both evaluated fine. */
  async function alertStates(): Promise<Record<string, string>> {
    const res = await (await fetch(`${promUrl}/api/v1/rules`)).json();
    const rules = res.data.groups.flatMap((g: any) => g.rules);
    for (const r of rules) {
      if (r.health !== 'ok') throw new Error(`${r.name}: ${r.lastError}`);
    }
    return Object.fromEntries(rules.map((r: any) => [r.name, r.state]));
  }

  const chat = (model: string, stream = false) =>
    fetch(`${portalUrl}/api/genai-playground/v1/chat/completions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: mockCredentials.user.header(MARCO),
      },
      body: JSON.stringify({
        model,
        messages: [{ role: 'user', content: 'hi' }],
        max_tokens: 4,
        stream,
      }),
    }).then(async res => {
      await res.arrayBuffer();
      return res.status;
    });

  /** Waits until Prometheus holds this many chat calls and has evaluated the rules after. */
  async function scrapedAndEvaluated(calls: number) {
    await waitFor(async () => {
      const [count] = await query(
        'sum(http_request_duration_seconds_count{namespace="genai-portal",route="/v1/chat/completions"})',
      );
      return Number(count?.value[1]) >= calls;
    }, 20_000);
    // two evaluation intervals
    await new Promise(resolve => setTimeout(resolve, 2_500));
  }

  /** The alerts' states, once all of them evaluated fine. */
  async function states() {
    const all = await alertStates();
    return ALERTS.map(name => all[name]);
  }

  it('stays quiet while answers are fast and good, and alerts on slow answers, 5xx and a model server down', async () => {
    const good: number[] = [];
    for (let i = 0; i < 12; i++) good.push(await chat(FAST));
    expect(good.every(status => status === 200)).toBe(true);
    await scrapedAndEvaluated(12);
    expect(await states()).toEqual(['inactive', 'inactive', 'inactive']);

    // a fifth of the calls slow, and a model whose server is down (each call tries twice): over
    // the latency and availability targets, and over the model servers' failure rate
    const bad = await Promise.all([
      ...[1, 2, 3, 4, 5].map(() => chat(SLOW)),
      ...Array.from({ length: 12 }, () => chat(DOWN)),
    ]);
    expect(bad).toEqual([...Array(5).fill(200), ...Array(12).fill(502)]);
    expect(await chat(FAST, true)).toBe(200);
    await scrapedAndEvaluated(30);
    await waitFor(
      async () => (await states()).every(state => state === 'pending'),
      10_000,
    ).catch(async () => {
      throw new Error(
        `alerts not all pending: ${JSON.stringify(await alertStates())}`,
      );
    });
  });

  it('answers every query of the Grafana dashboard with series', async () => {
    const dashboard = JSON.parse(fs.readFileSync(DASHBOARD, 'utf8'));
    const queries: Array<{ panel: string; expr: string }> =
      dashboard.panels.flatMap((p: any) =>
        p.targets.map((t: any) => ({ panel: p.title, expr: t.expr })),
      );
    expect(queries.length).toBeGreaterThanOrEqual(6);
    const empty: string[] = [];
    for (const { panel, expr } of queries) {
      const res = await fetch(
        `${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`,
      );
      const body = await res.json();
      if (body.status !== 'success') {
        throw new Error(`${panel}: ${body.error ?? res.status}`);
      }
      if (body.data.result.length === 0) empty.push(`${panel}: ${expr}`);
    }
    expect(empty).toEqual([]);
  });
});
