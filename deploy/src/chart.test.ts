import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { ValidatingAdmissionPolicy } from 'kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy';
import { ValidatingAdmissionPolicyBinding } from 'kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding';
import { binary } from './tools';
import { byKind, chart, render, type Manifest } from './__testUtils__/render';

jest.setTimeout(60_000);

const root = path.resolve(__dirname, '..');

const validators: Record<string, new (data: any) => { validate(): void }> = {
  Deployment,
  Service,
  ServiceAccount,
  Secret,
  Namespace,
  PodDisruptionBudget,
  HorizontalPodAutoscaler,
  NetworkPolicy,
  ClusterRole,
  ClusterRoleBinding,
  ValidatingAdmissionPolicy,
  ValidatingAdmissionPolicyBinding,
  // OpenShift's Route has no model in kubernetes-models; its shape is checked below.
  Route: class {
    constructor(private readonly data: any) {}
    validate() {
      if (!this.data.spec?.to?.name)
        throw new Error('spec.to.name is required');
    }
  },
  // Nor has the Prometheus operator's ServiceMonitor: the fields it cannot do without.
  ServiceMonitor: class {
    constructor(private readonly data: any) {}
    validate() {
      if (this.data.apiVersion !== 'monitoring.coreos.com/v1')
        throw new Error('apiVersion must be monitoring.coreos.com/v1');
      if (!this.data.spec?.selector?.matchLabels)
        throw new Error('spec.selector.matchLabels is required');
      if (!this.data.spec?.endpoints?.[0]?.port)
        throw new Error('spec.endpoints[].port is required');
    }
  },
};

describe('the portal Helm chart', () => {
  it('passes helm lint', () => {
    expect(() =>
      execFileSync(binary('helm'), ['lint', '--strict', chart], {
        encoding: 'utf8',
      }),
    ).not.toThrow();
  });

  it('renders objects that pass the Kubernetes API schemas', () => {
    const manifests = render();
    expect(manifests.map(m => m.kind).sort()).toEqual([
      'ClusterRole',
      'ClusterRole',
      'ClusterRole',
      'ClusterRoleBinding',
      'ClusterRoleBinding',
      'Deployment',
      'HorizontalPodAutoscaler',
      'NetworkPolicy',
      'PodDisruptionBudget',
      'Route',
      'Secret',
      'Service',
      'Service',
      'ServiceAccount',
      'ServiceAccount',
      'ServiceMonitor',
      'ValidatingAdmissionPolicy',
      'ValidatingAdmissionPolicyBinding',
    ]);
    const invalid = manifests.flatMap(m => {
      const Model = validators[m.kind];
      try {
        new Model(m).validate();
        return [];
      } catch (e) {
        return [`${m.kind}/${m.metadata.name}: ${(e as Error).message}`];
      }
    });
    expect(invalid).toEqual([]);
    const [route] = byKind(manifests, 'Route');
    expect(route.apiVersion).toBe('route.openshift.io/v1');
    expect(route.spec.tls.termination).toBe('edge');
  });

  it('labels everything as the platform policy requires', () => {
    for (const m of render()) {
      expect(m.metadata.labels).toMatchObject({
        'security-level': 'high',
        'data-classification': 'internal',
      });
    }
  });

  it('runs every container under the restricted security context with probes', () => {
    const [deployment] = byKind(render(), 'Deployment');
    const containers = deployment.spec.template.spec.containers;
    expect(containers.map((c: any) => c.name)).toEqual([
      'backend',
      'oauth2-proxy',
    ]);
    for (const c of containers) {
      expect(c.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ['ALL'] },
      });
      expect(c.readinessProbe).toBeDefined();
      expect(c.resources.limits).toBeDefined();
    }
    const backend = containers[0];
    expect(backend.readinessProbe.httpGet.path).toBe(
      '/.backstage/health/v1/readiness',
    );
    expect(backend.args).toEqual([
      'packages/backend',
      '--config',
      'app-config.yaml',
      '--config',
      'app-config.production.yaml',
    ]);
  });

  it('keeps a replica through disruptions, for the 99.9% availability target', () => {
    const manifests = render();
    expect(byKind(manifests, 'PodDisruptionBudget')[0].spec.minAvailable).toBe(
      1,
    );
    expect(
      byKind(manifests, 'HorizontalPodAutoscaler')[0].spec.minReplicas,
    ).toBeGreaterThanOrEqual(2);
  });

  it('serves the backend directly when oauth2-proxy is turned off', () => {
    const manifests = render('oauth2Proxy.enabled=false');
    const [deployment] = byKind(manifests, 'Deployment');
    const containers = deployment.spec.template.spec.containers;
    expect(containers.map((c: any) => c.name)).toEqual(['backend']);
    // on every address then, as app-config.production.yaml says
    expect(
      containers[0].env.find(
        (e: any) => e.name === 'APP_CONFIG_backend_listen',
      ),
    ).toBeUndefined();
    expect(containers[0].ports).toEqual([
      { name: 'http', containerPort: 7007 },
    ]);
    expect(byKind(manifests, 'Service')[0].spec.ports[0].targetPort).toBe(
      'http',
    );
    expect(
      byKind(manifests, 'NetworkPolicy')[0].spec.ingress.map((rule: any) =>
        rule.ports.map((p: any) => p.port),
      ),
    ).toEqual([[7007], [7007]]);
  });

  it('has every replica scraped for the SLO alerts, through the proxy port with the scrape token', () => {
    const manifests = render();
    const [monitor] = byKind(manifests, 'ServiceMonitor');
    const metricsService = byKind(manifests, 'Service').find(s =>
      Object.entries(monitor.spec.selector.matchLabels).every(
        ([k, v]) => s.metadata.labels?.[k] === v,
      ),
    )!;
    // the ServiceMonitor picks the metrics Service alone, not the one behind the Route
    expect(metricsService.metadata.name).toBe('portal-metrics');
    const [endpoint] = monitor.spec.endpoints;
    expect(endpoint.path).toBe('/api/genai-playground/metrics');
    // with the token the production config gives the scraper, from the backend's own Secret
    expect(endpoint.authorization).toEqual({
      type: 'Bearer',
      credentials: { name: 'genai-portal-env', key: 'METRICS_SCRAPE_TOKEN' },
    });
    const port = metricsService.spec.ports.find(
      (p: any) => p.name === endpoint.port,
    );
    // the backend listens on loopback: the scrape goes through oauth2-proxy, whose
    // skip-auth-regex lets the path through to the backend's token check (proxy.test.ts)
    expect(port.targetPort).toBe('proxy');

    const off = render('monitoring.serviceMonitor=false');
    expect(byKind(off, 'ServiceMonitor')).toEqual([]);
    expect(byKind(off, 'Service')).toHaveLength(1);
  });

  it.each([
    ['monitoring.interval=often', 'monitoring.interval'],
    ['securityLevel=secret', 'securityLevel'],
    ['route.enabled=maybe', 'route.enabled'],
    ['replicaCount=0', 'replicaCount'],
  ])('refuses bad values (%s) naming the key', (value, key) => {
    expect(() => render(value)).toThrow(new RegExp(key.replace('.', '.*')));
  });
});

