import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parser } from '@prometheus-io/lezer-promql';
import { startKubeSim } from '@genai-portal/kube-sim';
import { startLlmSim } from '@genai-portal/llm-sim';
// The portal's metrics are a class of the plugin's, not part of its public API.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports, @backstage/no-forbidden-package-imports
import { GatewayMetrics } from '@genai-portal/plugin-genai-playground-backend/src/inference/metrics/GatewayMetrics';
import { describeWithPrometheus } from '@genai-portal/test-utils';
import { parseAllDocuments, stringify } from 'yaml';
import { binary } from './tools';
import type { Manifest } from './__testUtils__/render';
import {
  ENVIRONMENTS,
  layerNames,
  layersDir,
  renderLayer,
} from './__testUtils__/layers';

/*
 * The platform's alerts and dashboards ask for metrics that exist: every PrometheusRule of every
 * layer (each environment) and of deploy/platform is valid for promtool, the observability layer's
 * main alerts fire on the series that should fire them and stay silent otherwise (its promtool unit
 * tests), and every metric an alert or a dashboard query names is published by a simulator the
 * project runs (kube-sim's AMD exporter, llm-sim's vLLM, the portal) or is on the list below of real
 * exporters' metrics the simulators do not have. A misspelt GPU or vLLM metric fails here.
 */

jest.setTimeout(120_000);

/** Debian's promtool (package `prometheus`, which .ci/run installs). */
const PROMTOOL = '/usr/bin/promtool';
const root = path.resolve(__dirname, '..');
const OBSERVABILITY_TESTS = path.join(layersDir, 'observability', 'tests');

/** Metrics of real exporters no simulator publishes, with the reason each is trusted. */
const REAL_EXPORTER_METRICS: Record<string, string> = {
  up: "Prometheus's own series for every scrape target",
  gpu_ecc_uncorrect_total:
    "AMD device-metrics-exporter's GPU_ECC_UNCORRECT_TOTAL; kube-sim simulates no memory errors",
  kube_resourcequota:
    "kube-state-metrics (OpenShift's platform monitoring): each ResourceQuota's hard and used",
  kubelet_volume_stats_available_bytes:
    "the kubelet's volume stats (OpenShift's platform monitoring)",
  kubelet_volume_stats_capacity_bytes:
    "the kubelet's volume stats (OpenShift's platform monitoring)",
  cnpg_collector_up:
    "CloudNativePG's instance exporter: whether it reaches its PostgreSQL",
  cnpg_collector_last_failed_backup_timestamp:
    "CloudNativePG's instance exporter (in-tree barmanObjectStore backups)",
  cnpg_collector_last_available_backup_timestamp:
    "CloudNativePG's instance exporter (in-tree barmanObjectStore backups)",
  redis_up:
    'the Redis exporter (oliver006/redis_exporter): whether it reaches Redis',
  velero_backup_failure_total: "Velero's server (OADP), per schedule",
};

/** The metric names of a Prometheus exposition, with each histogram's and summary's series. */
function exposedNames(exposition: string): string[] {
  return [...exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)].flatMap(
    ([, name, type]) => {
      if (type === 'histogram')
        return [`${name}_bucket`, `${name}_sum`, `${name}_count`];
      if (type === 'summary') return [name, `${name}_sum`, `${name}_count`];
      return [name];
    },
  );
}

/** What the simulators and the portal publish, read from their own /metrics. */
async function simulatedMetricNames(): Promise<Set<string>> {
  const kube = await startKubeSim({ port: 0 });
  const llm = await startLlmSim({ models: [{ id: 'sim/model' }] });
  try {
    const scrape = async (url: string) => (await fetch(url)).text();
    return new Set([
      ...exposedNames(await scrape(`${kube.url}/metrics`)),
      ...exposedNames(await scrape(`${llm.url}/metrics`)),
      ...exposedNames(await new GatewayMetrics().registry.metrics()),
    ]);
  } finally {
    await llm.close();
    await kube.close();
  }
}

/** The metric names a PromQL expression selects; throws when it does not parse. */
function metricNamesOf(expr: string): string[] {
  const names: string[] = [];
  const cursor = parser.parse(expr).cursor();
  do {
    if (cursor.type.isError)
      throw new Error(`not PromQL at ${cursor.from}: ${expr}`);
    if (
      cursor.name === 'Identifier' &&
      cursor.node.parent?.name === 'VectorSelector'
    )
      names.push(expr.slice(cursor.from, cursor.to));
  } while (cursor.next());
  return names;
}

/** `where: name` of each metric the queries name that is neither simulated nor listed. */
function unknownMetrics(queries: Query[], simulated: Set<string>): string[] {
  const unknown = queries.flatMap(q =>
    metricNamesOf(q.expr)
      .filter(name => !simulated.has(name) && !REAL_EXPORTER_METRICS[name])
      .map(name => `${q.where}: ${name}`),
  );
  return [...new Set(unknown)];
}

