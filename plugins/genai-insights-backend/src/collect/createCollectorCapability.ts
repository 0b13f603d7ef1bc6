import type {
  AuthService,
  DatabaseService,
  DiscoveryService,
  LoggerService,
  SchedulerServiceTaskInvocationDefinition,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import type { FactSource } from '@genai-portal/plugin-genai-insights-node';
import type { CoreV1Api } from '@kubernetes/client-node';
import { ClusterPodSource } from '../cluster/ClusterPodSource';
import { DatabaseClusterPodStore } from '../cluster/ClusterPodStore';
import { makeCoreApi } from '../cluster/kubernetes';
import type { InsightsConfig } from '../config';
import type { FactStore } from '../facts/FactStore';
import { LedgerService } from '../ledger/LedgerService';
import type { LedgerStore } from '../ledger/LedgerStore';
import { DatabaseCursorStore } from './DatabaseCursorStore';
import { FeedCollector } from './FeedCollector';
import { PlaygroundFeedClient, type FeedClient } from './PlaygroundFeedClient';

/** A task for the plugin's scheduler, as `scheduler.scheduleTask` takes it. */
export type ScheduledTask = SchedulerServiceTaskScheduleDefinition &
  SchedulerServiceTaskInvocationDefinition;

/**
 * What a capability's factory (`create<Name>Capability`) hands to plugin.ts besides its
 * services: tasks to schedule. Test harnesses call the same factories and run the tasks' work
 * themselves.
 */
export interface Capability {
  tasks?: ScheduledTask[];
}

export interface CollectorCapabilityOptions {
  config: Pick<InsightsConfig, 'collector' | 'cluster' | 'rateCard'>;
  /** The plugin's database, migrated. */
  database: DatabaseService;
  discovery: Pick<DiscoveryService, 'getBaseUrl'>;
  auth: Pick<AuthService, 'getOwnServiceCredentials' | 'getPluginRequestToken'>;
  logger: LoggerService;
  facts: FactStore;
  ledger: LedgerStore;
  /** Sources added by modules (genaiInsightsFactsExtensionPoint). */
  sources?: FactSource[];
  /** Built-in sources of other capabilities (GPU utilization's idle episodes), read first. */
  builtInSources?: FactSource[];
  clock?: () => Date;
  /** For tests: the feed, instead of the playground's over discovery. */
  feed?: FeedClient;
  /** For tests: the cluster's API, instead of one made from `config.cluster`. */
  core?: CoreV1Api;
}

/**
 * The collector: the playground's feed, the cluster's pods (when a cluster is configured) and
 * the modules' fact sources, read into the fact tables, and the ledger recomputed where they
 * changed and for the current hour — a global task every `collector.frequencySeconds`.
 */
export async function createCollectorCapability(
  options: CollectorCapabilityOptions,
): Promise<
  Capability & { collector: FeedCollector; ledgerService: LedgerService }
> {
  const { config, database, logger, clock } = options;
  const cursors = await DatabaseCursorStore.create({ database, now: clock });
  const ledgerService = new LedgerService({
    facts: options.facts,
    ledger: options.ledger,
    rateCard: config.rateCard,
    logger,
  });
  const sources: FactSource[] = [];
  const core =
    options.core ?? (config.cluster ? makeCoreApi(config.cluster) : undefined);
  if (core) {
    sources.push(
      new ClusterPodSource({
        core,
        store: await DatabaseClusterPodStore.create({ database }),
        logger,
        nodeLabelKeys: Object.keys(config.rateCard.spotNodeLabels),
      }),
    );
    if (config.cluster) {
      logger.info(`Collecting pods of the cluster of ${config.cluster.source}`);
    }
  } else {
    logger.info(
      'No cluster configured (genaiInsights.cluster or genaiPlayground.cluster): pods outside jobs are not collected',
    );
  }
  sources.push(...(options.builtInSources ?? []), ...(options.sources ?? []));
  const collector = new FeedCollector({
    facts: options.facts,
    cursors,
    ledger: ledgerService,
    feed:
      options.feed ??
      new PlaygroundFeedClient({
        discovery: options.discovery,
        auth: options.auth,
      }),
    sources,
    logger,
    clock,
  });
  return {
    collector,
    ledgerService,
    tasks: [
      {
        id: 'genai-insights-collector',
        frequency: { seconds: config.collector.frequencySeconds },
        timeout: { minutes: 15 },
        initialDelay: { seconds: 5 },
        scope: 'global',
        fn: async signal => {
          const run = await collector.run(signal);
          if (run.facts > 0 || run.failed.length) {
            logger.info(
              `Collected ${run.facts} facts (${run.pages} pages of the feed)${
                run.failed.length ? `; failed: ${run.failed.join(', ')}` : ''
              }; recomputed ${run.recomputed?.from ?? '-'} to ${
                run.recomputed?.to ?? '-'
              }`,
            );
          }
        },
      },
    ],
  };
}
