import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { parseQuantity } from '@genai-portal/plugin-genai-playground-common';
import type { Manifest } from './__testUtils__/render';
import {
  ENVIRONMENTS,
  layersDir,
  renderLayer,
  type Environment,
} from './__testUtils__/layers';

/*
 * The projects layer (every project's namespace, quota, defaults and default deny) and the data
 * layer (PostgreSQL through CloudNativePG with backups to MinIO, Redis, MinIO's Tenant) as each
 * environment renders them, checked for what a platform team relies on.
 */

jest.setTimeout(60_000);

const shared = parse(
  fs.readFileSync(path.join(layersDir, 'values.yaml'), 'utf8'),
);
const NS: Record<string, string> = shared.namespaces;
const GPU = shared.gpu.resource as string;

/** The seed's projects besides the portal's (deploy/platform makes genai-portal). */
const PROJECTS = [
  'inference',
  'blueprints',
  'data',
  'storage',
  'monitoring',
  'logging',
  'cicd',
];

/** Nodes of each GPU pool per environment: prod is the seed's size, dev one node of each. */
const POOL_NODES: Record<
  Environment,
  { inference: number; blueprints: number }
> = {
  dev: { inference: 1, blueprints: 1 },
  staging: { inference: 2, blueprints: 2 },
  prod: { inference: 4, blueprints: 4 },
};

/**
 * PostgreSQL per environment: one instance per zone where there are several (required: a second
 * instance in a zone would not survive it); the operator's PDB keeps a replica serving, while over a
 * lone instance it would only block node drains.
 */
const POSTGRES_HA: Record<
  Environment,
  { instances: number; affinity: 'required' | 'preferred'; enablePDB: boolean }
> = {
  dev: { instances: 1, affinity: 'preferred', enablePDB: false },
  staging: { instances: 3, affinity: 'required', enablePDB: true },
  prod: { instances: 3, affinity: 'required', enablePDB: true },
};

/** The operators' namespaces (deploy/layers/operators) the data services admit. */
const CNPG_OPERATOR_NAMESPACE = 'cnpg-system';
const MINIO_OPERATOR_NAMESPACE = 'minio-operator';
const VELERO_NAMESPACE = 'openshift-adp';
const MONITORING = { 'network.openshift.io/policy-group': 'monitoring' };
const ROUTER = { 'network.openshift.io/policy-group': 'ingress' };

const find = (manifests: Manifest[], kind: string, name?: string) =>
  manifests.filter(m => m.kind === kind && (!name || m.metadata.name === name));

const one = (manifests: Manifest[], kind: string, name?: string) => {
  const found = find(manifests, kind, name);
  expect(found).toHaveLength(1);
  return found[0];
};

const quantity = (value: unknown) => parseQuantity(String(value)) ?? NaN;