describe('the platform manifests', () => {
  it('build with kustomize into a labelled namespace, the label policy, the alerts and the dashboard', () => {
    const out = execFileSync(
      binary('kubectl'),
      ['kustomize', path.join(root, 'platform')],
      { encoding: 'utf8' },
    );
    const manifests: Manifest[] = parseAllDocuments(out).map(d => d.toJSON());
    expect(manifests.map(m => m.kind).sort()).toEqual([
      'ConfigMap',
      'ConstraintTemplate',
      'GrafanaDashboard',
      'K8sRequiredLabels',
      'Namespace',
      'PrometheusRule',
    ]);
    const [ns] = byKind(manifests, 'Namespace');
    expect(() => new Namespace(ns as any).validate()).not.toThrow();
    expect(ns.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
    });
    const [rule] = byKind(manifests, 'PrometheusRule');
    expect(JSON.stringify(rule.spec)).toContain(
      'http_request_duration_seconds',
    );
    // the Grafana Operator finds the dashboard's JSON in the ConfigMap kustomize made of it
    const [dashboard] = byKind(manifests, 'GrafanaDashboard');
    const [configMap] = byKind(manifests, 'ConfigMap') as any[];
    expect(dashboard.spec.configMapRef).toEqual({
      name: configMap.metadata.name,
      key: 'genai-gateway.json',
    });
    const json = JSON.parse(configMap.data['genai-gateway.json']);
    expect(json.uid).toBe('genai-gateway');
    expect(json.panels.length).toBeGreaterThanOrEqual(6);
    for (const m of [dashboard, configMap]) {
      expect(m.metadata.labels).toMatchObject({
        'security-level': 'high',
        'data-classification': 'internal',
      });
    }
  });
});
