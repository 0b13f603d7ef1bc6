import { execFileSync, execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { isDeepStrictEqual } from 'node:util';
import { parse } from 'yaml';
import { binary } from './tools';
import { chart, named, type Manifest } from './__testUtils__/render';
import { chartValues, helmTemplate } from './__testUtils__/helmTemplate';
import { ENVIRONMENTS } from './__testUtils__/layers';

/*
 * `helm upgrade` from the previous release to this chart: what Kubernetes refuses to change in
 * place (an upgrade then fails half-way), what a rename silently deletes and recreates, and a
 * rollout that would go below the PodDisruptionBudget. The previous release is kept packaged in
 * deploy/helm/releases, a chart repository (index.yaml) of its own.
 */

jest.setTimeout(60_000);

const releases = path.resolve(chart, '../releases');
const PREVIOUS = path.join(releases, 'genai-portal-0.1.0.tgz');

/**
 * Objects this chart version renames or drops on purpose, as `Kind/name`: an upgrade deletes
 * them. None so far: a rename orphans nothing but drops the object's state (a Secret's token,
 * a Service's clusterIP), so it must be listed here to pass.
 */
const INTENDED_REMOVALS: string[] = [];

const key = (m: Manifest) =>
  `${m.kind}/${m.metadata.namespace ? `${m.metadata.namespace}/` : ''}${
    m.metadata.name
  }`;

/** Why `helm upgrade` from `before` to `after` would fail or lose objects; empty when it is safe. */
function upgradeProblems(before: Manifest[], after: Manifest[]): string[] {
  const next = new Map(after.map(m => [key(m), m]));
  const problems: string[] = [];
  const changed = (m: Manifest, field: string, a: unknown, b: unknown) => {
    if (!isDeepStrictEqual(a, b))
      problems.push(`${key(m)}: ${field} cannot change in place`);
  };
  for (const old of before) {
    const m = next.get(key(old));
    if (!m) {
      if (!INTENDED_REMOVALS.includes(`${old.kind}/${old.metadata.name}`))
        problems.push(`${key(old)}: deleted (renamed or dropped)`);
      continue;
    }
    if (m.apiVersion.split('/')[0] !== old.apiVersion.split('/')[0])
      problems.push(`${key(m)}: moved API group`);
    switch (m.kind) {
      case 'Deployment':
      case 'DaemonSet':
      case 'ReplicaSet':
        changed(m, 'spec.selector', old.spec?.selector, m.spec?.selector);
        break;
      case 'StatefulSet':
        changed(m, 'spec.selector', old.spec?.selector, m.spec?.selector);
        changed(
          m,
          'spec.serviceName',
          old.spec?.serviceName,
          m.spec?.serviceName,
        );
        changed(
          m,
          'spec.volumeClaimTemplates',
          old.spec?.volumeClaimTemplates,
          m.spec?.volumeClaimTemplates,
        );
        break;
      case 'Service':
        changed(m, 'spec.clusterIP', old.spec?.clusterIP, m.spec?.clusterIP);
        changed(
          m,
          'spec.type',
          old.spec?.type ?? 'ClusterIP',
          m.spec?.type ?? 'ClusterIP',
        );
        break;
      case 'PodDisruptionBudget':
        // Allowed by the API, but the budget would guard other pods than the ones being rolled.
        changed(m, 'spec.selector', old.spec?.selector, m.spec?.selector);
        break;
      case 'Job':
        changed(m, 'spec.template', old.spec?.template, m.spec?.template);
        break;
      case 'Secret':
        changed(m, 'type', old.type, m.type);
        break;
      default:
    }
  }
  return problems;
}

/** A rolling-update field (a count or a percentage of the replicas) as a number of pods. */
function pods(value: number | string, replicas: number, round: 'up' | 'down') {
  if (typeof value === 'number') return value;
  const share = (replicas * Number(value.replace('%', ''))) / 100;
  return round === 'up' ? Math.ceil(share) : Math.floor(share);
}

/** The fewest available pods during a rollout, and the fewest the disruption budget wants. */
function rolloutFloor(manifests: Manifest[], replicas: number) {
  const deployment = named(manifests, 'Deployment', 'portal');
  const pdb = named(manifests, 'PodDisruptionBudget', 'portal').spec;
  const { maxUnavailable = '25%' } =
    deployment.spec.strategy.rollingUpdate ?? {};
  return {
    lowest: replicas - pods(maxUnavailable, replicas, 'down'),
    budget:
      pdb.minAvailable !== undefined
        ? pods(pdb.minAvailable, replicas, 'up')
        : replicas - pods(pdb.maxUnavailable, replicas, 'down'),
  };
}

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'portal-upgrade-'));

