import type { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { TeamContacts } from '../../notify/BudgetRecipients';
import type { StoredWaiver, WaiverStore } from './WaiverStore';

/** The notifications' topic. */
export const WAIVER_TOPIC = 'genai-insights-compliance-waiver';

/** How long before its expiry a waiver's owners are told. */
export const EXPIRY_NOTICE_MS = 7 * 86_400_000;

const nameOf = (ref: string) => {
  try {
    return parseEntityRef(ref).name;
  } catch {
    return ref;
  }
};

export interface WaiverExpiryNotifierOptions {
  store: WaiverStore;
  teams: TeamContacts;
  notifications: Pick<NotificationService, 'send'>;
  logger: LoggerService;
  clock?: () => Date;
}

/** An expiry notice sent. */
export interface SentExpiryNotice {
  id: string;
  recipients: string[];
}

/**
 * Tells a waiver's creator and its team's leads, once, when it expires within a week, so that
 * they fix the check or grant a new waiver before the score drops. Once per waiver: the notice
 * is claimed in the waiver's row (expiry_notified_at) before it is sent, so restarts and
 * replicas do not repeat it; a notice that could not be sent is released and tried next run.
 */
export class WaiverExpiryNotifier {
  readonly #options: WaiverExpiryNotifierOptions;
  readonly #now: () => Date;

  constructor(options: WaiverExpiryNotifierOptions) {
    this.#options = options;
    this.#now = options.clock ?? (() => new Date());
  }

  async run(): Promise<SentExpiryNotice[]> {
    const { store, logger } = this.#options;
    const now = this.#now();
    const due = await store.expiringUnnotified(
      now.toISOString(),
      new Date(now.getTime() + EXPIRY_NOTICE_MS).toISOString(),
    );
    const sent: SentExpiryNotice[] = [];
    for (const waiver of due) {
      if (!(await store.claimExpiryNotice(waiver.id, now.toISOString()))) {
        continue;
      }
      try {
        const recipients = await this.#recipientsOf(waiver);
        if (recipients.length === 0) {
          logger.warn(
            `Compliance waiver ${waiver.id} expires at ${waiver.expiresAt}; no one to notify`,
          );
          continue;
        }
        await this.#options.notifications.send({
          recipients: { type: 'entity', entityRef: recipients },
          payload: this.#payload(waiver),
        });
        sent.push({ id: waiver.id, recipients });
      } catch (error) {
        await store.releaseExpiryNotice(waiver.id);
        logger.warn(
          `Could not tell that compliance waiver ${
            waiver.id
          } expires; trying again next run: ${(error as Error).message}`,
        );
      }
    }
    return sent;
  }

  /** The creator (when a user) and the team's leads; not the team's whole group. */
  async #recipientsOf(waiver: StoredWaiver): Promise<string[]> {
    const contacts = waiver.team
      ? await this.#options.teams.contactsOf(waiver.team)
      : [];
    // contactsOf answers the team's group when it names no leads: a waiver is the leads' call,
    // so its members are not told.
    const leads = contacts.filter(ref => ref !== waiver.team);
    const creator = waiver.createdBy.startsWith('user:')
      ? [waiver.createdBy]
      : [];
    return [...new Set([...creator, ...leads])];
  }

  #payload(waiver: StoredWaiver) {
    const place = waiver.environment
      ? `environment ${waiver.environment}`
      : `every environment of team ${nameOf(waiver.team)}`;
    return {
      title: `The waiver of check ${
        waiver.checkId
      } for ${place} expires on ${waiver.expiresAt.slice(0, 10)}`,
      description: `It stops counting at ${waiver.expiresAt}; the check's failures will count against the score again. Fix them, or grant a new waiver. Justification: ${waiver.justification}`,
      link: '/genai-insights/compliance',
      severity: 'normal' as const,
      topic: WAIVER_TOPIC,
      scope: `${WAIVER_TOPIC}:${waiver.id}`,
    };
  }
}
