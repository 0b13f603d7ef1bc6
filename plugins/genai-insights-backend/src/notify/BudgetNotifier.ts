import type { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import type {
  BudgetStatus,
  BudgetThreshold,
  Micros,
} from '@genai-portal/plugin-genai-insights-common';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { BudgetService } from '../budgets/BudgetService';
import type { FactStore } from '../facts/FactStore';
import type { TeamContacts } from './BudgetRecipients';
import type { NotificationKey, NotificationLog } from './NotificationLog';

/** The notifications' topic. */
export const BUDGET_TOPIC = 'genai-insights-budget';

/** In the order they are reached, so that the last notification sent is the latest news. */
const THRESHOLDS: BudgetThreshold[] = [
  'actual-50',
  'actual-80',
  'actual-100',
  'forecast-100',
];

const SEVERITY: Record<BudgetThreshold, 'normal' | 'high' | 'critical'> = {
  'actual-50': 'normal',
  'actual-80': 'high',
  'actual-100': 'critical',
  'forecast-100': 'high',
};

const money = (micros: Micros, currency: string) =>
  `${(micros / 1_000_000).toLocaleString('en-US', {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  })} ${currency}`;

const nameOf = (ref: string) => {
  try {
    return parseEntityRef(ref).name;
  } catch {
    return ref;
  }
};

export interface BudgetNotifierOptions {
  budgets: Pick<BudgetService, 'status'>;
  facts: Pick<FactStore, 'environmentBudgets'>;
  log: NotificationLog;
  teams: TeamContacts;
  notifications: Pick<NotificationService, 'send'>;
  /** Group refs told of cost-center budgets. */
  adminGroups: string[];
  logger: LoggerService;
  clock?: () => Date;
}

/** A notification sent. */
export interface SentNotification extends NotificationKey {
  recipients: string[];
}

/**
 * Tells people when a budget's month crosses a threshold (`actual-50`, `actual-80`,
 * `actual-100`, `forecast-100`), once per budget, month, threshold and budget amount (a new
 * amount is a new budget): a team budget its leads (the team's group when it names none), an
 * environment budget its team's, a cost-center budget the admins. Thresholds crossed together
 * are sent in order in one scope per budget and month (the forecast in its own), so the
 * notifications page shows the latest of them.
 */
export class BudgetNotifier {
  private readonly clock: () => Date;

  constructor(private readonly options: BudgetNotifierOptions) {
    this.clock = options.clock ?? (() => new Date());
  }

  /** Evaluates the current month's budgets and sends what is newly crossed. */
  async run(): Promise<SentNotification[]> {
    const { budgets, log, logger } = this.options;
    const now = this.clock();
    const month = now.toISOString().slice(0, 7);
    const statuses = (await budgets.status({ month, now })).filter(
      s => s.thresholds.length > 0,
    );
    const sent: SentNotification[] = [];
    let environmentTeams: Promise<Map<string, string>> | undefined;
    const teamOf = async (environmentId: string) => {
      environmentTeams ??= this.options.facts
        .environmentBudgets()
        .then(list => new Map(list.map(e => [e.environmentId, e.team])));
      return (await environmentTeams).get(environmentId);
    };
    for (const status of statuses) {
      for (const threshold of THRESHOLDS) {
        if (!status.thresholds.includes(threshold)) continue;
        const key: NotificationKey = {
          scope: status.scope,
          subject: status.subject,
          month: status.month,
          threshold,
          budgetMicros: status.budgetMicros,
        };
        if (!(await log.claim(key, now.toISOString()))) continue;
        try {
          let team: string | undefined;
          if (status.scope === 'team') team = status.subject;
          if (status.scope === 'environment') {
            team = await teamOf(status.subject);
          }
          let recipients: string[] = [];
          if (status.scope === 'cost-center') {
            recipients = this.options.adminGroups;
          } else if (team) {
            recipients = await this.options.teams.contactsOf(team);
          }
          if (recipients.length === 0) {
            logger.warn(
              `Budget of ${status.scope} ${status.subject} crossed ${threshold} in ${status.month}; no one to notify`,
            );
          } else {
            await this.options.notifications.send({
              recipients: { type: 'entity', entityRef: recipients },
              payload: this.payload(status, threshold, team),
            });
            sent.push({ ...key, recipients });
          }
          await log.markSent(key, this.clock().toISOString());
        } catch (error) {
          await log.release(key);
          logger.warn(
            `Could not notify that the budget of ${status.scope} ${
              status.subject
            } crossed ${threshold}; trying again next run: ${
              (error as Error).message
            }`,
          );
        }
      }
    }
    return sent;
  }

  private payload(
    status: BudgetStatus,
    threshold: BudgetThreshold,
    team: string | undefined,
  ) {
    const who = {
      team: `Team ${nameOf(status.subject)}`,
      environment: `Environment ${status.subject}`,
      'cost-center': `Cost center ${status.subject}`,
    }[status.scope];
    const what = {
      'actual-50': 'has spent half of its budget',
      'actual-80': 'has spent 80% of its budget',
      'actual-100': 'has spent its budget',
      'forecast-100': 'is forecast to exceed its budget',
    }[threshold];
    const { currency } = status;
    const percent =
      status.budgetMicros > 0
        ? ` (${Math.floor(
            (status.monthToDateMicros * 100) / status.budgetMicros,
          )}%)`
        : '';
    return {
      title: `${who} ${what} for ${status.month}`,
      description: `${money(status.monthToDateMicros, currency)} of ${money(
        status.budgetMicros,
        currency,
      )}${percent} spent in ${
        status.month
      } so far; the month-end forecast is ${money(
        status.forecast.costMicros,
        currency,
      )} (${money(status.forecast.lowMicros, currency)} to ${money(
        status.forecast.highMicros,
        currency,
      )}).`,
      link: team
        ? `/genai-insights/cost?team=${encodeURIComponent(nameOf(team))}`
        : '/genai-insights/cost',
      severity: SEVERITY[threshold],
      topic: BUDGET_TOPIC,
      // Updates in place: one entry per budget and month (and one for its forecast).
      scope: `${BUDGET_TOPIC}:${status.scope}:${status.subject}:${
        status.month
      }${threshold === 'forecast-100' ? ':forecast' : ''}`,
    };
  }
}
