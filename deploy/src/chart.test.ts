import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
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
import { chartValues, helmTemplate } from './__testUtils__/helmTemplate';
import { ENVIRONMENTS, layersDir } from './__testUtils__/layers';

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
  // Nor has the VerticalPodAutoscaler (autoscaling.k8s.io/v1): the fields it cannot do without.
  VerticalPodAutoscaler: class {
    constructor(private readonly data: any) {}
    validate() {
      if (this.data.apiVersion !== 'autoscaling.k8s.io/v1')
        throw new Error('apiVersion must be autoscaling.k8s.io/v1');
      if (!this.data.spec?.targetRef?.name)
        throw new Error('spec.targetRef.name is required');
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
      'VerticalPodAutoscaler',
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
    const [pdb] = byKind(manifests, 'PodDisruptionBudget');
    expect(pdb.spec.maxUnavailable).toBe(1);
    expect(pdb.spec.minAvailable).toBeUndefined();
    expect(
      byKind(manifests, 'HorizontalPodAutoscaler')[0].spec.minReplicas,
    ).toBeGreaterThanOrEqual(2);
  });

  it('drains a pod from the router before stopping it, within the grace period', () => {
    const [deployment] = byKind(render(), 'Deployment');
    const pod = deployment.spec.template.spec;
    expect(deployment.spec.strategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: 0, maxSurge: 1 },
    });
    // Both containers wait: a request still routed to the pod needs the proxy and the backend.
    for (const c of pod.containers) {
      expect(c.lifecycle).toEqual({ preStop: { sleep: { seconds: 10 } } });
    }
    // the sleep, then 30 s for the backend's requests in flight and its own shutdown (8 s measured)
    expect(pod.terminationGracePeriodSeconds).toBe(45);
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(
      pod.containers[0].lifecycle.preStop.sleep.seconds + 30,
    );
    const longer = byKind(
      render('terminationGracePeriodSeconds=90', 'preStopSleepSeconds=20'),
      'Deployment',
    )[0].spec.template.spec;
    expect(longer.terminationGracePeriodSeconds).toBe(90);
    expect(longer.containers[1].lifecycle.preStop.sleep.seconds).toBe(20);
  });

  it('spreads the replicas over zones and nodes without refusing to schedule them', () => {
    const spec = (...set: string[]) =>
      byKind(render(...set), 'Deployment')[0].spec.template.spec;
    const constraints = spec().topologySpreadConstraints;
    expect(constraints.map((c: any) => c.topologyKey)).toEqual([
      'topology.kubernetes.io/zone',
      'kubernetes.io/hostname',
    ]);
    for (const c of constraints) {
      expect(c).toMatchObject({
        maxSkew: 1,
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: {
          matchLabels: {
            'app.kubernetes.io/name': 'genai-portal',
            'app.kubernetes.io/instance': 'portal',
          },
        },
        matchLabelKeys: ['pod-template-hash'],
      });
    }
    expect(
      spec('topologySpread.enabled=false').topologySpreadConstraints,
    ).toBeUndefined();
  });

  it('recommends requests with a VerticalPodAutoscaler that changes nothing itself', () => {
    const vpa = named(render(), 'VerticalPodAutoscaler', 'portal');
    expect(vpa.spec.targetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'portal',
    });
    // "Off": no eviction, no resize, so the CPU autoscaler's basis (the requests) stays put
    expect(vpa.spec.updatePolicy).toEqual({ updateMode: 'Off' });
    expect(vpa.metadata.annotations).toEqual({
      'argocd.argoproj.io/sync-options': 'SkipDryRunOnMissingResource=true',
    });
    expect(
      byKind(
        render('verticalPodAutoscaler.enabled=false'),
        'VerticalPodAutoscaler',
      ),
    ).toEqual([]);
  });

  it('gives the Route a streaming timeout, HSTS and per-client rate limits', () => {
    const route = named(render(), 'Route', 'portal');
    expect(route.metadata.annotations).toEqual({
      'haproxy.router.openshift.io/timeout': '600s',
      'haproxy.router.openshift.io/hsts_header':
        'max-age=31536000;includeSubDomains',
      'haproxy.router.openshift.io/rate-limit-connections': 'true',
      'haproxy.router.openshift.io/rate-limit-connections.concurrent-tcp':
        '100',
      'haproxy.router.openshift.io/rate-limit-connections.rate-http': '300',
    });
    // HSTS needs a TLS route; the router terminates it (the proxy speaks HTTP)
    expect(route.spec.tls).toEqual({
      termination: 'edge',
      insecureEdgeTerminationPolicy: 'Redirect',
    });
    const unlimited = named(
      render('route.rateLimit.enabled=false', 'route.timeout=20m'),
      'Route',
      'portal',
    );
    expect(unlimited.metadata.annotations).toEqual({
      'haproxy.router.openshift.io/timeout': '20m',
      'haproxy.router.openshift.io/hsts_header':
        'max-age=31536000;includeSubDomains',
    });
  });

  it('sends traces to the collector only when tracing is on, and lets them out', () => {
    const backendEnv = (manifests: Manifest[]) =>
      byKind(manifests, 'Deployment')[0].spec.template.spec.containers[0].env;
    const otel = (manifests: Manifest[]) =>
      backendEnv(manifests).filter((e: any) => e.name.startsWith('OTEL_'));
    const egress = (manifests: Manifest[]) =>
      named(manifests, 'NetworkPolicy', 'portal-egress').spec.egress;

    const off = render();
    expect(otel(off)).toEqual([]);
    expect(JSON.stringify(egress(off))).not.toContain('genai-monitoring');

    const on = render('tracing.enabled=true');
    expect(otel(on)).toEqual([
      {
        name: 'OTEL_EXPORTER_OTLP_ENDPOINT',
        value: 'http://otel-collector.genai-monitoring.svc:4318',
      },
      { name: 'OTEL_SERVICE_NAME', value: 'genai-portal' },
    ]);
    expect(egress(on)).toContainEqual({
      to: [
        {
          namespaceSelector: {
            matchLabels: { 'kubernetes.io/metadata.name': 'genai-monitoring' },
          },
        },
      ],
      ports: [{ port: 4318, protocol: 'TCP' }],
    });
    // the port follows the endpoint
    const grpc = render(
      'tracing.enabled=true',
      'tracing.endpoint=http://collector.observability.svc:4317',
      'tracing.namespace=observability',
    );
    expect(JSON.stringify(egress(grpc))).toContain(
      '{"port":4317,"protocol":"TCP"}',
    );
  });

  it('names the database and Redis hosts in values and leaves their credentials in the Secret', () => {
    const env = (...set: string[]) =>
      byKind(render(...set), 'Deployment')[0].spec.template.spec.containers[0]
        .env as Array<{ name: string; value?: string; valueFrom?: any }>;
    // unset: the Secret gives them, as in chart 0.1.0
    expect(env().filter(e => /^(POSTGRES|REDIS)_/.test(e.name))).toEqual([]);
    const set = env(
      'database.host=genai-postgres-rw.genai-data.svc',
      'redis.host=redis.genai-data.svc',
    ).filter(e => /^(POSTGRES|REDIS)_/.test(e.name));
    expect(set).toEqual([
      { name: 'POSTGRES_HOST', value: 'genai-postgres-rw.genai-data.svc' },
      { name: 'POSTGRES_PORT', value: '5432' },
      // defined before REDIS_URL, which Kubernetes expands it into
      {
        name: 'REDIS_PASSWORD',
        valueFrom: {
          secretKeyRef: { name: 'genai-portal-env', key: 'REDIS_PASSWORD' },
        },
      },
      {
        name: 'REDIS_URL',
        value: 'redis://:$(REDIS_PASSWORD)@redis.genai-data.svc:6379',
      },
    ]);
    const noAuth = env(
      'redis.host=redis.genai-data.svc',
      'redis.passwordKey=',
    ).filter(e => e.name.startsWith('REDIS_'));
    expect(noAuth).toEqual([
      { name: 'REDIS_URL', value: 'redis://redis.genai-data.svc:6379' },
    ]);
  });

  it("runs the image's command, which takes the start lock itself", () => {
    const pod = named(render(), 'Deployment', 'portal').spec.template;
    const backend = pod.spec.containers[0];
    // packages/backend/src/startLock.ts: replicas migrate one at a time without a wrapper
    expect(backend.command).toEqual(['node']);
    expect(backend.args.slice(0, 1)).toEqual(['packages/backend']);
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
    const [dns, models, platformModels, querier, anywhere] = egress.spec.egress;
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
    // and the platform's shared model servers, which the production config names
    expect(platformModels).toEqual({
      to: [
        {
          namespaceSelector: {
            matchExpressions: [
              {
                key: 'kubernetes.io/metadata.name',
                operator: 'In',
                values: ['genai-inference'],
              },
            ],
          },
        },
      ],
      ports: [{ port: 8000, protocol: 'TCP' }],
    });
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
    expect(off.spec.egress).toHaveLength(4);
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
    expect(byKind(off, 'ConfigMap').map(m => m.metadata.name)).toEqual([]);
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
    ['route.timeout=forever', 'route.timeout'],
    ['tracing.endpoint=http://otel-collector.genai-monitoring.svc', 'endpoint'],
    ['podDisruptionBudget.maxUnavailable=0', 'maxUnavailable'],
    ['database.host=http://db', 'database.host'],
  ])('refuses bad values (%s) naming the key', (value, key) => {
    expect(() => render(value)).toThrow(new RegExp(key.replace('.', '.*')));
  });
});

