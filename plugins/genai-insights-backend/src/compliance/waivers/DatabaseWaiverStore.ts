import type { DatabaseService } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import type {
  StoredWaiver,
  WaiverStateFilter,
  WaiverStore,
} from './WaiverStore';

const TABLE = 'compliance_waivers';

/** What may be in force at once: one waiver per check and environment, or check and team. */
const activeKey = (w: Pick<StoredWaiver, 'checkId' | 'environment' | 'team'>) =>
  w.environment
    ? `${w.checkId}|environment|${w.environment}`
    : `${w.checkId}|team|${w.team}`;

type Row = {
  id: string;
  active_key: string | null;
  check_id: string;
  team: string;
  environment: string | null;
  justification: string;
  expires_at: string;
  created_by: string;
  created_at: string;
  revoked_by: string | null;
  revoked_at: string | null;
  expiry_notified_at: string | null;
};

const fromRow = (r: Row): StoredWaiver => ({
  id: r.id,
  checkId: r.check_id,
  team: r.team,
  ...(r.environment ? { environment: r.environment } : {}),
  justification: r.justification,
  expiresAt: r.expires_at,
  createdBy: r.created_by,
  createdAt: r.created_at,
  ...(r.revoked_by ? { revokedBy: r.revoked_by } : {}),
  ...(r.revoked_at ? { revokedAt: r.revoked_at } : {}),
  ...(r.expiry_notified_at ? { expiryNotifiedAt: r.expiry_notified_at } : {}),
});

/** The `compliance_waivers` table. */
export class DatabaseWaiverStore implements WaiverStore {
  /** A store on the plugin's database, migrated beforehand (migrateDatabase). */
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseWaiverStore> {
    return new DatabaseWaiverStore(await options.database.getClient());
  }

  private constructor(private readonly db: Knex) {}

  async create(
    waiver: StoredWaiver,
    now: string,
  ): Promise<{ created: StoredWaiver } | { existing: StoredWaiver }> {
    const key = activeKey(waiver);
    return this.db.transaction(async tx => {
      // An expired waiver no longer holds its place.
      await tx(TABLE)
        .where({ active_key: key })
        .where('expires_at', '<=', now)
        .update({ active_key: null });
      const inserted = await tx(TABLE)
        .insert({
          id: waiver.id,
          check_id: waiver.checkId,
          team: waiver.team,
          environment: waiver.environment ?? null,
          justification: waiver.justification,
          expires_at: waiver.expiresAt,
          created_by: waiver.createdBy,
          created_at: waiver.createdAt,
          active_key: key,
        })
        .onConflict('active_key')
        .ignore()
        .returning('id');
      if (inserted.length > 0) return { created: waiver };
      const existing = await tx<Row>(TABLE).where({ active_key: key }).first();
      return { existing: fromRow(existing!) };
    });
  }

  async get(id: string): Promise<StoredWaiver | undefined> {
    const row = await this.db<Row>(TABLE).where({ id }).first();
    return row && fromRow(row);
  }

  async list(filter: {
    state: WaiverStateFilter;
    now: string;
    teams?: string[];
  }): Promise<StoredWaiver[]> {
    const { state, now, teams } = filter;
    const query = this.db<Row>(TABLE).orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'asc' },
    ]);
    if (teams) query.whereIn('team', teams);
    if (state === 'active') {
      query.whereNull('revoked_at').where('expires_at', '>', now);
    } else if (state === 'expired') {
      query.whereNull('revoked_at').where('expires_at', '<=', now);
    } else if (state === 'revoked') {
      query.whereNotNull('revoked_at');
    }
    return (await query).map(fromRow);
  }

  async revoke(id: string, by: string, at: string): Promise<boolean> {
    const n = await this.db(TABLE)
      .where({ id })
      .whereNull('revoked_at')
      .where('expires_at', '>', at)
      .update({ revoked_by: by, revoked_at: at, active_key: null });
    return n > 0;
  }

  async expiringUnnotified(
    now: string,
    until: string,
  ): Promise<StoredWaiver[]> {
    const rows = await this.db<Row>(TABLE)
      .whereNull('revoked_at')
      .whereNull('expiry_notified_at')
      .where('expires_at', '>', now)
      .where('expires_at', '<=', until)
      .orderBy(['expires_at', 'id']);
    return rows.map(fromRow);
  }

  async claimExpiryNotice(id: string, at: string): Promise<boolean> {
    const n = await this.db(TABLE)
      .where({ id })
      .whereNull('expiry_notified_at')
      .update({ expiry_notified_at: at });
    return n > 0;
  }

  async releaseExpiryNotice(id: string): Promise<void> {
    await this.db(TABLE).where({ id }).update({ expiry_notified_at: null });
  }
}
