import type { DatabaseService } from '@backstage/backend-plugin-api';
import type {
  BudgetThreshold,
  Micros,
} from '@genai-portal/plugin-genai-insights-common';
import type { Knex } from 'knex';

/** One notification: a budget (at its amount), a month and a threshold. */
export interface NotificationKey {
  scope: string;
  subject: string;
  month: string;
  threshold: BudgetThreshold;
  budgetMicros: Micros;
}

/**
 * The budget notifications sent, so that restarts and replicas never send one twice: a
 * notification is claimed (an insert on its unique key) before it is sent.
 */
export interface NotificationLog {
  /**
   * Claims the notification at `at` (ISO): true when it was neither sent nor being sent. A
   * claim older than the log's timeout that was never marked sent (its sender died) is taken
   * over.
   */
  claim(key: NotificationKey, at: string): Promise<boolean>;
  /** Records the claimed notification as sent. */
  markSent(key: NotificationKey, at: string): Promise<void>;
  /** Gives up a claim whose sending failed: the next run tries again. */
  release(key: NotificationKey): Promise<void>;
}

const keyColumns = (key: NotificationKey) => ({
  scope: key.scope,
  subject: key.subject,
  month: key.month,
  threshold: key.threshold,
  budget_micros: key.budgetMicros,
});

/** The `budget_notifications` table. */
export class DatabaseNotificationLog implements NotificationLog {
  /** A log on the plugin's database, migrated beforehand (migrateDatabase). */
  static async create(options: {
    database: DatabaseService;
    /** After how long an unfinished claim is taken over; default ten minutes. */
    claimTimeoutMs?: number;
  }): Promise<DatabaseNotificationLog> {
    return new DatabaseNotificationLog(
      await options.database.getClient(),
      options.claimTimeoutMs ?? 600_000,
    );
  }

  private constructor(
    private readonly db: Knex,
    private readonly claimTimeoutMs: number,
  ) {}

  async claim(key: NotificationKey, at: string): Promise<boolean> {
    const inserted = await this.db('budget_notifications')
      .insert({ ...keyColumns(key), claimed_at: at, sent_at: null })
      .onConflict(['scope', 'subject', 'month', 'threshold', 'budget_micros'])
      .ignore()
      .returning('scope');
    if (inserted.length > 0) return true;
    const expired = new Date(
      Date.parse(at) - this.claimTimeoutMs,
    ).toISOString();
    const taken = await this.db('budget_notifications')
      .where(keyColumns(key))
      .whereNull('sent_at')
      .where('claimed_at', '<', expired)
      .update({ claimed_at: at });
    return taken > 0;
  }

  async markSent(key: NotificationKey, at: string): Promise<void> {
    await this.db('budget_notifications')
      .where(keyColumns(key))
      .update({ sent_at: at });
  }

  async release(key: NotificationKey): Promise<void> {
    await this.db('budget_notifications')
      .where(keyColumns(key))
      .whereNull('sent_at')
      .delete();
  }
}
