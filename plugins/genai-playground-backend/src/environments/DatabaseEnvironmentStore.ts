import type { DatabaseService } from '@backstage/backend-plugin-api';
import type {
  EnvironmentEvent,
  EnvironmentQuotaRequest,
  EnvironmentStatus,
} from '@genai-portal/plugin-genai-playground-common';
import type { PermissionCriteria } from '@backstage/plugin-permission-common';
import type { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import type {
  ClaimResult,
  EnvironmentFilter,
  EnvironmentRecord,
  EnvironmentStore,
  NewEnvironment,
} from './EnvironmentStore';
import type { EnvironmentQuery } from '../permissions/rules';

/*
 * Times are stored as ISO strings from Date#toISOString (always UTC, fixed width), so that they
 * compare in time order as text on both SQLite and PostgreSQL and read back unchanged.
 */

interface EnvironmentRow {
  id: string;
  cluster: string;
  namespace: string;
  name: string;
  team: string;
  owner: string;
  gpu_pool: string;
  quota: string;
  cost_center: string;
  monthly_budget: number | string | null;
  currency: string;
  data_classification: string;
  security_level: string;
  description: string | null;
  status: string;
  status_message: string | null;
  created_at: string;
  updated_at: string;
  expires_at: string;
  deleted_at: string | null;
  expiry_notified_at: string | null;
  lock_token: string | null;
  lock_expires_at: string | null;
  /** JSON of the record a create in progress took over; see releaseClaim. */
  claimed_over: string | null;
  /** This incarnation: each create (and takeover) makes a new one. */
  uid: string | null;
}

interface EventRow {
  id?: number;
  environment_id: string;
  environment_uid?: string | null | Knex.QueryBuilder;
  action: string;
  actor: string;
  at: string;
  details: string | null;
}

/** The columns the rules' queries name. */
const QUERY_COLUMNS: Record<EnvironmentQuery['property'], string> = {
  team: 'team',
  owner: 'owner',
};

/**
 * Permission criteria as a WHERE of the query: allOf as AND, anyOf as OR, not as NOT, a rule's
 * query as IN (an empty list matches nothing), so the database returns what the conditions allow.
 */
function wherePermitted(
  query: Knex.QueryBuilder,
  criteria: PermissionCriteria<EnvironmentQuery>,
): void {
  if ('allOf' in criteria) {
    query.where(q => {
      for (const c of criteria.allOf) q.andWhere(sub => wherePermitted(sub, c));
    });
  } else if ('anyOf' in criteria) {
    query.where(q => {
      for (const c of criteria.anyOf) q.orWhere(sub => wherePermitted(sub, c));
    });
  } else if ('not' in criteria) {
    query.whereNot(q => wherePermitted(q, criteria.not));
  } else {
    const column = QUERY_COLUMNS[criteria.property];
    // A rule a module added that queries something else: refuse rather than show too much.
    if (!column) {
      throw new Error(
        `no column for a permission query on ${criteria.property}`,
      );
    }
    query.whereIn(column, criteria.values);
  }
}

function fromRow(row: EnvironmentRow): EnvironmentRecord {
  const env: EnvironmentRecord = {
    id: row.id,
    name: row.name,
    team: row.team,
    owner: row.owner,
    cluster: row.cluster,
    namespace: row.namespace,
    gpuPool: row.gpu_pool as EnvironmentRecord['gpuPool'],
    quota: JSON.parse(row.quota) as EnvironmentQuotaRequest,
    costCenter: row.cost_center,
    currency: row.currency,
    dataClassification:
      row.data_classification as EnvironmentRecord['dataClassification'],
    securityLevel: row.security_level as EnvironmentRecord['securityLevel'],
    status: row.status as EnvironmentStatus,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    expiresAt: row.expires_at,
  };
  if (row.monthly_budget !== null)
    env.monthlyBudget = Number(row.monthly_budget);
  if (row.description !== null) env.description = row.description;
  if (row.status_message !== null) env.statusMessage = row.status_message;
  if (row.deleted_at !== null) env.deletedAt = row.deleted_at;
  if (row.expiry_notified_at !== null)
    env.expiryNotifiedAt = row.expiry_notified_at;
  if (row.lock_expires_at !== null) env.createLockUntil = row.lock_expires_at;
  return env;
}

function requestFields(env: NewEnvironment) {
  return {
    name: env.name,
    team: env.team,
    owner: env.owner,
    gpu_pool: env.gpuPool,
    quota: JSON.stringify(env.quota),
    cost_center: env.costCenter,
    monthly_budget: env.monthlyBudget ?? null,
    currency: env.currency,
    data_classification: env.dataClassification,
    security_level: env.securityLevel,
    description: env.description ?? null,
    expires_at: env.expiresAt,
  };
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string })?.code;
  return (
    code === '23505' || // PostgreSQL unique_violation
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE'
  );
}