/** The platform's manifests as kustomize builds them. */
function platform(): Manifest[] {
  const out = execFileSync(
    binary('kubectl'),
    ['kustomize', path.join(root, 'platform')],
    { encoding: 'utf8' },
  );
  return parseAllDocuments(out).map(d => d.toJSON());
}

interface Source {
  where: string;
  manifests: Manifest[];
}

/** Every layer in every environment, and the platform's manifests. */
function everySource(): Source[] {
  return [
    ...ENVIRONMENTS.flatMap(env =>
      layerNames().map(layer => ({
        where: `${layer} (${env})`,
        manifests: renderLayer(layer, env),
      })),
    ),
    { where: 'deploy/platform', manifests: platform() },
  ];
}

interface Query {
  where: string;
  expr: string;
}

/** Every alerting and recording rule's expression. */
function ruleQueries({ where, manifests }: Source): Query[] {
  return manifests
    .filter(m => m.kind === 'PrometheusRule')
    .flatMap(m =>
      (m.spec?.groups ?? []).flatMap((g: any) =>
        g.rules.map((r: any) => ({
          where: `${where}: ${m.metadata.name} ${r.alert ?? r.record}`,
          expr: String(r.expr),
        })),
      ),
    );
}

/** A dashboard's panel queries and the PromQL inside its label_values() variables. */
function dashboardQueries(where: string, json: string): Query[] {
  const dashboard = JSON.parse(json);
  const panels = (dashboard.panels ?? []).flatMap((p: any) => [
    p,
    ...(p.panels ?? []),
  ]);
  const targets = panels.flatMap((p: any) =>
    (p.targets ?? []).map((t: any) => ({
      where: `${where}: ${dashboard.uid} "${p.title}"`,
      expr: String(t.expr),
    })),
  );
  const variables = (dashboard.templating?.list ?? []).flatMap((v: any) => {
    const inner = /^label_values\((.+),\s*\w+\)$/.exec(
      String(v.query?.query ?? v.query ?? ''),
    );
    return inner
      ? [{ where: `${where}: ${dashboard.uid} $${v.name}`, expr: inner[1] }]
      : [];
  });
  return [...targets, ...variables];
}

/** The dashboards' queries: GrafanaDashboards' inline JSON and dashboard ConfigMaps. */
function dashboardsOf({ where, manifests }: Source): Query[] {
  return manifests.flatMap(m => {
    if (m.kind === 'GrafanaDashboard' && m.spec?.json)
      return dashboardQueries(where, m.spec.json);
    if (m.kind === 'ConfigMap')
      return Object.entries<string>(m.data ?? {})
        .filter(([key]) => key.endsWith('.json'))
        .flatMap(([, json]) => dashboardQueries(where, json));
    return [];
  });
}

/** The observability layer's alerts, with --set values, as a promtool rule file's groups. */
function observabilityRuleFile(...set: string[]): string {
  const rule = renderLayer('observability', 'prod', ...set).find(
    m => m.kind === 'PrometheusRule',
  );
  return stringify({ groups: rule?.spec.groups });
}

