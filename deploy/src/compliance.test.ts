import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { createBuiltInChecks } from '@genai-portal/plugin-genai-insights-backend-module-policy-checks';
import type {
  CheckContext,
  EnvironmentObjects,
} from '@genai-portal/plugin-genai-insights-node';
import { binary } from './tools';
import { render, type Manifest } from './__testUtils__/render';
import {
  environmentsOf,
  placed,
  podsOf,
} from './__testUtils__/environmentObjects';
import {
  ENVIRONMENTS,
  layerNames,
  renderPlatform,
} from './__testUtils__/layers';

/*
 * The portal meets the policies it scores playground environments on: the chart as production
 * installs it and the platform's manifests, grouped per namespace as the compliance checks read a
 * cluster, go through every check of the policy-checks module with the production config's
 * context. A failure names the check, the object and the field to fix.
 */

jest.setTimeout(60_000);

const root = path.resolve(__dirname, '..');
const RELEASE_NAMESPACE = 'genai-portal';

/** A key of the production config: app-config.production.yaml over app-config.yaml. */
function productionConfig(key: string): unknown {
  const read = (file: string) =>
    key
      .split('.')
      .reduce<any>(
        (value, part) => value?.[part],
        parse(fs.readFileSync(path.join(root, '..', file), 'utf8')),
      );
  return read('app-config.production.yaml') ?? read('app-config.yaml');
}

/** The checks as the policy-checks module makes them from the production config. */
function productionChecks() {
  const gateway = productionConfig('genaiPlayground.gatewayNamespace');
  const router = productionConfig('genaiPlayground.routerNamespaceSelector');
  const platformNamespaces = productionConfig(
    'genaiInsights.compliance.platformNamespaces',
  );
  return createBuiltInChecks({
    gatewayNamespaces: typeof gateway === 'string' ? [gateway] : undefined,
    routerNamespaceSelector: router as Record<string, string> | undefined,
    platformNamespaces: Array.isArray(platformNamespaces)
      ? platformNamespaces
      : undefined,
  });
}

/**
 * What the insights backend gives checks in production: `genaiInsights.compliance`'s registries
 * (none configured: any) and pools (the defaults), on the `genaiInsights.gpu.poolLabel` label.
 */
