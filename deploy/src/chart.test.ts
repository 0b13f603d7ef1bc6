import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { Secret } from 'kubernetes-models/v1/Secret';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { ResourceQuota } from 'kubernetes-models/v1/ResourceQuota';
import { LimitRange } from 'kubernetes-models/v1/LimitRange';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { ValidatingAdmissionPolicy } from 'kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy';
import { ValidatingAdmissionPolicyBinding } from 'kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding';
import { binary } from './tools';
import {
  byKind,
  chart,
  named,
  render,
  type Manifest,
} from './__testUtils__/render';

jest.setTimeout(60_000);

const root = path.resolve(__dirname, '..');

const validators: Record<string, new (data: any) => { validate(): void }> = {
  Deployment,
  Service,
  ServiceAccount,
  Secret,
  ConfigMap,
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
      'ClusterRoleBinding',
      'ConfigMap',
      'Deployment',
      'HorizontalPodAutoscaler',
      'NetworkPolicy',
      'NetworkPolicy',
      'PodDisruptionBudget',
      'Route',
      'Secret',
      'Secret',
      'Service',
      'Service',
      'ServiceAccount',
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

  it('lets the portal reach only DNS, the model servers, the querier and a few ports', () => {
    const egress = named(render(), 'NetworkPolicy', 'portal-egress');
    expect(egress.spec.policyTypes).toEqual(['Egress']);
    expect(egress.spec.podSelector.matchLabels).toEqual({
      'app.kubernetes.io/name': 'genai-portal',
      'app.kubernetes.io/instance': 'portal',
    });
    const [dns, models, querier, anywhere] = egress.spec.egress;
    expect(dns.to[0].namespaceSelector.matchExpressions[0].values).toEqual([
      'kube-system',
      'openshift-dns',
    ]);
    expect(dns.ports.map((p: any) => `${p.port}/${p.protocol}`)).toEqual([
      '53/UDP',
      '53/TCP',
      '5353/UDP',
      '5353/TCP',
    ]);
    // vLLM in the portal's environments, on the deploy config's port
    expect(models.to).toEqual([
      {
        namespaceSelector: {
          matchLabels: {
            'app.kubernetes.io/managed-by': 'genai-playground-portal',
          },
        },
        podSelector: {
          matchLabels: { 'app.kubernetes.io/component': 'model-server' },
        },
      },
    ]);
    expect(models.ports).toEqual([{ port: 8000, protocol: 'TCP' }]);
    expect(querier).toEqual({
      to: [
        {
          namespaceSelector: {
            matchLabels: {
              'kubernetes.io/metadata.name': 'openshift-monitoring',
            },
          },
        },
      ],
      ports: [{ port: 9091, protocol: 'TCP' }],
    });
    // every rule names its destinations or its ports: none is open to everything
    expect(anywhere.to).toBeUndefined();
    expect(anywhere.ports.map((p: any) => p.port)).toEqual([
      443, 6443, 5432, 6379,
    ]);

    // without Prometheus, no way to the querier
    const off = named(
      render('genaiInsights.prometheus.enabled=false'),
      'NetworkPolicy',
      'portal-egress',
    );
    expect(off.spec.egress).toHaveLength(3);
    expect(JSON.stringify(off.spec.egress)).not.toContain('9091');
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

  it("reads GPU activity from the Thanos querier with its own identity's token, trusting the service CA", () => {
    const manifests = render();
    const [deployment] = byKind(manifests, 'Deployment');
    const pod = deployment.spec.template.spec;
    const backend = pod.containers[0];
    const env = (name: string) => backend.env.find((e: any) => e.name === name);
    // The chart's app-config: APP_CONFIG_* on top of app-config.production.yaml.
    expect(env('APP_CONFIG_genaiInsights_prometheus_baseUrl')?.value).toBe(
      'https://thanos-querier.openshift-monitoring.svc:9091',
    );
    expect(env('APP_CONFIG_genaiInsights_prometheus_token')?.valueFrom).toEqual(
      {
        secretKeyRef: { name: 'portal-metrics-reader-token', key: 'token' },
      },
    );
    expect(
      env('APP_CONFIG_genaiInsights_prometheus_timeoutSeconds')?.value,
    ).toBe('10');
    expect(env('APP_CONFIG_genaiInsights_prometheus_podLabel')?.value).toBe(
      'pod',
    );
    expect(
      env('APP_CONFIG_genaiInsights_prometheus_namespaceLabel')?.value,
    ).toBe('namespace');
    expect(
      env('APP_CONFIG_genaiInsights_prometheus_scrapeIntervalSeconds')?.value,
    ).toBe('15');
    // every key is one the plugin declares under genaiInsights.prometheus
    const declared = fs.readFileSync(
      path.join(root, '../plugins/genai-insights-backend/config.d.ts'),
      'utf8',
    );
    const start = declared.indexOf('prometheus?: {');
    const block = declared.slice(start, declared.indexOf('\n    };', start));
    expect(block).toContain('baseUrl: string;');
    const keys: string[] = backend.env.flatMap(
      (e: any) =>
        e.name.match(/^APP_CONFIG_genaiInsights_prometheus_(\w+)$/)?.[1] ?? [],
    );
    expect(keys).toEqual([
      'baseUrl',
      'token',
      'timeoutSeconds',
      'podLabel',
      'namespaceLabel',
      'scrapeIntervalSeconds',
    ]);
    expect(
      [...keys, 'metricPrefix'].filter(
        k => !new RegExp(`\\b${k}\\??:`).test(block),
      ),
    ).toEqual([]);
    // no empty prefix: the config's default ('') holds
    expect(
      env('APP_CONFIG_genaiInsights_prometheus_metricPrefix'),
    ).toBeUndefined();

    // The token is a ServiceAccount's of its own, bound to cluster-monitoring-view alone (9091).
    const token = named(manifests, 'Secret', 'portal-metrics-reader-token');
    expect(token.type).toBe('kubernetes.io/service-account-token');
    expect(token.metadata.annotations).toEqual({
      'kubernetes.io/service-account.name': 'portal-metrics-reader',
    });
    expect(
      named(manifests, 'ServiceAccount', 'portal-metrics-reader')
        .automountServiceAccountToken,
    ).toBe(false);
    const binding = named(
      manifests,
      'ClusterRoleBinding',
      'portal-metrics-reader',
    );
    expect(binding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'cluster-monitoring-view',
    });
    expect(binding.subjects).toEqual([
      {
        kind: 'ServiceAccount',
        name: 'portal-metrics-reader',
        namespace: 'genai-portal',
      },
    ]);

    // Node trusts OpenShift's service CA, which the operator injects into the ConfigMap.
    const ca = named(manifests, 'ConfigMap', 'portal-service-ca');
    expect(ca.metadata.annotations).toEqual({
      'service.beta.openshift.io/inject-cabundle': 'true',
    });
    expect(env('NODE_EXTRA_CA_CERTS')?.value).toBe(
      '/etc/service-ca/service-ca.crt',
    );
    const mount = backend.volumeMounts.find(
      (m: any) => m.name === 'service-ca',
    );
    expect(mount).toEqual({
      name: 'service-ca',
      mountPath: '/etc/service-ca',
      readOnly: true,
    });
    expect(pod.volumes.find((v: any) => v.name === 'service-ca')).toEqual({
      name: 'service-ca',
      configMap: { name: 'portal-service-ca' },
    });

    // The exporter's labels as user workload monitoring leaves them, and a prefix.
    const uwm = byKind(
      render(
        'genaiInsights.prometheus.podLabel=exported_pod',
        'genaiInsights.prometheus.namespaceLabel=exported_namespace',
        'genaiInsights.prometheus.metricPrefix=amd_',
      ),
      'Deployment',
    )[0].spec.template.spec.containers[0].env;
    expect(
      uwm
        .filter((e: any) =>
          /^APP_CONFIG_genaiInsights_prometheus_(podLabel|namespaceLabel|metricPrefix)$/.test(
            e.name,
          ),
        )
        .map((e: any) => e.value),
    ).toEqual(['amd_', 'exported_pod', 'exported_namespace']);

    // Off: no key (the pages show allocation only), no identity, no binding, no CA.
    const off = render('genaiInsights.prometheus.enabled=false');
    const offEnv = byKind(off, 'Deployment')[0].spec.template.spec.containers[0]
      .env;
    expect(
      offEnv.filter(
        (e: any) =>
          e.name.startsWith('APP_CONFIG_genaiInsights') ||
          e.name === 'NODE_EXTRA_CA_CERTS',
      ),
    ).toEqual([]);
    expect(
      off.filter(m => m.metadata.name.startsWith('portal-metrics-reader')),
    ).toEqual([]);
    expect(byKind(off, 'ConfigMap')).toEqual([]);
  });

  it("scrapes AMD's device-metrics-exporter with honorLabels when asked, in the exporter's namespace", () => {
    // off by default: the GPU operator may make its own
    expect(
      byKind(render(), 'ServiceMonitor').map(m => m.metadata.name),
    ).toEqual(['portal']);
    const monitor = byKind(
      render('amdGpuMetrics.serviceMonitor.enabled=true'),
      'ServiceMonitor',
    ).find(m => m.metadata.name === 'portal-amd-gpu-metrics')!;
    expect(() =>
      new validators.ServiceMonitor(monitor).validate(),
    ).not.toThrow();
    expect(monitor.metadata.namespace).toBe('kube-amd-gpu');
    expect(monitor.metadata.labels).toMatchObject({
      'security-level': 'high',
      'data-classification': 'internal',
    });
    // the GPU operator's exporter Service (<DeviceConfig>-metrics-exporter, port exporter-port)
    expect(monitor.spec.selector.matchLabels).toEqual({
      'app.kubernetes.io/service': 'default-metrics-exporter',
    });
    expect(monitor.spec.endpoints).toEqual([
      {
        port: 'exporter-port',
        path: '/metrics',
        interval: '15s',
        // the workload's pod/namespace, not exported_pod/exported_namespace
        honorLabels: true,
      },
    ]);
  });

  it.each([
    ['monitoring.interval=often', 'monitoring.interval'],
    ['genaiInsights.prometheus.podLabel=pod-name', 'podLabel'],
    ['amdGpuMetrics.serviceMonitor.interval=soon', 'interval'],
    ['securityLevel=secret', 'securityLevel'],
    ['route.enabled=maybe', 'route.enabled'],
    ['replicaCount=0', 'replicaCount'],
    ['networkPolicy.egress.modelServerPort=0', 'modelServerPort'],
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
      'LimitRange',
      'Namespace',
      'NetworkPolicy',
      'NetworkPolicy',
      'PrometheusRule',
      'ResourceQuota',
    ]);
    const [ns] = byKind(manifests, 'Namespace');
    expect(() => new Namespace(ns as any).validate()).not.toThrow();
    // the namespace's guardrails, as the Kubernetes API takes them
    for (const m of manifests.filter(x =>
      ['NetworkPolicy', 'ResourceQuota', 'LimitRange'].includes(x.kind),
    )) {
      const Model = { NetworkPolicy, ResourceQuota, LimitRange }[
        m.kind as 'NetworkPolicy'
      ];
      expect(() => new Model(m as any).validate()).not.toThrow();
      expect(m.metadata.namespace).toBe('genai-portal');
    }
    expect(ns.metadata.annotations).toEqual({
      'genai-playground.io/cost-center': 'CC-1000',
      'genai-playground.io/budget': '2000 USD',
    });
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
