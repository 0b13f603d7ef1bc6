import type { DatabaseService } from '@backstage/backend-plugin-api';
import type {
  CostBasis,
  CostDimension,
  CostInterval,
  CostPoint,
  LedgerRow,
  Micros,
} from '@genai-portal/plugin-genai-insights-common';
import type { Knex } from 'knex';
import { mondayOf } from '../lib/hours';
import type {
  CategoryTotal,
  LedgerFilter,
  LedgerStore,
  LedgerSubject,
} from './LedgerStore';

/** Rows per INSERT: 15 columns each, well under SQLite's limit of bound variables. */
const INSERT_CHUNK = 100;

/**
 * The PostgreSQL advisory lock replacements take: two replicas recomputing overlapping hours at
 * once would each delete before the other's insert is visible, and the second insert would break
 * the row key. SQLite has one writer and needs none.
 */
const REPLACE_LOCK = 0x6c656467; // 'ledg'

const DIMENSION_COLUMNS: Record<CostDimension, string> = {
  pool: 'pool',
  category: 'category',
  model: 'model',
  team: 'team',
  costCenter: 'cost_center',
  environment: 'environment',
};

/** PostgreSQL sums bigints as numeric, which its driver returns as a string. */
const num = (value: unknown): number => Number(value ?? 0);

function toRow(r: LedgerRow) {
  return {
    hour: r.hour,
    week: mondayOf(Date.parse(r.hour)),
    environment: r.environment,
    team: r.team,
    cost_center: r.costCenter,
    pool: r.pool,
    category: r.category,
    unit: r.unit,
    model: r.model,
    basis: r.basis,
    capacity: r.capacity,
    quantity: r.quantity,
    rate_micros: r.rateMicros,
    rate_per: r.ratePer,
    cost_micros: r.costMicros,
  };
}

function fromRow(r: any): LedgerRow {
  return {
    hour: r.hour,
    environment: r.environment,
    team: r.team,
    costCenter: r.cost_center,
    pool: r.pool,
    category: r.category,
    unit: r.unit,
    model: r.model,
    basis: r.basis,
    capacity: r.capacity,
    quantity: num(r.quantity),
    rateMicros: num(r.rate_micros),
    ratePer: num(r.rate_per),
    costMicros: num(r.cost_micros),
  };
}

/**
 * The ledger on the plugin's database. Hours are fixed-width ISO strings, so a range is a text
 * range on both engines, a day is the first 10 characters and a month the first 7; weeks are
 * stored (the Monday), as the engines share no week function.
 */
export class DatabaseLedgerStore implements LedgerStore {
  /** A store on the plugin's database, migrated beforehand (migrateDatabase). */
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseLedgerStore> {
    return new DatabaseLedgerStore(await options.database.getClient());
  }

  private constructor(private readonly db: Knex) {}

  async replaceHours(
    range: { from: string; to: string },
    rows: LedgerRow[],
  ): Promise<void> {
    await this.db.transaction(async tx => {
      if (this.db.client.config.client === 'pg') {
        await tx.raw('select pg_advisory_xact_lock(?)', [REPLACE_LOCK]);
      }
      await tx('ledger_rows')
        .where('hour', '>=', range.from)
        .where('hour', '<', range.to)
        .delete();
      for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
        await tx('ledger_rows').insert(
          rows.slice(i, i + INSERT_CHUNK).map(toRow),
        );
      }
    });
  }

  private filtered(filter: LedgerFilter): Knex.QueryBuilder {
    const query = this.db('ledger_rows')
      .where('hour', '>=', filter.from)
      .where('hour', '<', filter.to);
    if (filter.teams) query.whereIn('team', filter.teams);
    if (filter.basis) query.where('basis', filter.basis);
    return query;
  }

  async costOverTime(
    filter: LedgerFilter & { basis: CostBasis },
    interval: CostInterval,
    stackBy: CostDimension,
  ): Promise<CostPoint[]> {
    const period = {
      day: this.db.raw('substr(hour, 1, 10)'),
      week: this.db.raw('week'),
      month: this.db.raw('substr(hour, 1, 7)'),
    }[interval];
    const key = DIMENSION_COLUMNS[stackBy];
    const rows = await this.filtered(filter)
      .select({ period, key })
      .sum({ cost: 'cost_micros' })
      .groupBy(period)
      .groupBy(key)
      .orderBy([{ column: 'period' }, { column: 'key' }]);
    return rows.map((r: any) => ({
      period: r.period,
      key: r.key,
      costMicros: num(r.cost),
    }));
  }

  async total(filter: LedgerFilter & { basis: CostBasis }): Promise<Micros> {
    const [row] = await this.filtered(filter).sum({ cost: 'cost_micros' });
    return num(row?.cost);
  }

  async top(
    filter: LedgerFilter & { basis: CostBasis },
    by: 'environment' | 'model',
    limit: number,
  ): Promise<Array<{ key: string; team: string; costMicros: Micros }>> {
    const query = this.filtered(filter);
    if (by === 'model') {
      const rows = await query
        .where('category', 'tokens')
        .select({ key: 'model' })
        .sum({ cost: 'cost_micros' })
        .groupBy('model')
        .orderBy([{ column: 'cost', order: 'desc' }, { column: 'key' }])
        .limit(limit);
      return rows.map((r: any) => ({
        key: r.key,
        team: '',
        costMicros: num(r.cost),
      }));
    }
    const rows = await query
      .whereNot('environment', '')
      .select({ key: 'environment' })
      .max({ team: 'team' })
      .sum({ cost: 'cost_micros' })
      .groupBy('environment')
      .orderBy([{ column: 'cost', order: 'desc' }, { column: 'key' }])
      .limit(limit);
    return rows.map((r: any) => ({
      key: r.key,
      team: r.team,
      costMicros: num(r.cost),
    }));
  }

  async byCategory(filter: LedgerFilter): Promise<CategoryTotal[]> {
    const rows = await this.filtered(filter)
      .select('category', 'basis')
      .sum({ cost: 'cost_micros', quantity: 'quantity' })
      .groupBy('category', 'basis')
      .orderBy(['category', 'basis']);
    return rows.map((r: any) => ({
      category: r.category,
      basis: r.basis,
      costMicros: num(r.cost),
      quantity: num(r.quantity),
    }));
  }

  async dailyCost(
    subject: LedgerSubject,
    filter: { from: string; to: string; basis: CostBasis },
  ): Promise<Map<string, Micros>> {
    const query = this.filtered(filter);
    if ('team' in subject) query.where('team', subject.team);
    else if ('costCenter' in subject)
      query.where('cost_center', subject.costCenter);
    else query.where('environment', subject.environment);
    const day = this.db.raw('substr(hour, 1, 10)');
    const rows = await query
      .select({ day })
      .sum({ cost: 'cost_micros' })
      .groupBy(day)
      .orderBy('day');
    return new Map(rows.map((r: any) => [r.day as string, num(r.cost)]));
  }

  async *pages(
    filter: LedgerFilter,
    pageSize = 1000,
  ): AsyncGenerator<LedgerRow[]> {
    let after = 0;
    for (;;) {
      const rows = await this.filtered(filter)
        .where('id', '>', after)
        .orderBy('id')
        .limit(pageSize);
      if (rows.length === 0) return;
      yield rows.map(fromRow);
      after = num(rows[rows.length - 1].id);
      if (rows.length < pageSize) return;
    }
  }
}