function productionContext(): CheckContext {
  const registries = productionConfig(
    'genaiInsights.compliance.allowedRegistries',
  );
  const pools = (productionConfig('genaiInsights.compliance.pools') as
    | Array<{ name: string; workloadType: string }>
    | undefined) ?? [
    { name: 'mi355x', workloadType: 'inference' },
    { name: 'mi300x', workloadType: 'blueprint' },
  ];
  const poolLabel =
    (productionConfig('genaiInsights.gpu.poolLabel') as string | undefined) ??
    'gpu-type';
  return {
    now: new Date(),
    allowedRegistries: Array.isArray(registries) ? registries : [],
    pools: pools.map(p => ({
      name: p.name,
      nodeLabel: poolLabel,
      nodeLabelValue: p.name,
      workloadType: p.workloadType,
    })),
  };
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

/** The chart as production installs it (values.yaml) and the platform, in their namespaces. */
function installed(...set: string[]): Manifest[] {
  return placed([...render(...set), ...platform()], RELEASE_NAMESPACE);
}

interface Result {
  environment: string;
  checkId: string;
  status: 'pass' | 'fail' | 'not-applicable';
  failures: string[];
}

/** Every check over every environment, as the insights backend's evaluation runs them. */
async function evaluate(environments: EnvironmentObjects[]) {
  const checks = productionChecks();
  const context = productionContext();
  const results: Result[] = [];
  for (const environment of environments) {
    for (const check of checks) {
      const base = {
        environment: environment.namespace.metadata?.name ?? '',
        checkId: check.id,
      };
      if (!(check.appliesTo?.(environment, context) ?? true)) {
        results.push({ ...base, status: 'not-applicable', failures: [] });
        continue;
      }
      const failures = await check.evaluate(environment, context);
      results.push({
        ...base,
        status: failures.length ? 'fail' : 'pass',
        failures: failures.map(
          f => `${f.kind}/${f.name} ${f.fieldPath}: ${f.message}`,
        ),
      });
    }
  }
  return results;
}

/** One line per failure: what a reader fixes. */
const failing = (results: Result[]) =>
  results.flatMap(r =>
    r.failures.map(f => `${r.environment}: ${r.checkId}: ${f}`),
  );

describe('the portal against its own compliance checks', () => {
  it('turns the pod templates into the pods their controllers run', () => {
    const manifests = installed();
    const pods = podsOf(manifests);
    // the autoscaler's minimum: two replicas of the portal
    expect(pods.map(p => p.metadata?.name)).toEqual(['portal-0', 'portal-1']);
    expect(pods[0].metadata?.namespace).toBe(RELEASE_NAMESPACE);
    expect(pods[0].metadata?.labels).toMatchObject({
      'app.kubernetes.io/name': 'genai-portal',
      'security-level': 'high',
    });
    expect(
      pods[0].spec.containers.map((c: { name: string }) => c.name),
    ).toEqual(['backend', 'oauth2-proxy']);
    const [environment] = environmentsOf(manifests);
    expect(environment.namespace.metadata?.name).toBe(RELEASE_NAMESPACE);
    // the platform's own Namespace object, with its labels and annotations
    expect(environment.namespace.metadata?.labels).toMatchObject({
      'security-level': 'high',
    });
  });

  it('runs the pods of every kind of controller, in the namespace it lands in', () => {
    const template = (app: string) => ({
      metadata: { labels: { app } },
      spec: { containers: [{ name: app, image: `${app}:1` }] },
    });
    const manifests = placed(
      [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } },
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRole',
          metadata: { name: 'reader' },
        },
        {
          apiVersion: 'apps/v1',
          kind: 'StatefulSet',
          metadata: { name: 'db', namespace: 'other' },
          spec: { replicas: 3, template: template('db') },
        },
        {
          apiVersion: 'batch/v1',
          kind: 'Job',
          metadata: { name: 'migrate' },
          spec: { template: template('migrate') },
        },
        {
          apiVersion: 'batch/v1',
          kind: 'CronJob',
          metadata: { name: 'backup' },
          spec: { jobTemplate: { spec: { template: template('backup') } } },
        },
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'web' },
          spec: { template: template('web') },
        },
      ],
      RELEASE_NAMESPACE,
    );
    const environments = environmentsOf(manifests, [
      {
        kind: 'Namespace',
        metadata: { name: RELEASE_NAMESPACE, labels: { team: 'platform' } },
      },
    ]);
    expect(
      environments.map(e => ({
        namespace: e.namespace.metadata,
        pods: e.pods.map(p => `${p.metadata?.name}:${p.metadata?.labels?.app}`),
        statefulSets: e.statefulSets.length,
        jobs: e.jobs.length,
        deployments: e.deployments.map(d => d.spec.replicas),
      })),
    ).toEqual([
      {
        // the namespace the release is installed in, as given
        namespace: { name: RELEASE_NAMESPACE, labels: { team: 'platform' } },
        pods: ['migrate-0:migrate', 'backup-scheduled-0:backup', 'web-0:web'],
        statefulSets: 0,
        jobs: 1,
        // neither replicas nor an autoscaler: Kubernetes' default of one
        deployments: [1],
      },
      {
        namespace: { name: 'other' },
        pods: ['db-0:db', 'db-1:db', 'db-2:db'],
        statefulSets: 1,
        jobs: 0,
        deployments: [],
      },
    ]);
  });

  it('passes every check of the policy-checks module: 100%, no exception', async () => {
    const environments = environmentsOf(installed());
    expect(environments.map(e => e.namespace.metadata?.name)).toEqual([
      RELEASE_NAMESPACE,
    ]);
    const results = await evaluate(environments);
    // Every check ran (the module's whole list, whatever it holds), and none failed.
    expect(results.length).toBe(productionChecks().length);
    expect(productionChecks().length).toBeGreaterThanOrEqual(14);
    expect(failing(results)).toEqual([]);
    // The checks that look at what the portal runs did look, and passed.
    const status = Object.fromEntries(results.map(r => [r.checkId, r.status]));
    expect(status).toMatchObject({
      'required-labels': 'pass',
      'pod-security-restricted': 'pass',
      'resources-requests-limits': 'pass',
      'network-default-deny': 'pass',
      'network-egress-limited': 'pass',
      'quota-gpu': 'pass',
      'limit-range': 'pass',
      'cost-annotations': 'pass',
      'image-registry-and-tag': 'pass',
      'deployment-probes': 'pass',
      'pdb-for-replicas': 'pass',
      'network-ingress-allowed-only': 'pass',
      // no GPUs: nothing to place on a pool, nothing idle
      'gpu-pool-placement': 'not-applicable',
      // the portal is no environment: it holds no lease
      'lease-not-expired': 'not-applicable',
    });
  });

  it('names the check, the object and the field when the chart breaks a policy', async () => {
    const results = await evaluate(
      environmentsOf(
        installed(
          'oauth2Proxy.image=quay.io/openshift/origin-oauth-proxy:latest',
        ),
      ),
    );
    expect(failing(results)).toEqual([
      `genai-portal: image-registry-and-tag: Pod/portal-0 spec.containers[1].image: is 'quay.io/openshift/origin-oauth-proxy:latest', tagged latest`,
      `genai-portal: image-registry-and-tag: Pod/portal-1 spec.containers[1].image: is 'quay.io/openshift/origin-oauth-proxy:latest', tagged latest`,
    ]);
  });

  it('fails the namespace without the platform around the chart', async () => {
    const chartOnly = environmentsOf(placed(render(), RELEASE_NAMESPACE));
    const failed = (await evaluate(chartOnly))
      .filter(r => r.status === 'fail')
      .map(r => r.checkId);
    // the namespace's guardrails (labels, quota, defaults, default deny, cost) are the platform's
    expect(failed).toEqual(
      expect.arrayContaining([
        'required-labels',
        'network-default-deny',
        'quota-gpu',
        'limit-range',
        'cost-annotations',
      ]),
    );
  });
});

describe.each(ENVIRONMENTS)(
  'the platform layers of %s against the compliance checks',
  environment => {
    // Every object of a layer names its namespace: none may land in the one helm was given.
    const UNPLACED = 'no-namespace-given';

    it('places every namespaced object in a project of the platform', () => {
      const namespaces = environmentsOf(
        placed(renderPlatform(environment), UNPLACED),
      ).map(e => e.namespace.metadata?.name);
      expect(namespaces).not.toContain(UNPLACED);
      expect(layerNames().length).toBeGreaterThanOrEqual(8);
      // the projects and the operators' namespaces, each scored as an environment is
      expect(namespaces).toEqual(
        expect.arrayContaining([
          'genai-inference',
          'genai-data',
          'cnpg-system',
        ]),
      );
      // The production config names them all, so that the insights backend scores them with the
      // same trust between platform namespaces as here.
      const trusted = productionConfig(
        'genaiInsights.compliance.platformNamespaces',
      ) as string[];
      expect(namespaces.filter(n => !trusted.includes(n ?? ''))).toEqual([]);
    });

    it('passes every check in every project: 100%, no exception', async () => {
      const results = await evaluate(
        environmentsOf(placed(renderPlatform(environment), UNPLACED)),
      );
      expect(failing(results)).toEqual([]);
    });
  },
);