describe.each(ENVIRONMENTS)('the projects layer in %s', environment => {
  const manifests = renderLayer('projects', environment);
  const namespaceOf = (project: string) => NS[project];

  it('makes every project but the portal, restricted and with its cost annotations', () => {
    const namespaces = find(manifests, 'Namespace');
    expect(namespaces.map(n => n.metadata.name).sort()).toEqual(
      PROJECTS.map(namespaceOf).sort(),
    );
    // Only what cannot run restricted is enforced looser: the log collector reads the nodes'
    // files, buildah needs SETFCAP.
    const enforced: Record<string, string> = {
      [namespaceOf('logging')]: 'privileged',
      [namespaceOf('cicd')]: 'baseline',
    };
    for (const namespace of namespaces) {
      expect(namespace.metadata.labels).toMatchObject({
        ...shared.labels,
        'pod-security.kubernetes.io/enforce':
          enforced[namespace.metadata.name] ?? 'restricted',
        'pod-security.kubernetes.io/audit': 'restricted',
        'pod-security.kubernetes.io/warn': 'restricted',
      });
      const annotations = namespace.metadata.annotations ?? {};
      expect(annotations['genai-playground.io/cost-center']).toBe(
        shared.costCenter,
      );
      expect(annotations['genai-playground.io/budget']).toMatch(
        /^[1-9]\d* USD$/,
      );
      expect(annotations['openshift.io/display-name']).toBeTruthy();
      expect(annotations['openshift.io/description']).toBeTruthy();
    }
  });

  it("caps each project's GPUs at its pool: inference on MI355X, blueprints on MI300X, none elsewhere", () => {
    const gpus = Object.fromEntries(
      PROJECTS.map(project => {
        const quota = one(
          manifests.filter(m => m.metadata.namespace === namespaceOf(project)),
          'ResourceQuota',
        );
        return [project, quota.spec.hard[`requests.${GPU}`]];
      }),
    );
    const perNode = shared.gpu.gpusPerNode;
    expect(gpus).toEqual({
      inference: String(POOL_NODES[environment].inference * perNode),
      blueprints: String(POOL_NODES[environment].blueprints * perNode),
      data: '0',
      storage: '0',
      monitoring: '0',
      logging: '0',
      cicd: '0',
    });
  });

  it('bounds CPU, memory, pods and storage, and gives containers defaults', () => {
    for (const project of PROJECTS) {
      const inProject = manifests.filter(
        m => m.metadata.namespace === namespaceOf(project),
      );
      const { hard } = one(inProject, 'ResourceQuota').spec;
      for (const key of [
        'requests.cpu',
        'limits.cpu',
        'requests.memory',
        'limits.memory',
        'pods',
        'persistentvolumeclaims',
        'requests.storage',
      ]) {
        expect(quantity(hard[key])).toBeGreaterThan(0);
      }
      expect(quantity(hard['limits.cpu'])).toBeGreaterThanOrEqual(
        quantity(hard['requests.cpu']),
      );
      const [container] = one(inProject, 'LimitRange').spec.limits;
      expect(container).toMatchObject({
        type: 'Container',
        defaultRequest: { cpu: expect.any(String), memory: expect.any(String) },
        default: { cpu: expect.any(String), memory: expect.any(String) },
      });
    }
  });

  it('denies all ingress and lets every pod reach DNS only', () => {
    for (const project of PROJECTS) {
      const policies = find(manifests, 'NetworkPolicy').filter(
        p => p.metadata.namespace === namespaceOf(project),
      );
      expect(
        policies.find(p => p.metadata.name === 'default-deny-ingress')?.spec,
      ).toEqual({
        podSelector: {},
        policyTypes: ['Ingress'],
      });
      const egress = policies.find(
        p => p.metadata.name === 'restrict-egress',
      )?.spec;
      expect(egress).toMatchObject({
        podSelector: {},
        policyTypes: ['Egress'],
      });
      expect(egress.egress).toHaveLength(1);
      expect(
        egress.egress[0].ports.map((p: { port: number }) => p.port).sort(),
      ).toEqual([53, 53, 5353, 5353]);
    }
  });

  it('labels every object and syncs it after the operators', () => {
    for (const m of manifests) {
      expect(m.metadata.labels).toMatchObject({
        ...shared.labels,
        'app.kubernetes.io/part-of': 'genai-platform',
      });
      expect(m.metadata.annotations?.['argocd.argoproj.io/sync-wave']).toBe(
        '-1',
      );
    }
  });
});