/** Runs promtool; its exit status and what it printed. */
function promtool(...args: string[]) {
  const run = spawnSync(PROMTOOL, args, { encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** `promtool test rules` of the layer's unit tests against this rule file's text. */
function unitTest(rules: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alerts-'));
  try {
    fs.writeFileSync(path.join(dir, 'alerts.rules.yaml'), rules);
    fs.copyFileSync(
      path.join(OBSERVABILITY_TESTS, 'alerts.test.yaml'),
      path.join(dir, 'alerts.test.yaml'),
    );
    return promtool('test', 'rules', path.join(dir, 'alerts.test.yaml'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

let rendered: Source[] | undefined;
/** Rendered once for the whole file: helm and kustomize take seconds per layer. */
const sources = () => (rendered ??= everySource());

describe('the metric names of the alerts and dashboards', () => {
  let simulated: Set<string>;
  beforeAll(async () => {
    simulated = await simulatedMetricNames();
  });

  it('reads what the simulators publish', () => {
    // one of each: the AMD exporter (kube-sim), vLLM (llm-sim), the portal
    expect([...simulated]).toEqual(
      expect.arrayContaining([
        'gpu_gfx_activity',
        'vllm:num_requests_waiting',
        'vllm:e2e_request_latency_seconds_bucket',
        'http_request_duration_seconds_count',
      ]),
    );
  });

  it('finds the metric names in PromQL and refuses what is not PromQL', () => {
    expect(
      metricNamesOf(
        'sum by (m) (rate(vllm:generation_tokens_total{m=~"$model"}[5m])) / on() up > time()',
      ),
    ).toEqual(['vllm:generation_tokens_total', 'up']);
    expect(() => metricNamesOf('sum(rate(gpu_gfx_activity[5m])')).toThrow(
      /not PromQL/,
    );
  });

  it('finds alerts and dashboards to check', () => {
    const queries = sources().flatMap(s => [
      ...ruleQueries(s),
      ...dashboardsOf(s),
    ]);
    const where = (text: string) => queries.filter(q => q.where.includes(text));
    expect(where('GPUIdleWhileAllocated').length).toBeGreaterThan(0);
    expect(where('genai-gpu-fleet').length).toBeGreaterThan(0);
    expect(where('genai-inference').length).toBeGreaterThan(0);
    expect(where('genai-gateway').length).toBeGreaterThan(0);
  });

  it('names only metrics a simulator publishes or a listed real exporter has', () => {
    const queries = sources().flatMap(s => [
      ...ruleQueries(s),
      ...dashboardsOf(s),
    ]);
    expect(unknownMetrics(queries, simulated)).toEqual([]);
  });

  it('flags a misspelt GPU or vLLM metric', () => {
    const queries = [
      { where: 'alert', expr: 'amd_gpu_utilization < 5' },
      {
        where: 'panel',
        expr: 'sum(vllm:num_request_waiting) + gpu_gfx_activity',
      },
    ];
    expect(unknownMetrics(queries, simulated)).toEqual([
      'alert: amd_gpu_utilization',
      'panel: vllm:num_request_waiting',
    ]);
  });

  it('lists only real metrics the simulators lack and something uses', () => {
    const used = new Set(
      sources()
        .flatMap(s => [...ruleQueries(s), ...dashboardsOf(s)])
        .flatMap(q => metricNamesOf(q.expr)),
    );
    const listed = Object.keys(REAL_EXPORTER_METRICS);
    expect(listed.filter(name => simulated.has(name))).toEqual([]);
    expect(listed.filter(name => !used.has(name))).toEqual([]);
  });
});

describeWithPrometheus('the platform alerts under promtool', () => {
  it('passes `promtool check rules` for every PrometheusRule', () => {
    const rules = sources().flatMap(({ where, manifests }) =>
      manifests
        .filter(m => m.kind === 'PrometheusRule')
        .map(m => ({ where: `${where}: ${m.metadata.name}`, spec: m.spec })),
    );
    expect(rules.map(r => r.where)).toEqual(
      expect.arrayContaining([
        'deploy/platform: genai-portal-slo',
        'observability (prod): genai-platform-alerts',
      ]),
    );
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rules-'));
    try {
      const failures = rules.flatMap(({ where, spec }, i) => {
        const file = path.join(dir, `${i}.yaml`);
        fs.writeFileSync(file, stringify({ groups: spec.groups }));
        const { status, output } = promtool('check', 'rules', file);
        return status === 0 ? [] : [`${where}: ${output}`];
      });
      expect(failures).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails `promtool check rules` on a broken expression', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rules-'));
    try {
      const file = path.join(dir, 'broken.yaml');
      fs.writeFileSync(
        file,
        stringify({
          groups: [
            {
              name: 'g',
              rules: [{ alert: 'A', expr: 'sum(gpu_gfx_activity' }],
            },
          ],
        }),
      );
      expect(promtool('check', 'rules', file).status).not.toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fires the main alerts on the series that should fire them, and only on those', () => {
    const { status, output } = unitTest(observabilityRuleFile());
    expect(output).toContain('SUCCESS');
    expect(status).toBe(0);
  });

  it('fails the unit tests when an alert stops firing where it should', () => {
    // an idle threshold of 1%: the held GPU at 2% no longer counts as idle
    const { status, output } = unitTest(
      observabilityRuleFile('alerts.gpu.idlePercent=1'),
    );
    expect(status).not.toBe(0);
    expect(output).toContain('GPUIdleWhileAllocated');
  });
});

describe("the observability layer's alerts", () => {
  /** GitHub's anchor of each heading of the layer's README. */
  function readmeAnchors(): Set<string> {
    const readme = fs.readFileSync(
      path.join(layersDir, 'observability', 'README.md'),
      'utf8',
    );
    return new Set(
      [...readme.matchAll(/^#+ (.+)$/gm)].map(([, heading]) =>
        heading
          .trim()
          .toLowerCase()
          .replace(/[^\w\- ]/g, '')
          .replace(/ /g, '-'),
      ),
    );
  }

  it.each(ENVIRONMENTS)(
    'give each alert a severity, a summary, a description and a runbook in the README (%s)',
    environment => {
      const anchors = readmeAnchors();
      const alerts = renderLayer('observability', environment)
        .filter(m => m.kind === 'PrometheusRule')
        .flatMap(m => m.spec.groups.flatMap((g: any) => g.rules))
        .filter((r: any) => r.alert);
      expect(alerts.length).toBeGreaterThanOrEqual(15);
      const missing = alerts.flatMap((r: any) => {
        const problems: string[] = [];
        if (!['critical', 'warning', 'info'].includes(r.labels?.severity))
          problems.push('severity');
        if (!r.annotations?.summary) problems.push('summary');
        if (!r.annotations?.description) problems.push('description');
        const [file, anchor] = String(r.annotations?.runbook_url).split('#');
        if (
          file !== 'deploy/layers/observability/README.md' ||
          !anchors.has(anchor)
        )
          problems.push(`runbook ${r.annotations?.runbook_url}`);
        return problems.map(p => `${r.alert}: ${p}`);
      });
      expect(missing).toEqual([]);
    },
  );
});
