import type {
  AuthService,
  DatabaseService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { Capability } from '../../collect/createCollectorCapability';
import type { InsightsConfig } from '../../config';
import { CatalogTeamContacts } from '../../notify/BudgetRecipients';
import { DatabaseWaiverStore } from './DatabaseWaiverStore';
import { WaiverExpiryNotifier } from './WaiverExpiryNotifier';
import { WaiverService } from './WaiverService';

export interface WaiverCapabilityOptions {
  config: Pick<InsightsConfig, 'notifications'>;
  /** The plugin's database, migrated. */
  database: DatabaseService;
  catalog: Pick<CatalogService, 'getEntityByRef'>;
  auth: Pick<AuthService, 'getOwnServiceCredentials'>;
  notifications: Pick<NotificationService, 'send'>;
  logger: LoggerService;
  clock?: () => Date;
}

/**
 * Compliance waivers: the service the routes and the scoring use, and the hourly notice of
 * waivers expiring within a week (a global task; none when
 * `genaiInsights.notifications.enabled` is false).
 */
export async function createWaiverCapability(
  options: WaiverCapabilityOptions,
): Promise<
  Capability & { service: WaiverService; notifier?: WaiverExpiryNotifier }
> {
  const { config, logger, clock } = options;
  const store = await DatabaseWaiverStore.create(options);
  const service = new WaiverService({ store, clock });
  if (!config.notifications.enabled) return { service };
  const notifier = new WaiverExpiryNotifier({
    store,
    teams: new CatalogTeamContacts(options),
    notifications: options.notifications,
    logger,
    clock,
  });
  return {
    service,
    notifier,
    tasks: [
      {
        id: 'genai-insights-compliance-waiver-expiry',
        frequency: { hours: 1 },
        timeout: { minutes: 10 },
        initialDelay: { minutes: 2 },
        scope: 'global',
        fn: async () => {
          const sent = await notifier.run();
          if (sent.length) {
            logger.info(`Sent ${sent.length} compliance waiver expiry notices`);
          }
        },
      },
    ],
  };
}
