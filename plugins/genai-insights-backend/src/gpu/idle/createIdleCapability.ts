import type {
  AuthService,
  DatabaseService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { Capability } from '../../collect/createCollectorCapability';
import type { InsightsConfig } from '../../config';
import type { FactStore } from '../../facts/FactStore';
import {
  CatalogTeamContacts,
  type TeamContacts,
} from '../../notify/BudgetRecipients';
import type { ClusterGpuReader, PrometheusQueries } from '../types';
import { DatabaseIdleEpisodeStore } from './DatabaseIdleEpisodeStore';
import { IdleEpisodeFactSource } from './IdleEpisodeFactSource';
import { NotificationIdleNotifier, type IdleRuleOptions } from './IdleNotifier';
import { IdleScanner, type IdleMetricOptions } from './IdleScanner';
import {
  anyRequestActivity,
  MeteredRequestActivity,
  PrometheusRequestActivity,
  type RequestActivity,
} from './RequestActivity';

export interface IdleCapabilityOptions {
  /** The plugin's database, migrated. */
  database: DatabaseService;
  reader: ClusterGpuReader;
  /** Absent when `genaiInsights.prometheus` is not configured: no scan, the store only. */
  prometheus?: PrometheusQueries;
  /** The rule, and how often the scan runs (`scanFrequencyMs`, default one minute). */
  rule: IdleRuleOptions & { scanFrequencyMs?: number };
  /** A pool's GPU-hour price now, in micros (the rate card's current version). */
  gpuHourMicros(pool: string): number;
  /** The notifications' currency; default the config's (`genaiInsights.currency`), else USD. */
  currency?: string;
  config?: Pick<InsightsConfig, 'currency'>;
  /** Where the exporter's activity is (`genaiInsights.prometheus`: prefix, labels, scrape step). */
  connection?: IdleMetricOptions;
  /** Metered calls of the gateway: inference servers called through it served requests. */
  facts?: Pick<FactStore, 'read'>;
  /** Absent: nobody is told (the episodes are still kept). */
  notifications?: Pick<NotificationService, 'send'>;
  catalog?: Pick<CatalogService, 'getEntityByRef'>;
  auth?: Pick<AuthService, 'getOwnServiceCredentials'>;
  /** Who a team's leads are; default from the catalog's groups (catalog and auth). */
  teams?: TeamContacts;
  logger: LoggerService;
  clock?: () => Date;
}

/**
 * Idle GPUs: the episode store (for the idle list) and, with Prometheus, a global task
 * scanning the fleet every `scanFrequencyMs` and telling owners and leads once per episode,
 * and the episodes as facts for the collector (the ledger's used basis leaves idle GPUs out).
 */
export async function createIdleCapability(
  options: IdleCapabilityOptions,
): Promise<
  Capability & {
    store: DatabaseIdleEpisodeStore;
    scanner?: IdleScanner;
    /** The episodes as facts of the ledger, while the scan runs. */
    factSource?: IdleEpisodeFactSource;
  }
> {
  const { prometheus, logger, rule } = options;
  const clock = options.clock ?? (() => new Date());
  const store = await DatabaseIdleEpisodeStore.create({
    database: options.database,
    clock,
  });
  if (!prometheus) return { store, tasks: [] };

  const sources: RequestActivity[] = [
    new PrometheusRequestActivity({
      prometheus,
      podLabel: options.connection?.podLabel,
      namespaceLabel: options.connection?.namespaceLabel,
      clock,
    }),
  ];
  if (options.facts) {
    sources.push(new MeteredRequestActivity({ facts: options.facts, clock }));
  }
  let teams = options.teams;
  if (!teams && options.catalog && options.auth) {
    teams = new CatalogTeamContacts({
      catalog: options.catalog,
      auth: options.auth,
    });
  }
  const notifier =
    rule.notify && options.notifications
      ? new NotificationIdleNotifier({
          notifications: options.notifications,
          // Without the catalog a team is told through its group.
          teams: teams ?? { contactsOf: async team => [team] },
          currency: options.currency ?? options.config?.currency ?? 'USD',
          logger,
        })
      : undefined;
  const scanner = new IdleScanner({
    reader: options.reader,
    prometheus,
    store,
    rule: {
      thresholdPercent: rule.thresholdPercent,
      windowMs: rule.windowMs,
      inferenceNeedsNoRequests: rule.inferenceNeedsNoRequests,
      notify: rule.notify,
    },
    gpuHourMicros: options.gpuHourMicros,
    requests: anyRequestActivity(sources),
    notifier,
    metrics: options.connection,
    logger,
  });
  const frequencyMs = rule.scanFrequencyMs ?? 60_000;
  return {
    store,
    scanner,
    factSource: await IdleEpisodeFactSource.create({
      database: options.database,
    }),
    tasks: [
      {
        id: 'genai-insights-idle-gpus',
        frequency: { milliseconds: frequencyMs },
        timeout: { milliseconds: Math.max(5 * frequencyMs, 300_000) },
        initialDelay: { milliseconds: Math.min(frequencyMs, 60_000) },
        scope: 'global',
        fn: async () => {
          const result = await scanner.run(clock());
          if (result.opened || result.ended || result.notifiedPods) {
            logger.info(
              `Idle GPU scan: ${result.idleGpus} GPUs idle, ${result.opened} episodes opened, ${result.ended} ended, ${result.notifiedPods} pods notified`,
            );
          }
        },
      },
    ],
  };
}
