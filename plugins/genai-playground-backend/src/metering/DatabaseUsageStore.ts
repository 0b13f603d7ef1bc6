import type { DatabaseService } from '@backstage/backend-plugin-api';
import type {
  UsageGroupBy,
  UsageRow,
} from '@genai-portal/plugin-genai-playground-common';
import type { Knex } from 'knex';
import type {
  UsageFilter,
  UsageRecord,
  UsageStore,
  UsageTotals,
} from './UsageStore';
import { insertRows, isBetterSqlite } from './sqliteInsert';

/**
 * Rows per INSERT: small enough that better-sqlite3 (synchronous) holds the event loop for well
 * under a millisecond at a time; the store yields to waiting requests between chunks.
 */
const INSERT_CHUNK = 25;

const yieldToEventLoop = () =>
  new Promise<void>(resolve => setImmediate(resolve));

function toRow(r: UsageRecord) {
  return {
    at: r.at,
    key_id: r.keyId ?? null,
    user_ref: r.userRef ?? null,
    team: r.team,
    environment_id: r.environmentId ?? null,
    model: r.model,
    endpoint: r.endpoint,
    input_tokens: Math.round(r.inputTokens),
    output_tokens: Math.round(r.outputTokens),
    cost: r.cost,
    latency_ms: r.latencyMs,
    ttft_ms: r.ttftMs ?? null,
    status: r.status,
    error: r.error ?? null,
    stream: r.stream,
    request_id: r.requestId ?? null,
    record_id: r.recordId ?? null,
  };
}

/**
 * Metered calls on the plugin's database. Times are ISO strings (UTC, fixed width), so ranges
 * compare as text and the day is the first ten characters, on SQLite and PostgreSQL alike.
 */
export class DatabaseUsageStore implements UsageStore {
  /** A store on the plugin's database, migrated beforehand (migrateDatabase). */
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseUsageStore> {
    const client = await options.database.getClient();
    return new DatabaseUsageStore(client);
  }

  readonly #sqlite: boolean;

  private constructor(private readonly db: Knex) {
    this.#sqlite = isBetterSqlite(db);
  }

  async insert(records: UsageRecord[]): Promise<void> {
    if (records.length === 0) return;
    if (this.#sqlite) {
      // the embedded default: one prepared statement, not an INSERT built per chunk
      await insertRows(
        this.db,
        'usage_records',
        records.map(r => ({ ...toRow(r), stream: r.stream ? 1 : 0 })),
        { chunk: INSERT_CHUNK, unique: 'record_id' },
      );
      return;
    }
    await this.db.transaction(async tx => {
      for (let i = 0; i < records.length; i += INSERT_CHUNK) {
        if (i > 0) await yieldToEventLoop();
        await tx('usage_records')
          .insert(records.slice(i, i + INSERT_CHUNK).map(toRow))
          .onConflict('record_id')
          .ignore();
      }
    });
  }

  async aggregate(
    groupBy: UsageGroupBy,
    filter: UsageFilter,
  ): Promise<UsageRow[]> {
    const column = {
      team: this.db.raw('team'),
      key: this.db.raw("coalesce(key_id, '')"),
      model: this.db.raw('model'),
      environment: this.db.raw("coalesce(environment_id, '')"),
      day: this.db.raw('substr(at, 1, 10)'),
    }[groupBy];
    const rows = await this.#filtered(filter)
      .select({ grp: column })
      .count({ requests: '*' })
      .sum({ errors: this.db.raw('case when status >= 400 then 1 else 0 end') })
      .sum({ input_tokens: 'input_tokens' })
      .sum({ output_tokens: 'output_tokens' })
      .sum({ cost: 'cost' })
      .avg({ avg_latency: 'latency_ms' })
      .groupBy(column)
      .orderBy(
        groupBy === 'day' ? 'grp' : 'cost',
        groupBy === 'day' ? 'asc' : 'desc',
      );
    return rows.map((r: any) => ({
      group: String(r.grp),
      requests: Number(r.requests),
      errors: Number(r.errors ?? 0),
      inputTokens: Number(r.input_tokens ?? 0),
      outputTokens: Number(r.output_tokens ?? 0),
      cost: Number(r.cost ?? 0),
      avgLatencyMs: Math.round(Number(r.avg_latency ?? 0) * 1000) / 1000,
    }));
  }

  async totalsByKey(
    keyIds: string[],
    period: { from: string; to: string },
  ): Promise<Map<string, UsageTotals>> {
    const totals = new Map<string, UsageTotals>();
    if (keyIds.length === 0) return totals;
    const rows = await this.db('usage_records')
      .whereIn('key_id', keyIds)
      .where('at', '>=', period.from)
      .where('at', '<', period.to)
      .select('key_id')
      .count({ requests: '*' })
      .sum({ input_tokens: 'input_tokens' })
      .sum({ output_tokens: 'output_tokens' })
      .sum({ cost: 'cost' })
      .groupBy('key_id');
    for (const r of rows as any[]) {
      totals.set(String(r.key_id), {
        requests: Number(r.requests),
        inputTokens: Number(r.input_tokens ?? 0),
        outputTokens: Number(r.output_tokens ?? 0),
        cost: Number(r.cost ?? 0),
      });
    }
    return totals;
  }

  async sumCost(
    subject: { keyId: string } | { environmentId: string } | { team: string },
    period: { from: string; to: string },
  ): Promise<number> {
    let where: Record<string, string>;
    if ('keyId' in subject) where = { key_id: subject.keyId };
    else if ('team' in subject) where = { team: subject.team };
    else where = { environment_id: subject.environmentId };
    const row = await this.db('usage_records')
      .where(where)
      .where('at', '>=', period.from)
      .where('at', '<', period.to)
      .sum({ cost: 'cost' })
      .first();
    return Number((row as any)?.cost ?? 0);
  }

  #filtered(filter: UsageFilter) {
    const q = this.db('usage_records')
      .where('at', '>=', filter.from)
      .where('at', '<', filter.to);
    if (filter.teams) q.whereIn('team', filter.teams);
    if (filter.environmentId) q.where('environment_id', filter.environmentId);
    if (filter.keyId) q.where('key_id', filter.keyId);
    if (filter.model) q.where('model', filter.model);
    return q;
  }
}