/** What each environment runs: replicas (the autoscaler's minimum), kept through a drain, traces. */
const SHAPES = {
  dev: { minReplicas: 1, keptThroughDrain: 0, tracing: undefined },
  staging: {
    minReplicas: 2,
    keptThroughDrain: 1,
    tracing: 'http://otel-collector.genai-monitoring.svc:4318',
  },
  prod: {
    minReplicas: 3,
    keptThroughDrain: 2,
    tracing: 'http://otel-collector.genai-monitoring.svc:4318',
  },
};

describe.each(ENVIRONMENTS)('the portal chart in %s', environment => {
  const shape = SHAPES[environment];
  /** As ArgoCD renders it: the layers' shared values may come first; the chart ignores them. */
  const rendered = () =>
    helmTemplate(chart, [
      path.join(layersDir, 'values.yaml'),
      path.join(layersDir, `values-${environment}.yaml`),
      path.join(chart, 'values.yaml'),
      chartValues(environment),
    ]);
  const appsDomain = () =>
    (
      parse(
        fs.readFileSync(
          path.join(layersDir, `values-${environment}.yaml`),
          'utf8',
        ),
      ) as { appsDomain: string }
    ).appsDomain;

  it("serves on portal.<the environment's apps domain>", () => {
    const manifests = rendered();
    const host = `portal.${appsDomain()}`;
    expect(named(manifests, 'Route', 'portal').spec.host).toBe(host);
    const env = named(manifests, 'Deployment', 'portal').spec.template.spec
      .containers[0].env;
    expect(env.find((e: any) => e.name === 'PORTAL_BASE_URL').value).toBe(
      `https://${host}`,
    );
  });

  it("reaches the data project's PostgreSQL (CloudNativePG's read-write Service) and Redis, with credentials only from Secrets", () => {
    const [deployment] = byKind(rendered(), 'Deployment');
    const backend = deployment.spec.template.spec.containers[0];
    const value = (name: string) =>
      backend.env.find((e: any) => e.name === name)?.value;
    expect(value('POSTGRES_HOST')).toMatch(/^[a-z0-9-]+-rw\.genai-data\.svc$/);
    expect(value('REDIS_URL')).toMatch(
      /^redis:\/\/:\$\(REDIS_PASSWORD\)@[a-z0-9-]+\.genai-data\.svc:6379$/,
    );
    // nothing secret is a plain value: passwords, tokens and keys come from Secrets
    const plain = backend.env.filter(
      (e: any) =>
        /PASSWORD|SECRET|TOKEN|_KEY$/.test(e.name) && e.value !== undefined,
    );
    expect(plain).toEqual([]);
    expect(backend.envFrom).toEqual([
      { secretRef: { name: 'genai-portal-env' } },
    ]);
  });

  it('scales within the quota, with a disruption budget the minimum can honour', () => {
    const manifests = rendered();
    const hpa = named(manifests, 'HorizontalPodAutoscaler', 'portal').spec;
    const pdb = named(manifests, 'PodDisruptionBudget', 'portal').spec;
    // prod: the seed's three replicas, two of them kept through a drain
    expect(hpa.minReplicas).toBe(shape.minReplicas);
    expect(hpa.minReplicas - pdb.maxUnavailable).toBe(shape.keptThroughDrain);
    // the autoscaler's maximum and the rollout's extra pod fit the namespace's limits
    const [quota] = parseAllDocuments(
      fs.readFileSync(path.join(root, 'platform/quota.yaml'), 'utf8'),
    ).map(d => d.toJSON());
    const UNITS: Record<string, number> = { m: 1e-3, Mi: 2 ** 20, Gi: 2 ** 30 };
    const amount = (q: string) => {
      const [, n, unit] = /^([\d.]+)(m|Mi|Gi)?$/.exec(q)!;
      return Number(n) * (unit ? UNITS[unit] : 1);
    };
    const deployment = named(manifests, 'Deployment', 'portal');
    const pods =
      hpa.maxReplicas + deployment.spec.strategy.rollingUpdate.maxSurge;
    for (const resource of ['cpu', 'memory']) {
      const perPod = deployment.spec.template.spec.containers.reduce(
        (sum: number, c: any) => sum + amount(c.resources.limits[resource]),
        0,
      );
      expect(pods * perPod).toBeLessThanOrEqual(
        amount(quota.spec.hard[`limits.${resource}`]),
      );
    }
  });

  it('traces in staging and prod, not in dev', () => {
    const env = named(rendered(), 'Deployment', 'portal').spec.template.spec
      .containers[0].env;
    const endpoint = env.find(
      (e: any) => e.name === 'OTEL_EXPORTER_OTLP_ENDPOINT',
    );
    expect(endpoint?.value).toBe(shape.tracing);
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
