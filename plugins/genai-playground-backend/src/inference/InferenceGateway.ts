import type {
  DatabaseService,
  HttpAuthService,
  LifecycleService,
  LoggerService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import type { EventsService } from '@backstage/plugin-events-node';
import {
  GENAI_PLAYGROUND_ENVIRONMENT_TOPIC,
  type EnvironmentChangeEventPayload,
} from '@genai-portal/plugin-genai-playground-node';
import type { EnvironmentStore } from '../environments/EnvironmentStore';
import type { ApiKeyService } from '../keys/ApiKeyService';
import type { ApiKeyStore } from '../keys/ApiKeyStore';
import { createKeysCapability } from '../keys/createKeysCapability';
import { DatabaseApiKeyStore } from '../keys/DatabaseApiKeyStore';
import type { KubernetesClient } from '../kubernetes/KubernetesClient';
import type { ScheduledTask } from '../lib/Capability';
import { createMeteringCapability } from '../metering/createMeteringCapability';
import type { UsageRecorder } from '../metering/UsageRecorder';
import type { UsageService } from '../metering/UsageService';
import type { UsageStore } from '../metering/UsageStore';
import type { InferenceConfig } from './config';
import { createDeployCapability } from './deploy/createDeployCapability';
import type { InferenceDeployer } from './deploy/InferenceDeployer';
import { InferenceServiceDiscovery } from './discovery/InferenceServiceDiscovery';
import { GatewayAuthenticator } from './gateway/GatewayAuthenticator';
import { InferenceProxy } from './gateway/InferenceProxy';
import { createGatewayRouter } from './gateway/router';
import { BudgetSeeder } from './limits/BudgetSeeder';
import type { LimitStore } from './limits/LimitStore';
import { MemoryLimitStore } from './limits/MemoryLimitStore';
import { RedisLimitStore } from './limits/RedisLimitStore';
import { GatewayMetrics } from './metrics/GatewayMetrics';
import { httpMetricsMiddleware } from './metrics/httpMetricsMiddleware';
import { createMetricsRouter } from './metrics/router';
import { ModelRegistry } from './models/ModelRegistry';
import { ReplicaDirectory } from './upstream/Replica';
import type { PermissionGate } from '../permissions/PermissionGate';

/**
 * How long shutdown waits for the calls under way: well inside what the chart leaves after its
 * preStop (terminationGracePeriodSeconds 45 - preStopSleepSeconds 10 = 35 s).
 */
const CLOSE_DRAIN_MS = 25_000;

export interface InferenceGatewayOptions {
  config: InferenceConfig;
  database: DatabaseService;
  environments: Pick<EnvironmentStore, 'get' | 'list'>;
  kube: KubernetesClient;
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  permissions: PermissionsService;
  /** How the gateway and usage reports ask the permission policy about environments. */
  gate: PermissionGate;
  logger: LoggerService;
  /** For tests: a limit store of their own. */
  limits?: LimitStore;
}

/**
 * The inference capability wired together: models and their replicas, limits (memory or
 * Redis), API keys, metering, metrics, the OpenAI router, discovery and deployment of model
 * servers. createInferenceCapability hands its routers and tasks to the wiring; `start` closes
 * it at shutdown.
 */
export class InferenceGateway {
  static async create(
    options: InferenceGatewayOptions,
  ): Promise<InferenceGateway> {
    const { config, logger, database, gate } = options;
    const limits =
      options.limits ??
      (config.limits.store === 'redis'
        ? await RedisLimitStore.connect({
            url: config.limits.redisUrl!,
            keyPrefix: config.limits.keyPrefix,
          })
        : new MemoryLimitStore());
    const metering = await createMeteringCapability({
      database,
      gate,
      currency: config.currency,
      flushIntervalMs: config.metering.flushIntervalMs,
      batchSize: config.metering.batchSize,
      logger,
      redis:
        config.limits.store === 'redis'
          ? {
              url: config.limits.redisUrl!,
              streamKey: config.metering.streamKey,
              claimIdleMs: config.metering.claimIdleMs,
            }
          : undefined,
    });
    const keyStore = await DatabaseApiKeyStore.create({ database });
    return new InferenceGateway(options, limits, metering, keyStore);
  }

  readonly metrics = new GatewayMetrics();
  readonly registry: ModelRegistry;
  readonly recorder: UsageRecorder;
  readonly auth: GatewayAuthenticator;
  readonly proxy: InferenceProxy;
  readonly keys: ApiKeyService;
  /** The keys' records: environments revoke theirs when they are deleted. */
  readonly keyStore: ApiKeyStore;
  readonly usage: UsageService;
  readonly deployer: InferenceDeployer;
  readonly discovery: InferenceServiceDiscovery;
  readonly #replicas: ReplicaDirectory;
  readonly #limits: LimitStore;
  readonly #config: InferenceConfig;
  readonly #httpAuth: HttpAuthService;
  readonly #permissions: PermissionsService;
  readonly #logger: LoggerService;

  private constructor(
    options: InferenceGatewayOptions,
    limits: LimitStore,
    metering: {
      service: UsageService;
      store: UsageStore;
      recorder: UsageRecorder;
    },
    keyStore: ApiKeyStore,
  ) {
    const { config, logger } = options;
    const usageStore = metering.store;
    this.#config = config;
    this.#limits = limits;
    this.#httpAuth = options.httpAuth;
    this.#permissions = options.permissions;
    this.#logger = logger;
    this.keyStore = keyStore;
    this.usage = metering.service;
    this.recorder = metering.recorder;
    this.#replicas = new ReplicaDirectory({
      connectTimeoutMs: config.timeouts.connectMs,
      cooldownFailures: config.cooldown.failures,
      cooldownMs: config.cooldown.seconds * 1000,
    });
    this.registry = new ModelRegistry({
      models: config.models,
      replicas: this.#replicas,
      currency: config.currency,
      onServed: name => this.metrics.startModelSeries(name),
    });
    this.auth = new GatewayAuthenticator({
      keys: keyStore,
      environments: options.environments,
      usage: usageStore,
      limits,
      httpAuth: options.httpAuth,
      userInfo: options.userInfo,
      permissions: options.permissions,
      gate: options.gate,
      config,
      logger,
    });
    this.proxy = new InferenceProxy({
      registry: this.registry,
      limits,
      seeder: new BudgetSeeder({
        usage: usageStore,
        pending: () => this.recorder.unwritten(),
        limits,
      }),
      recorder: this.recorder,
      metrics: this.metrics,
      config,
      logger,
    });
    this.keys = createKeysCapability({
      keys: keyStore,
      environments: options.environments,
      usage: usageStore,
      gate: options.gate,
      modelNames: () => this.registry.list().map(m => m.name),
      defaults: config.keyDefaults,
      ceilings: config.keyCeilings,
      currency: config.currency,
      onRevoke: keyId => this.auth.evictKey(keyId),
    }).service;
    this.discovery = new InferenceServiceDiscovery({
      kube: options.kube,
      environments: options.environments,
      registry: this.registry,
      config,
      logger,
    });
    this.deployer = createDeployCapability({
      kube: options.kube,
      environments: options.environments,
      gate: options.gate,
      config: config.deploy,
      logger,
      onDeployed: async () => {
        if (config.discovery.enabled) await this.discovery.refresh();
      },
    }).deployer;
  }

  /** Times every request of the plugin; mount first. */
  metricsMiddleware() {
    return httpMetricsMiddleware(this.metrics);
  }

  /** `/v1/*` and `/metrics`; mount before the plugin's JSON body parser. */
  gatewayRouter() {
    const router = createGatewayRouter({
      auth: this.auth,
      proxy: this.proxy,
      registry: this.registry,
      maxBodyBytes: this.#config.maxBodyBytes,
    });
    router.use(
      createMetricsRouter({
        metrics: this.metrics,
        httpAuth: this.#httpAuth,
        permissions: this.#permissions,
        public: this.#config.metrics.public,
      }),
    );
    return router;
  }

  /**
   * Model server discovery, when enabled: every replica keeps its own routing table, so the
   * task is local.
   */
  tasks(): ScheduledTask[] {
    if (!this.#config.discovery.enabled) return [];
    return [
      {
        id: 'genai-playground-inference-discovery',
        frequency: { seconds: this.#config.discovery.intervalSeconds },
        timeout: { minutes: 1 },
        initialDelay: { seconds: 1 },
        scope: 'local',
        fn: async () => {
          await this.discovery.refresh();
        },
      },
    ];
  }

  /**
   * Starts what runs beside requests: key invalidation on environment changes, and the
   * shutdown hook that writes the metering buffer after the server stopped taking calls.
   */
  async start(options: { events: EventsService; lifecycle: LifecycleService }) {
    options.lifecycle.addShutdownHook(() => this.close());
    await options.events.subscribe({
      id: 'genai-playground-inference-keys',
      topics: [GENAI_PLAYGROUND_ENVIRONMENT_TOPIC],
      onEvent: async ({ eventPayload }) => {
        const { action, environment } =
          eventPayload as EnvironmentChangeEventPayload;
        await this.onEnvironmentChange(action, environment.id);
      },
    });
  }

  /** An environment changed (events topic): forget cached keys; revoke them when it is gone. */
  async onEnvironmentChange(action: string, environmentId: string) {
    this.auth.evictEnvironment(environmentId);
    if (action === 'delete') {
      await this.keys.revokeEnvironment(
        environmentId,
        'genai-playground:environment-deleted',
      );
    }
  }

  /**
   * The shutdown hook: waits for the calls under way (streams included) to end, up to
   * CLOSE_DRAIN_MS, then writes the metering buffer and closes the connection pools and the limit
   * store. Backstage runs plugins' shutdown hooks before it closes the HTTP server (new calls get
   * 503 by then), so without the wait a stream that ends during shutdown would be answered whole
   * and its record given to a closed recorder.
   */
  async close() {
    const running = await this.proxy.drain(CLOSE_DRAIN_MS);
    if (running > 0) {
      this.#logger.warn(
        `Inference gateway: ${running} calls still running after ${CLOSE_DRAIN_MS} ms of shutdown; their usage is written straight to the database`,
      );
    }
    await this.recorder.close();
    await this.#replicas.close();
    await this.#limits.close();
  }
}
