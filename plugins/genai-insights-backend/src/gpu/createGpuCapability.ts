import type {
  AuthService,
  DatabaseService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { IdleRule } from '@genai-portal/plugin-genai-insights-common';
import type { FactSource } from '@genai-portal/plugin-genai-insights-node';
import type { Capability } from '../collect/createCollectorCapability';
import type { InsightsConfig } from '../config';
import type { FactStore } from '../facts/FactStore';
import { poolRates, rateAt } from '../rates/RateCard';
import { KubernetesGpuReader } from './allocation';
import { FleetService } from './FleetService';
import { createIdleCapability } from './idle/createIdleCapability';
import { DatabaseGpuPodDirectory } from './pods/GpuPodDirectory';
import { RecordingGpuReader } from './pods/RecordingGpuReader';
import { PrometheusClient } from './prometheus/PrometheusClient';
import { GpuPromQL } from './promql';
import type { GpuRoutesOptions } from './routes';
import type { ClusterGpuReader, ClusterGpuSnapshot } from './types';
import { UsageService } from './UsageService';

export interface GpuCapabilityOptions {
  config: Pick<
    InsightsConfig,
    'cluster' | 'prometheus' | 'gpu' | 'rateCard' | 'currency' | 'notifications'
  >;
  /** The plugin's database, migrated. */
  database: DatabaseService;
  facts: Pick<FactStore, 'read'>;
  catalog: Pick<CatalogService, 'getEntityByRef'>;
  auth: Pick<AuthService, 'getOwnServiceCredentials'>;
  notifications: Pick<NotificationService, 'send'>;
  logger: LoggerService;
  /** For tests: a reader instead of the configured cluster's. */
  reader?: ClusterGpuReader;
  clock?: () => Date;
}

/** Without a cluster there is nothing allocated to show. */
const noCluster: ClusterGpuReader = {
  async snapshot(): Promise<ClusterGpuSnapshot> {
    return { at: new Date().toISOString(), nodes: [], pods: [], pending: [] };
  },
};

/**
 * GPU utilization: the cluster's allocation, Prometheus's activity, the pod directory, the
 * services behind `/gpu/...`, the idle scan's task and, while it scans, the idle episodes as a
 * source of facts for the collector.
 */
export async function createGpuCapability(
  options: GpuCapabilityOptions,
): Promise<
  Capability & {
    routes: Omit<GpuRoutesOptions, 'gate' | 'caller'>;
    factSources: FactSource[];
  }
> {
  const { config, logger } = options;
  const { gpu, prometheus: connection } = config;
  const directory = await DatabaseGpuPodDirectory.create(options);
  const cluster =
    options.reader ??
    (config.cluster
      ? KubernetesGpuReader.fromCluster(config.cluster, {
          logger,
          poolLabel: gpu.poolLabel,
        })
      : noCluster);
  const reader = new RecordingGpuReader(cluster, directory);
  const prometheus = connection && new PrometheusClient(connection);
  const promql = new GpuPromQL(
    connection ?? {
      metricPrefix: '',
      podLabel: 'pod',
      namespaceLabel: 'namespace',
    },
  );
  const gpuHourMicros = (pool: string) =>
    poolRates(rateAt(config.rateCard, new Date().toISOString()), pool).gpuHour;
  const rule: IdleRule = {
    thresholdPercent: gpu.idle.thresholdPercent,
    windowMinutes: gpu.idle.windowMs / 60_000,
    inferenceNeedsNoRequests: gpu.idle.inferenceNeedsNoRequests,
    notify: gpu.idle.notify && config.notifications.enabled,
  };
  const idle = await createIdleCapability({
    ...options,
    reader,
    prometheus,
    connection,
    rule: { ...gpu.idle, notify: rule.notify },
    gpuHourMicros,
  });
  const shared = {
    reader,
    prometheus,
    promql,
    rule,
    currency: config.currency,
    gpuHourMicros,
  };
  return {
    tasks: idle.tasks,
    factSources: idle.factSource ? [idle.factSource] : [],
    routes: {
      fleet: new FleetService({
        ...shared,
        idle: idle.store,
        clock: options.clock,
      }),
      usage: new UsageService({
        ...shared,
        directory,
        facts: options.facts,
        scrapeIntervalSeconds: connection?.scrapeIntervalSeconds ?? 15,
        clock: options.clock,
      }),
      idle: idle.store,
      directory,
      rule,
      currency: config.currency,
      prometheus,
      clock: options.clock,
    },
  };
}