describe('the projects layer, extended by the platform team', () => {
  it('makes a project from a new key, without GPUs unless it names a pool', () => {
    const manifests = renderLayer(
      'projects',
      'dev',
      'projects.research.displayName=Research',
      'projects.research.description=Experiments',
      'projects.research.budgetUSD=750',
      'projects.research.quota.requestsCpu=2',
      'projects.research.quota.limitsCpu=4',
      'projects.research.quota.requestsMemory=4Gi',
      'projects.research.quota.limitsMemory=8Gi',
      'projects.research.quota.pods=10',
      'projects.research.quota.persistentVolumeClaims=2',
      'projects.research.quota.requestsStorage=10Gi',
    );
    const research = manifests.filter(
      m =>
        m.metadata.name === 'genai-research' ||
        m.metadata.namespace === 'genai-research',
    );
    expect(research.map(m => m.kind).sort()).toEqual([
      'LimitRange',
      'Namespace',
      'NetworkPolicy',
      'NetworkPolicy',
      'ResourceQuota',
    ]);
    expect(one(research, 'Namespace').metadata.annotations).toMatchObject({
      'genai-playground.io/budget': '750 USD',
    });
    expect(one(research, 'ResourceQuota').spec.hard[`requests.${GPU}`]).toBe(
      '0',
    );
  });

  it('refuses a GPU pool it does not know the size of', () => {
    expect(() =>
      renderLayer('projects', 'dev', 'projects.data.gpuPool=h100'),
    ).toThrow(/gpuPool is "h100"/);
  });
});

