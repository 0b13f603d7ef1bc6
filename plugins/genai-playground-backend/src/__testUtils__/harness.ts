import type { CacheService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { EventsService } from '@backstage/plugin-events-node';
import type { KubeSim } from '@genai-portal/kube-sim';
import {
  CoreV1Api,
  KubeConfig,
  NetworkingV1Api,
  RbacAuthorizationV1Api,
} from '@kubernetes/client-node';
import type { Knex } from 'knex';
import { readPlaygroundConfig } from '../config';
import { createEnvironmentsCapability } from '../environments/createEnvironmentsCapability';
import { DatabaseEnvironmentStore } from '../environments/DatabaseEnvironmentStore';
import { DatabaseApiKeyStore } from '../keys/DatabaseApiKeyStore';
import { KubernetesClient } from '../kubernetes/KubernetesClient';
import { migrateDatabase } from '../lib/migrateDatabase';
import { PermissionGate } from '../permissions/PermissionGate';
import { createQuotaCapability } from '../quota/createQuotaCapability';
import { environmentRuleset, realPolicyPermissions } from './realPolicy';

/** The org of catalog/org.yaml, as catalog entities. */
export const ORG_GROUPS: Entity[] = [
  'platform-team',
  'ml-research',
  'genai-apps',
].map(groupEntity);

/** A team as a Group entity of the catalog. */
export function groupEntity(name: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name, namespace: 'default' },
    spec: { type: 'team', children: [] },
  };
}

/** Who belongs where (what sign-in puts in ownershipEntityRefs). */
export const MEMBERSHIP: Record<string, string[]> = {
  'user:default/marco.rossi': ['group:default/ml-research'],
  'user:default/lena.fischer': ['group:default/genai-apps'],
  'user:default/priya.raman': ['group:default/platform-team'],
};

export const MARCO = 'user:default/marco.rossi';
export const LENA = 'user:default/lena.fischer';
export const PRIYA = 'user:default/priya.raman';

/** The genaiPlayground and kubernetes config sections for a kube-sim (or any URL). */
export function testConfigData(url: string, token: string, extra: object = {}) {
  return {
    kubernetes: {
      clusterLocatorMethods: [
        {
          type: 'config',
          clusters: [
            {
              name: 'kube-sim',
              url,
              authProvider: 'serviceAccount',
              serviceAccountToken: token,
            },
          ],
        },
      ],
    },
    genaiPlayground: {
      cluster: 'kube-sim',
      currency: 'USD',
      lease: { defaultTtlHours: 72, maxTtlHours: 720, notifyBeforeHours: 24 },
      teamLimits: {
        default: { gpus: 16, cpu: 128, memoryGi: 1024, environments: 10 },
        'ml-research': { gpus: 16, cpu: 128, memoryGi: 1024, environments: 3 },
      },
      adminGroups: ['group:default/platform-team'],
      gatewayNamespace: 'genai-portal',
      kubernetes: { requestTimeoutMs: 2000, retries: 2, retryBaseDelayMs: 10 },
      quotaCacheSeconds: 10,
      ...extra,
    },
  };
}

/** A CacheService in memory, with TTLs (tests only). */
export function memoryCache(): CacheService {
  const entries = new Map<string, { value: unknown; until: number }>();
  const cache: CacheService = {
    async get(key) {
      const entry = entries.get(key);
      if (!entry || entry.until < Date.now()) return undefined;
      return entry.value as any;
    },
    async set(key, value, options) {
      const ttl = typeof options?.ttl === 'number' ? options.ttl : 60_000;
      entries.set(key, {
        value: JSON.parse(JSON.stringify(value)),
        until: Date.now() + ttl,
      });
    },
    async delete(key) {
      entries.delete(key);
    },
    withOptions: () => cache,
  };
  return cache;
}

/** A clock tests move by hand. */
export function fakeClock(start = new Date()) {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    advanceHours(hours: number) {
      now += hours * 3_600_000;
    },
  };
}