/** The environment store on the plugin's database (SQLite or PostgreSQL). */
export class DatabaseEnvironmentStore implements EnvironmentStore {
  /** A store on the plugin's database, migrated beforehand (migrateDatabase). */
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseEnvironmentStore> {
    const client = await options.database.getClient();
    return new DatabaseEnvironmentStore(client);
  }

  private constructor(private readonly db: Knex) {}

  async claimForCreate(
    env: NewEnvironment,
    options: { lockToken: string; lockUntil: string; now: string },
  ): Promise<ClaimResult> {
    const { lockToken, lockUntil, now } = options;
    const claim = {
      ...requestFields(env),
      status: 'creating',
      status_message: null,
      created_at: now,
      updated_at: now,
      deleted_at: null,
      expiry_notified_at: null,
      lock_token: lockToken,
      lock_expires_at: lockUntil,
      // A new incarnation: the history, jobs and keys of an old one at this id are not its.
      uid: randomUUID(),
    };
    try {
      await this.db<EnvironmentRow>('environments').insert({
        ...claim,
        id: env.id,
        cluster: env.cluster,
        namespace: env.namespace,
      });
      return { claimed: true, environment: (await this.get(env.id))! };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    // The record exists: take it over when nobody holds it and it is not live, keeping what it
    // was in claimed_over. The update holds only if the record is still what was read (its lock
    // token and time), so of two takeovers one wins.
    const previous = await this.db<EnvironmentRow>('environments')
      .where({ cluster: env.cluster, namespace: env.namespace })
      .first();
    // Never another team's: a namespace stays with the team that first held it.
    const free =
      previous &&
      previous.team === env.team &&
      (previous.status === 'failed' ||
        previous.status === 'deleted' ||
        (previous.status === 'creating' &&
          (previous.lock_expires_at === null ||
            previous.lock_expires_at < now)));
    if (!previous || !free) {
      return { claimed: false, environment: (await this.get(env.id))! };
    }
    const taken = await this.db<EnvironmentRow>('environments')
      .where({
        id: previous.id,
        status: previous.status,
        updated_at: previous.updated_at,
      })
      .andWhere(q =>
        previous.lock_token === null
          ? q.whereNull('lock_token')
          : q.where('lock_token', previous.lock_token),
      )
      .update({ ...claim, claimed_over: JSON.stringify(previous) });
    const environment = (await this.get(env.id))!;
    return { claimed: taken > 0, environment };
  }

  async renewLock(
    id: string,
    options: { lockToken: string; lockUntil: string },
  ): Promise<boolean> {
    const updated = await this.db<EnvironmentRow>('environments')
      .where({ id, lock_token: options.lockToken, status: 'creating' })
      .update({ lock_expires_at: options.lockUntil });
    return updated > 0;
  }

  async releaseClaim(
    id: string,
    options: { lockToken: string },
  ): Promise<boolean> {
    return this.db.transaction(async tx => {
      const held = { id, lock_token: options.lockToken, status: 'creating' };
      const row = await tx<EnvironmentRow>('environments').where(held).first();
      if (!row) return false;
      if (row.claimed_over === null) {
        await tx<EnvironmentRow>('environments').where(held).delete();
        return true;
      }
      // A takeover: the old record comes back as it was, and with it its history, which
      // hangs off the same id.
      const { id: _id, ...previous } = JSON.parse(
        row.claimed_over,
      ) as EnvironmentRow;
      await tx<EnvironmentRow>('environments').where(held).update(previous);
      return true;
    });
  }

  async listStaleCreates(now: string): Promise<EnvironmentRecord[]> {
    const rows = await this.db<EnvironmentRow>('environments')
      .where('status', 'creating')
      .andWhere(q =>
        q.whereNull('lock_expires_at').orWhere('lock_expires_at', '<', now),
      )
      .orderBy('created_at');
    return rows.map(fromRow);
  }

  async takeStaleCreate(
    read: Pick<EnvironmentRecord, 'id' | 'createLockUntil'>,
    options: { lockToken: string; lockUntil: string; now: string },
  ): Promise<boolean> {
    const query = this.db<EnvironmentRow>('environments').where({
      id: read.id,
      status: 'creating',
    });
    if (read.createLockUntil === undefined) query.whereNull('lock_expires_at');
    else
      query
        .where('lock_expires_at', read.createLockUntil)
        .andWhere('lock_expires_at', '<', options.now);
    const updated = await query.update({
      lock_token: options.lockToken,
      lock_expires_at: options.lockUntil,
    });
    return updated > 0;
  }

  async finishCreate(
    id: string,
    options: {
      lockToken: string;
      status: 'ready' | 'failed';
      statusMessage?: string;
      now: string;
    },
  ): Promise<EnvironmentRecord | undefined> {
    const updated = await this.db<EnvironmentRow>('environments')
      .where({ id, lock_token: options.lockToken })
      .update({
        status: options.status,
        status_message: options.statusMessage ?? null,
        updated_at: options.now,
        lock_token: null,
        lock_expires_at: null,
        claimed_over: null,
      });
    return updated > 0 ? this.get(id) : undefined;
  }

  async get(id: string): Promise<EnvironmentRecord | undefined> {
    const row = await this.db<EnvironmentRow>('environments')
      .where({ id })
      .first();
    return row ? fromRow(row) : undefined;
  }

  async list(filter: EnvironmentFilter = {}): Promise<EnvironmentRecord[]> {
    const query = this.db<EnvironmentRow>('environments');
    if (filter.team) query.where('team', filter.team);
    if (filter.owner) query.where('owner', filter.owner);
    if (filter.gpuPool) query.where('gpu_pool', filter.gpuPool);
    if (filter.ids) query.whereIn('id', filter.ids);
    if (filter.statuses) query.whereIn('status', filter.statuses);
    else query.whereNot('status', 'deleted');
    if (filter.permitted) wherePermitted(query, filter.permitted);
    const rows = await query.orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'asc' },
    ]);
    return rows.map(fromRow);
  }

  async extend(
    id: string,
    options: { expiresAt: string; now: string },
  ): Promise<EnvironmentRecord | undefined> {
    const updated = await this.db<EnvironmentRow>('environments')
      .where({ id, status: 'ready' })
      .update({
        expires_at: options.expiresAt,
        expiry_notified_at: null,
        updated_at: options.now,
      });
    return updated > 0 ? this.get(id) : undefined;
  }

  async setStatus(
    id: string,
    options: { status: EnvironmentStatus; now: string; deletedAt?: string },
  ): Promise<EnvironmentRecord | undefined> {
    const update: Partial<EnvironmentRow> = {
      status: options.status,
      updated_at: options.now,
    };
    if (options.deletedAt) update.deleted_at = options.deletedAt;
    await this.db<EnvironmentRow>('environments').where({ id }).update(update);
    return this.get(id);
  }

  async listExpired(now: string): Promise<EnvironmentRecord[]> {
    const rows = await this.db<EnvironmentRow>('environments')
      .whereIn('status', ['ready', 'deleting'])
      .andWhere('expires_at', '<=', now)
      .orderBy('expires_at');
    return rows.map(fromRow);
  }

  async claimExpired(
    read: Pick<EnvironmentRecord, 'id' | 'status' | 'expiresAt'>,
    now: string,
  ): Promise<boolean> {
    const updated = await this.db<EnvironmentRow>('environments')
      .where({ id: read.id, status: read.status, expires_at: read.expiresAt })
      .andWhere('expires_at', '<=', now)
      .update({ status: 'deleting', updated_at: now });
    return updated > 0;
  }

  async listToNotify(before: string): Promise<EnvironmentRecord[]> {
    const rows = await this.db<EnvironmentRow>('environments')
      .where('status', 'ready')
      .andWhere('expires_at', '<=', before)
      .whereNull('expiry_notified_at')
      .orderBy('expires_at');
    return rows.map(fromRow);
  }

  async markNotified(id: string, now: string): Promise<boolean> {
    const updated = await this.db<EnvironmentRow>('environments')
      .where({ id })
      .whereNull('expiry_notified_at')
      .update({ expiry_notified_at: now });
    return updated > 0;
  }

  /** The uid of the environment's incarnation now, as a subquery. */
  #currentUid(id: string) {
    return this.db<EnvironmentRow>('environments').select('uid').where({ id });
  }

  async addEvent(event: EnvironmentEvent): Promise<void> {
    await this.db<EventRow>('environment_events').insert({
      environment_id: event.environmentId,
      environment_uid: this.#currentUid(event.environmentId),
      action: event.action,
      actor: event.actor,
      at: event.at,
      details: event.details ? JSON.stringify(event.details) : null,
    });
  }

  async listEvents(environmentId: string): Promise<EnvironmentEvent[]> {
    // Only this incarnation's: a name created again starts a history of its own.
    const rows = await this.db<EventRow>('environment_events')
      .where({ environment_id: environmentId })
      .andWhere('environment_uid', this.#currentUid(environmentId))
      .orderBy('id', 'asc');
    return rows.map(row => {
      const event: EnvironmentEvent = {
        environmentId: row.environment_id,
        action: row.action as EnvironmentEvent['action'],
        actor: row.actor,
        at: row.at,
      };
      if (row.details) event.details = JSON.parse(row.details);
      return event;
    });
  }
}