describe.each(ENVIRONMENTS)('the data layer in %s', environment => {
  const manifests = renderLayer('data', environment);
  const projects = renderLayer('projects', environment);
  const cluster = one(manifests, 'Cluster');
  const tenant = one(manifests, 'Tenant');
  const redis = one(manifests, 'StatefulSet');

  it("backs PostgreSQL up to the storage project's MinIO, into a bucket the tenant makes", () => {
    expect(cluster.apiVersion).toBe('postgresql.cnpg.io/v1');
    expect(cluster.metadata.namespace).toBe(NS.data);
    expect(tenant).toMatchObject({
      apiVersion: 'minio.min.io/v2',
      metadata: { namespace: NS.storage },
      spec: { requestAutoCert: true },
    });
    const { barmanObjectStore, retentionPolicy } = cluster.spec.backup;
    expect(retentionPolicy).toBe('30d');
    // The operator's S3 Service of a tenant is `minio`, on 443 with its own certificate.
    const endpoint = new URL(barmanObjectStore.endpointURL);
    expect(endpoint.protocol).toBe('https:');
    expect(endpoint.hostname.split('.').slice(0, 3)).toEqual([
      'minio',
      NS.storage,
      'svc',
    ]);
    const destination = new URL(barmanObjectStore.destinationPath);
    expect(destination.protocol).toBe('s3:');
    expect(tenant.spec.buckets.map((b: { name: string }) => b.name)).toContain(
      destination.hostname,
    );
    expect(barmanObjectStore.s3Credentials).toEqual({
      accessKeyId: { name: expect.any(String), key: 'ACCESS_KEY_ID' },
      secretAccessKey: { name: expect.any(String), key: 'ACCESS_SECRET_KEY' },
    });
    expect(barmanObjectStore.endpointCA).toEqual({
      name: expect.any(String),
      key: expect.any(String),
    });
  });

  it('takes a base backup of that cluster every day', () => {
    const backup = one(manifests, 'ScheduledBackup');
    expect(backup.metadata.namespace).toBe(cluster.metadata.namespace);
    expect(backup.spec).toMatchObject({
      cluster: { name: cluster.metadata.name },
      method: 'barmanObjectStore',
    });
    // seconds minutes hours, then every day of every month, any weekday
    expect(backup.spec.schedule.split(' ').slice(3)).toEqual(['*', '*', '*']);
  });

  it("bootstraps the portal's database on PostgreSQL 15 or later, its owner's password by Secret", () => {
    const major = Number(/:(\d+)/.exec(cluster.spec.imageName)?.[1]);
    expect(major).toBeGreaterThanOrEqual(15);
    const { initdb } = cluster.spec.bootstrap;
    expect(initdb).toMatchObject({
      database: expect.any(String),
      owner: expect.any(String),
      secret: { name: expect.any(String) },
    });
    expect(cluster.spec.managed.roles).toContainEqual(
      expect.objectContaining({ name: initdb.owner, createdb: true }),
    );
    expect(cluster.spec.monitoring.enablePodMonitor).toBe(true);
  });

  it('runs PostgreSQL as the environment needs: prod three instances spread across zones', () => {
    const { instances, affinity, enablePDB } = cluster.spec;
    expect({ instances, affinity, enablePDB }).toEqual({
      ...POSTGRES_HA[environment],
      affinity: {
        enablePodAntiAffinity: true,
        topologyKey: 'topology.kubernetes.io/zone',
        podAntiAffinityType: POSTGRES_HA[environment].affinity,
      },
    });
  });

  it('persists Redis: append-only, fsynced every second, on a volume of its own', () => {
    const [container] = redis.spec.template.spec.containers;
    const args: string[] = container.args;
    expect(args[args.indexOf('--appendonly') + 1]).toBe('yes');
    expect(args[args.indexOf('--appendfsync') + 1]).toBe('everysec');
    const [claim] = redis.spec.volumeClaimTemplates;
    expect(container.volumeMounts).toContainEqual({
      name: claim.metadata.name,
      mountPath: '/var/lib/redis/data',
    });
    expect(quantity(claim.spec.resources.requests.storage)).toBeGreaterThan(0);
    expect(container.image).toMatch(/:[\w.-]+$/);
    expect(container.image).not.toMatch(/:latest$/);
    const services = find(manifests, 'Service');
    // the client's, the exporter's (scraped for redis_up) and the StatefulSet's headless one
    expect(services.map(s => s.spec.clusterIP ?? 'ClusterIP').sort()).toEqual([
      'ClusterIP',
      'ClusterIP',
      'None',
    ]);
    const exporter = redis.spec.template.spec.containers.find(
      (c: { name: string }) => c.name === 'exporter',
    );
    expect(exporter.env).toContainEqual({
      name: 'REDIS_ADDR',
      value: 'redis://127.0.0.1:6379',
    });
    const [monitor] = find(manifests, 'ServiceMonitor');
    const metrics = services.find(s =>
      Object.entries(monitor.spec.selector.matchLabels).every(
        ([k, v]) => s.metadata.labels?.[k] === v,
      ),
    );
    // The alerts read job="redis-metrics": the scraped Service's name.
    expect(metrics?.metadata.name).toBe('redis-metrics');
    expect(metrics?.spec.ports).toEqual([
      { name: 'metrics', port: 9121, targetPort: 'metrics', protocol: 'TCP' },
    ]);
    expect(services.find(s => s.spec.clusterIP === 'None')?.metadata.name).toBe(
      redis.spec.serviceName,
    );
  });

  it('admits to each service only the namespaces named, on its ports', () => {
    const named = [
      NS.portal,
      NS.data,
      NS.storage,
      CNPG_OPERATOR_NAMESPACE,
      MINIO_OPERATOR_NAMESPACE,
      VELERO_NAMESPACE,
      NS.logging,
    ];
    const sources = (policy: Manifest) =>
      (policy.spec.ingress ?? []).flatMap(
        (rule: { from?: any[]; ports?: Array<{ port: number }> }) => {
          expect(rule.from?.length).toBeGreaterThan(0);
          expect(rule.ports?.length).toBeGreaterThan(0);
          return rule.from!.map(peer => {
            expect(peer.ipBlock).toBeUndefined();
            const selector = peer.namespaceSelector?.matchLabels;
            const source = !peer.namespaceSelector
              ? policy.metadata.namespace
              : selector?.['kubernetes.io/metadata.name'] ??
                (JSON.stringify(selector) === JSON.stringify(MONITORING)
                  ? 'monitoring'
                  : undefined) ??
                (JSON.stringify(selector) === JSON.stringify(ROUTER)
                  ? 'router'
                  : undefined);
            expect([...named, 'monitoring', 'router']).toContain(source);
            return `${source}:${rule.ports!.map(p => p.port).join(',')}`;
          });
        },
      );
    const policy = (name: string) => one(manifests, 'NetworkPolicy', name);
    expect(sources(policy(`${cluster.metadata.name}-ingress`))).toEqual([
      `${NS.portal}:5432`,
      `${NS.data}:5432,8000`,
      `${CNPG_OPERATOR_NAMESPACE}:8000,5432`,
      'monitoring:9187',
    ]);
    expect(sources(policy(`${redis.metadata.name}-ingress`))).toEqual([
      `${NS.portal}:6379`,
      'monitoring:9121',
    ]);
    expect(sources(policy(`${tenant.metadata.name}-ingress`))).toEqual([
      `${NS.data}:9000`,
      `${NS.portal}:9000`,
      // Velero's backups (deploy/layers/backup), Loki's chunks (deploy/layers/observability)
      `${VELERO_NAMESPACE}:9000`,
      `${NS.logging}:9000`,
      `${NS.storage}:9000`,
      `${MINIO_OPERATOR_NAMESPACE}:9000`,
      'monitoring:9000',
    ]);
    // Only PostgreSQL's pods of the data project reach MinIO, not the whole project.
    expect(
      policy(`${tenant.metadata.name}-ingress`).spec.ingress[0].from[0]
        .podSelector,
    ).toEqual({
      matchLabels: { 'cnpg.io/cluster': cluster.metadata.name },
    });
    for (const ingress of find(manifests, 'NetworkPolicy').filter(p =>
      p.spec.policyTypes.includes('Ingress'),
    )) {
      expect(sources(ingress).length).toBeGreaterThan(0);
    }
  });

  it("lets PostgreSQL reach MinIO's servers for its backups", () => {
    const egress = one(
      manifests,
      'NetworkPolicy',
      `${cluster.metadata.name}-egress`,
    ).spec;
    expect(egress.podSelector.matchLabels).toEqual({
      'cnpg.io/cluster': cluster.metadata.name,
    });
    expect(egress.egress).toContainEqual({
      to: [
        {
          namespaceSelector: {
            matchLabels: { 'kubernetes.io/metadata.name': NS.storage },
          },
          podSelector: {
            matchLabels: { 'v1.min.io/tenant': tenant.metadata.name },
          },
        },
      ],
      ports: [{ port: 9000, protocol: 'TCP' }],
    });
    for (const policy of find(manifests, 'NetworkPolicy').filter(p =>
      p.spec.policyTypes.includes('Egress'),
    )) {
      for (const rule of policy.spec.egress) {
        expect(rule.ports?.length).toBeGreaterThan(0);
      }
    }
  });

  it('admits the router to the MinIO console only with its Route, re-encrypted', () => {
    const withRoute = renderLayer(
      'data',
      environment,
      'minio.console.route.enabled=true',
      'minio.console.route.destinationCACertificate=PEM',
    );
    const route = one(withRoute, 'Route');
    expect(route.metadata.namespace).toBe(NS.storage);
    expect(route.spec).toMatchObject({
      to: { kind: 'Service', name: `${tenant.metadata.name}-console` },
      tls: { termination: 'reencrypt', destinationCACertificate: 'PEM' },
    });
    const ingress = one(
      withRoute,
      'NetworkPolicy',
      `${tenant.metadata.name}-ingress`,
    ).spec.ingress;
    expect(ingress).toContainEqual({
      from: [{ namespaceSelector: { matchLabels: ROUTER } }],
      ports: [{ port: 9443, protocol: 'TCP' }],
    });
    expect(find(manifests, 'Route')).toEqual([]);
  });

  it('names Secrets and never holds a secret value', () => {
    expect(find(manifests, 'Secret')).toEqual([]);
    const inline: string[] = [];
    const walk = (value: unknown, at: string) => {
      if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${at}[${i}]`));
      else if (value && typeof value === 'object') {
        const record = value as Record<string, unknown>;
        if (
          typeof record.name === 'string' &&
          'value' in record &&
          /PASSWORD|SECRET|KEY|TOKEN/i.test(record.name)
        ) {
          inline.push(`${at}.value`);
        }
        for (const [key, v] of Object.entries(record)) {
          if (
            /password|secret|token|accesskey/i.test(key) &&
            typeof v === 'string'
          ) {
            inline.push(`${at}.${key}`);
          }
          walk(v, `${at}.${key}`);
        }
      }
    };
    manifests.forEach(m => walk(m, `${m.kind}/${m.metadata.name}`));
    expect(inline).toEqual([]);
    const env = redis.spec.template.spec.containers[0].env;
    expect(
      env.find((e: { name: string }) => e.name === 'REDIS_PASSWORD').valueFrom,
    ).toEqual({
      secretKeyRef: { name: expect.any(String), key: expect.any(String) },
    });
  });

  it("fits in its projects' quotas", () => {
    const hard = (namespace: string) =>
      one(
        projects.filter(m => m.metadata.namespace === namespace),
        'ResourceQuota',
      ).spec.hard;
    const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
    const redisContainers = [
      ...redis.spec.template.spec.initContainers,
      ...redis.spec.template.spec.containers,
    ];
    // Init containers run before the others: a pod holds the larger of the two.
    const redisPod = (
      field: 'requests' | 'limits',
      resource: 'cpu' | 'memory',
    ) =>
      Math.max(
        ...redis.spec.template.spec.initContainers.map((c: any) =>
          quantity(c.resources[field][resource]),
        ),
        sum(
          redis.spec.template.spec.containers.map((c: any) =>
            quantity(c.resources[field][resource]),
          ),
        ),
      );
    expect(redisContainers.length).toBeGreaterThan(1);
    const data = hard(NS.data);
    const { instances } = cluster.spec;
    for (const [field, resource] of [
      ['requests', 'cpu'],
      ['limits', 'cpu'],
      ['requests', 'memory'],
      ['limits', 'memory'],
    ] as const) {
      // one more PostgreSQL pod than instances: the operator's join job while a replica is added
      const used =
        (instances + 1) * quantity(cluster.spec.resources[field][resource]) +
        redisPod(field, resource);
      expect(used).toBeLessThanOrEqual(quantity(data[`${field}.${resource}`]));
    }
    expect(
      instances * quantity(cluster.spec.storage.size) +
        quantity(
          redis.spec.volumeClaimTemplates[0].spec.resources.requests.storage,
        ),
    ).toBeLessThanOrEqual(quantity(data['requests.storage']));

    const storage = hard(NS.storage);
    const [pool] = tenant.spec.pools;
    const drives = pool.servers * pool.volumesPerServer;
    expect(drives).toBeLessThanOrEqual(Number(storage.persistentvolumeclaims));
    expect(
      drives *
        quantity(pool.volumeClaimTemplate.spec.resources.requests.storage),
    ).toBeLessThanOrEqual(quantity(storage['requests.storage']));
    for (const [field, resource] of [
      ['requests', 'cpu'],
      ['limits', 'memory'],
    ] as const) {
      expect(
        pool.servers * quantity(pool.resources[field][resource]),
      ).toBeLessThanOrEqual(quantity(storage[`${field}.${resource}`]));
    }
  });

  it('labels every object, and the pods and volumes the operators make, for the platform', () => {
    for (const m of manifests) {
      expect(m.metadata.labels).toMatchObject({
        ...shared.labels,
        'app.kubernetes.io/part-of': 'genai-platform',
      });
      expect(m.metadata.annotations?.['argocd.argoproj.io/sync-wave']).toBe(
        '0',
      );
      expect([NS.data, NS.storage]).toContain(m.metadata.namespace);
    }
    expect(cluster.spec.inheritedMetadata.labels).toMatchObject(shared.labels);
    expect(redis.spec.template.metadata.labels).toMatchObject(shared.labels);
    for (const resource of [
      cluster,
      tenant,
      one(manifests, 'ScheduledBackup'),
    ]) {
      expect(
        resource.metadata.annotations?.['argocd.argoproj.io/sync-options'],
      ).toBe('SkipDryRunOnMissingResource=true');
    }
  });
});
