import type { DatabaseService } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import type { ApiKeyRecord, ApiKeyStore } from './ApiKeyStore';

interface ApiKeyRow {
  id: string;
  hash: string;
  prefix: string;
  name: string;
  environment_id: string;
  team: string;
  models: string;
  rpm: number | string;
  tpm: number | string;
  monthly_budget: number | string | null;
  currency: string;
  created_by: string;
  created_at: string;
  revoked_at: string | null;
  revoked_by: string | null;
}

function fromRow(row: ApiKeyRow): ApiKeyRecord {
  const key: ApiKeyRecord = {
    id: row.id,
    hash: row.hash,
    prefix: row.prefix,
    name: row.name,
    environmentId: row.environment_id,
    team: row.team,
    models: JSON.parse(row.models),
    rpm: Number(row.rpm),
    tpm: Number(row.tpm),
    currency: row.currency,
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
  if (row.monthly_budget !== null)
    key.monthlyBudget = Number(row.monthly_budget);
  if (row.revoked_at !== null) key.revokedAt = row.revoked_at;
  if (row.revoked_by !== null) key.revokedBy = row.revoked_by;
  return key;
}

/** API keys on the plugin's database (SQLite or PostgreSQL). */
export class DatabaseApiKeyStore implements ApiKeyStore {
  /** A store on the plugin's database, migrated beforehand (migrateDatabase). */
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseApiKeyStore> {
    const client = await options.database.getClient();
    return new DatabaseApiKeyStore(client);
  }

  private constructor(private readonly db: Knex) {}

  async insert(key: ApiKeyRecord): Promise<void> {
    await this.db<ApiKeyRow>('api_keys').insert({
      id: key.id,
      hash: key.hash,
      prefix: key.prefix,
      name: key.name,
      environment_id: key.environmentId,
      team: key.team,
      models: JSON.stringify(key.models),
      rpm: key.rpm,
      tpm: key.tpm,
      monthly_budget: key.monthlyBudget ?? null,
      currency: key.currency,
      created_by: key.createdBy,
      created_at: key.createdAt,
      revoked_at: key.revokedAt ?? null,
      revoked_by: key.revokedBy ?? null,
    });
  }

  async getByHash(hash: string) {
    const row = await this.db<ApiKeyRow>('api_keys').where({ hash }).first();
    return row ? fromRow(row) : undefined;
  }

  async get(id: string) {
    const row = await this.db<ApiKeyRow>('api_keys').where({ id }).first();
    return row ? fromRow(row) : undefined;
  }

  async listByEnvironment(environmentId: string) {
    const rows = await this.db<ApiKeyRow>('api_keys')
      .where({ environment_id: environmentId })
      .orderBy([
        { column: 'created_at', order: 'asc' },
        { column: 'id', order: 'asc' },
      ]);
    return rows.map(fromRow);
  }

  async revoke(id: string, options: { at: string; by: string }) {
    await this.db<ApiKeyRow>('api_keys')
      .where({ id })
      .whereNull('revoked_at')
      .update({ revoked_at: options.at, revoked_by: options.by });
    return this.get(id);
  }

  async revokeEnvironment(
    environmentId: string,
    options: { at: string; by: string },
  ) {
    return this.db.transaction(async tx => {
      const rows = await tx<ApiKeyRow>('api_keys')
        .where({ environment_id: environmentId })
        .whereNull('revoked_at')
        .select('id');
      if (rows.length === 0) return [];
      await tx<ApiKeyRow>('api_keys')
        .whereIn(
          'id',
          rows.map(r => r.id),
        )
        .update({ revoked_at: options.at, revoked_by: options.by });
      return rows.map(r => r.id);
    });
  }
}