/** The values file the previous release was installed with: its own values.yaml. */
function previousValues(): string {
  const file = path.join(tmp(), 'values-0.1.0.yaml');
  fs.writeFileSync(
    file,
    execFileSync(binary('helm'), ['show', 'values', PREVIOUS], {
      encoding: 'utf8',
    }),
  );
  return file;
}

describe('the previous release, kept as a chart repository', () => {
  let server: Server;
  let url: string;

  beforeAll(async () => {
    // Served over HTTP on the loopback, as helm reads any chart repository.
    server = createServer((req, res) => {
      const file = path.join(releases, path.basename(req.url ?? '/'));
      if (!fs.existsSync(file)) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200).end(fs.readFileSync(file));
    });
    await new Promise<void>(done => server.listen(0, '127.0.0.1', done));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise(done => server.close(done)));

  it('indexes every packaged release with its digest', () => {
    const index = parse(
      fs.readFileSync(path.join(releases, 'index.yaml'), 'utf8'),
    );
    const packaged = fs
      .readdirSync(releases)
      .filter(f => f.endsWith('.tgz'))
      .sort();
    const entries = index.entries['genai-portal'] as Array<{
      version: string;
      urls: string[];
      digest: string;
    }>;
    expect(entries.map(e => e.urls[0]).sort()).toEqual(packaged);
    for (const entry of entries) {
      const digest = createHash('sha256')
        .update(fs.readFileSync(path.join(releases, entry.urls[0])))
        .digest('hex');
      expect(entry.digest).toBe(digest);
      expect(entry.urls[0]).toBe(`genai-portal-${entry.version}.tgz`);
    }
    // the chart moves past every release it may upgrade from
    const version = (v: string) => v.split('.').map(Number);
    const current = version(
      parse(fs.readFileSync(path.join(chart, 'Chart.yaml'), 'utf8')).version,
    );
    for (const entry of entries) {
      const released = version(entry.version);
      const newer = current.findIndex((n, i) => n !== released[i]);
      expect(newer).toBeGreaterThanOrEqual(0);
      expect(current[newer]).toBeGreaterThan(released[newer]);
    }
  });

  it('is pulled by helm from the repository', async () => {
    const home = tmp();
    const env = {
      ...process.env,
      HELM_CACHE_HOME: path.join(home, 'cache'),
      HELM_CONFIG_HOME: path.join(home, 'config'),
      HELM_DATA_HOME: path.join(home, 'data'),
    };
    await promisify(execFile)(
      binary('helm'),
      [
        'pull',
        'genai-portal',
        '--repo',
        url,
        '--version',
        '0.1.0',
        '--destination',
        home,
      ],
      { env },
    );
    expect(fs.readFileSync(path.join(home, 'genai-portal-0.1.0.tgz'))).toEqual(
      fs.readFileSync(PREVIOUS),
    );
  });
});