export { environmentRuleset };

/** Typed client-node APIs on the sim, for tests to look at what the plugin made. */
export function simApis(sim: KubeSim) {
  const kc = new KubeConfig();
  kc.loadFromString(sim.kubeconfig);
  return {
    core: kc.makeApiClient(CoreV1Api),
    networking: kc.makeApiClient(NetworkingV1Api),
    rbac: kc.makeApiClient(RbacAuthorizationV1Api),
  };
}

export interface ServiceHarnessOptions {
  sim: { url: string; token: string };
  knex: Knex;
  config?: object;
  clock?: { now(): Date };
  beforeStep?: (kind: string, name: string) => Promise<void> | void;
  permissions?: ReturnType<typeof mockServices.permissions.mock>;
  /** Groups of the catalog besides ORG_GROUPS. */
  extraTeams?: string[];
}

/**
 * The plugin's services made by the factories plugin.ts calls, on a kube-sim and a test database.
 */
export async function createServices(options: ServiceHarnessOptions) {
  const config = readPlaygroundConfig(
    new ConfigReader(
      testConfigData(options.sim.url, options.sim.token, options.config),
    ),
  );
  const logger = mockServices.logger.mock();
  const kube = KubernetesClient.create({
    cluster: config.cluster,
    ...config.kubernetes,
    logger,
  });
  const database = mockServices.database({ knex: options.knex });
  await migrateDatabase(database);
  const store = await DatabaseEnvironmentStore.create({ database });
  const keys = await DatabaseApiKeyStore.create({ database });
  const clock = options.clock;
  // The portal's real policy unless a test brings its own decisions.
  const permissions =
    options.permissions ??
    realPolicyPermissions({ environments: store, membership: MEMBERSHIP });
  const gate = new PermissionGate({ permissions, ruleset: environmentRuleset });
  const quota = createQuotaCapability({
    kube,
    store,
    cache: memoryCache(),
    config,
    clock,
    permissions,
  });
  const userInfo = mockServices.userInfo.mock({
    getUserInfo: async credentials => {
      const ref = (credentials.principal as { userEntityRef: string })
        .userEntityRef;
      return {
        userEntityRef: ref,
        ownershipEntityRefs: [ref, ...(MEMBERSHIP[ref] ?? [])],
      };
    },
  });
  // Typed with this package's events-node: backend-test-utils may resolve another copy.
  const events =
    mockServices.events.mock() as unknown as jest.Mocked<EventsService>;
  const notifications = { send: jest.fn(async () => {}) };
  const auditor = mockServices.auditor.mock();
  const { service: environments, provisioner } = createEnvironmentsCapability({
    kube,
    store,
    quota: quota.service,
    catalog: catalogServiceMock({
      entities: [...ORG_GROUPS, ...(options.extraTeams ?? []).map(groupEntity)],
    }),
    userInfo,
    gate,
    events,
    notifications,
    auditor,
    config,
    logger,
    keys,
    clock,
    beforeStep: options.beforeStep,
  });
  return {
    config,
    kube,
    store,
    quota: quota.service,
    quotaReader: quota.reader,
    gate,
    permissions,
    events,
    notifications,
    auditor,
    provisioner,
    environments,
    keys,
    logger,
  };
}

/** Waits until check() returns something truthy. */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('waitFor: timed out');
    await new Promise(resolve => setTimeout(resolve, 25));
  }
}

/** A valid create request; override what a test is about. */
export function createRequest(overrides: Record<string, unknown> = {}) {
  return {
    name: 'demo',
    team: 'ml-research',
    gpuPool: 'mi300x' as const,
    gpus: 2,
    cpu: 8,
    memoryGi: 64,
    storageGi: 100,
    ttlHours: 72,
    costCenter: 'CC-2100',
    monthlyBudget: 5000,
    dataClassification: 'internal' as const,
    securityLevel: 'medium' as const,
    description: 'fine-tuning experiments',
    ...overrides,
  };
}
