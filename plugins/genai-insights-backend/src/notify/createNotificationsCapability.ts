import type {
  AuthService,
  DatabaseService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { BudgetService } from '../budgets/BudgetService';
import type { Capability } from '../collect/createCollectorCapability';
import type { InsightsConfig } from '../config';
import type { FactStore } from '../facts/FactStore';
import { CatalogTeamContacts } from './BudgetRecipients';
import { BudgetNotifier } from './BudgetNotifier';
import { DatabaseNotificationLog } from './NotificationLog';

export interface NotificationsCapabilityOptions {
  config: Pick<InsightsConfig, 'notifications'>;
  /** The plugin's database, migrated. */
  database: DatabaseService;
  budgetService: Pick<BudgetService, 'status'>;
  facts: Pick<FactStore, 'environmentBudgets'>;
  catalog: Pick<CatalogService, 'getEntityByRef'>;
  auth: Pick<AuthService, 'getOwnServiceCredentials'>;
  notifications: Pick<NotificationService, 'send'>;
  logger: LoggerService;
  clock?: () => Date;
}

/**
 * Budget notifications: the current month's budgets evaluated every five minutes (a global
 * task), and each threshold newly crossed notified once. Nothing when
 * `genaiInsights.notifications.enabled` is false.
 */
export async function createNotificationsCapability(
  options: NotificationsCapabilityOptions,
): Promise<Capability & { notifier?: BudgetNotifier }> {
  const { config, logger } = options;
  if (!config.notifications.enabled) return {};
  const notifier = new BudgetNotifier({
    budgets: options.budgetService,
    facts: options.facts,
    log: await DatabaseNotificationLog.create({ database: options.database }),
    teams: new CatalogTeamContacts(options),
    notifications: options.notifications,
    adminGroups: config.notifications.adminGroups,
    logger,
    clock: options.clock,
  });
  return {
    notifier,
    tasks: [
      {
        id: 'genai-insights-budget-notifications',
        frequency: { minutes: 5 },
        timeout: { minutes: 5 },
        initialDelay: { minutes: 1 },
        scope: 'global',
        fn: async () => {
          const sent = await notifier.run();
          if (sent.length) {
            logger.info(`Sent ${sent.length} budget notifications`);
          }
        },
      },
    ],
  };
}