describe('helm upgrade from 0.1.0', () => {
  it("accepts the previous release's values and changes nothing Kubernetes keeps immutable", () => {
    const values = previousValues();
    const before = helmTemplate(PREVIOUS, [values]);
    const after = helmTemplate(chart, [values]);
    expect(before.length).toBeGreaterThan(10);
    expect(upgradeProblems(before, after)).toEqual([]);
    // what the upgrade adds
    const added = after.map(key).filter(k => !before.some(m => key(m) === k));
    expect(added.sort()).toEqual(['VerticalPodAutoscaler/portal']);
  });

  it.each(ENVIRONMENTS)(
    'upgrades %s from 0.1.0 with that environment’s values',
    environment => {
      const files = [path.join(chart, 'values.yaml'), chartValues(environment)];
      const before = helmTemplate(PREVIOUS, [previousValues()]);
      expect(upgradeProblems(before, helmTemplate(chart, files))).toEqual([]);
    },
  );

  it('catches a chart whose Deployment selector or object names changed', () => {
    // this chart with a component label added to the selector and the metrics Service renamed
    const broken = path.join(tmp(), 'genai-portal');
    fs.cpSync(chart, broken, { recursive: true });
    const helpers = path.join(broken, 'templates/_helpers.tpl');
    fs.writeFileSync(
      helpers,
      fs
        .readFileSync(helpers, 'utf8')
        .replace(
          /(define "genai-portal.selector" -}}\n)/,
          '$1app.kubernetes.io/component: portal\n',
        ),
    );
    const monitoring = path.join(broken, 'templates/monitoring.yaml');
    fs.writeFileSync(
      monitoring,
      fs
        .readFileSync(monitoring, 'utf8')
        .replace(
          'name: {{ include "genai-portal.name" . }}-metrics',
          'name: metrics',
        ),
    );
    const values = previousValues();
    expect(
      upgradeProblems(
        helmTemplate(PREVIOUS, [values]),
        helmTemplate(broken, [values]),
      ).sort(),
    ).toEqual([
      'Deployment/portal: spec.selector cannot change in place',
      'PodDisruptionBudget/portal: spec.selector cannot change in place',
      'Service/portal-metrics: deleted (renamed or dropped)',
    ]);
  });

  it('catches a Service turned into another type and a Job whose template changed', () => {
    const job = (image: string): Manifest => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'migrate' },
      spec: { template: { spec: { containers: [{ name: 'm', image }] } } },
    });
    const service = (type?: string): Manifest => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'portal' },
      spec: { type, ports: [{ port: 80 }] },
    });
    expect(
      upgradeProblems(
        [job('a:1'), service()],
        [job('a:2'), service('LoadBalancer')],
      ),
    ).toEqual([
      'Job/migrate: spec.template cannot change in place',
      'Service/portal: spec.type cannot change in place',
    ]);
    expect(upgradeProblems([service()], [service('ClusterIP')])).toEqual([]);
  });
});

describe.each(ENVIRONMENTS)('the chart with the %s values', environment => {
  const files = () => [
    path.join(chart, 'values.yaml'),
    chartValues(environment),
  ];

  it('passes helm lint --strict', () => {
    expect(() =>
      execFileSync(
        binary('helm'),
        ['lint', '--strict', chart, ...files().flatMap(f => ['-f', f])],
        { encoding: 'utf8' },
      ),
    ).not.toThrow();
  });

  it('never rolls out below the disruption budget, at any size the autoscaler picks', () => {
    const manifests = helmTemplate(chart, files());
    const deployment = named(manifests, 'Deployment', 'portal');
    expect(deployment.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
    const hpa = named(manifests, 'HorizontalPodAutoscaler', 'portal').spec;
    for (let r = hpa.minReplicas; r <= hpa.maxReplicas; r++) {
      const { lowest, budget } = rolloutFloor(manifests, r);
      expect({ replicas: r, lowest }).toEqual({ replicas: r, lowest: r });
      expect(budget).toBeLessThanOrEqual(lowest);
    }
  });
});

describe('the rollout floor', () => {
  it('sees a rollout that would take pods below the budget', () => {
    const manifests = helmTemplate(chart, [
      path.join(chart, 'values.yaml'),
    ]).map(m =>
      m.kind === 'Deployment'
        ? {
            ...m,
            spec: {
              ...m.spec,
              strategy: { rollingUpdate: { maxUnavailable: '50%' } },
            },
          }
        : m,
    );
    // four replicas, two of them down at once, while the budget keeps three
    expect(rolloutFloor(manifests, 4)).toEqual({ lowest: 2, budget: 3 });
  });
});
