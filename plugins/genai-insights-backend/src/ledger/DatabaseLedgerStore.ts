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

/**
 * Rows per INSERT: 15 columns each, well under SQLite's limit of bound variables; PostgreSQL
 * takes 65,535, so an hour of a large cluster is a few statements instead of dozens.
 */
const INSERT_CHUNK = { pg: 2000, other: 100 };

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

const DAY_MS = 86_400_000;
const floorDay = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;
const ceilDay = (ms: number) => Math.ceil(ms / DAY_MS) * DAY_MS;
/** `YYYY-MM-DD` of a time. */
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The dimensions ledger_daily sums by after the day: not unit nor capacity. */
const DAILY_KEYS = [
  'environment',
  'team',
  'cost_center',
  'pool',
  'category',
  'model',
  'basis',
] as const;

/**
 * The columns queries read, which ledger_daily and ledger_rows share (ledger_rows derives the
 * day from the hour).
 */
const DAILY_COLUMNS = ['day', 'week', ...DAILY_KEYS, 'cost_micros', 'quantity'];

/** Rows per INSERT into ledger_daily: 11 columns each. */
const DAILY_CHUNK = { pg: 2000, other: 80 };

/** One row of ledger_daily, or a change to one. */
interface DailySum {
  day: string;
  week: string;
  environment: string;
  team: string;
  cost_center: string;
  pool: string;
  category: string;
  model: string;
  basis: string;
  cost_micros: number;
  quantity: number;
  /** How many ledger rows the sums hold: a day's key is gone when none is left. */
  row_count: number;
}

/** What replacing hours changes in ledger_daily: the old rows' sums out, the new rows' in. */
class DailyChanges {
  private readonly sums = new Map<string, DailySum>();

  add(
    row: Omit<DailySum, 'cost_micros' | 'quantity' | 'row_count'>,
    sums: {
      cost: number;
      quantity: number;
      rows: number;
    },
  ): void {
    const key = [row.day, ...DAILY_KEYS.map(k => row[k])].join('\u0001');
    const sum = this.sums.get(key);
    if (sum) {
      sum.cost_micros += sums.cost;
      sum.quantity += sums.quantity;
      sum.row_count += sums.rows;
    } else {
      this.sums.set(key, {
        day: row.day,
        week: row.week,
        environment: row.environment,
        team: row.team,
        cost_center: row.cost_center,
        pool: row.pool,
        category: row.category,
        model: row.model,
        basis: row.basis,
        cost_micros: sums.cost,
        quantity: sums.quantity,
        row_count: sums.rows,
      });
    }
  }

  /** The changes that change something, in day and team order (how a day's rows are laid out). */
  changes(): DailySum[] {
    return [...this.sums.values()]
      .filter(s => s.row_count !== 0 || s.cost_micros !== 0 || s.quantity !== 0)
      .sort(
        (a, b) =>
          a.day.localeCompare(b.day) ||
          a.team.localeCompare(b.team) ||
          a.environment.localeCompare(b.environment),
      );
  }
}

/** PostgreSQL settings for a transaction that sums a whole day of rows. */
async function forDaySums(tx: Knex.Transaction, pg: boolean): Promise<void> {
  if (!pg) return;
  // PostgreSQL guesses a day's groups as the product of the columns' distinct values, far more
  // than there are, and would sort the rows on disk instead of hashing them in memory; the
  // guess also makes the query look costly enough to compile (JIT), which costs more than it
  // saves here. For this transaction only.
  await tx.raw(`set local work_mem = '64MB'`);
  await tx.raw('set local jit = off');
}

/**
 * Sums the ledger rows of the days [from, to) (whole days, ms) into ledger_daily again, a day
 * per statement, replacing what it held for them.
 */
async function sumDays(
  tx: Knex.Transaction,
  days: { from: number; to: number },
): Promise<void> {
  const keys = DAILY_KEYS.join(', ');
  for (let day = days.from; day < days.to; day += DAY_MS) {
    const hours = [
      new Date(day).toISOString(),
      new Date(day + DAY_MS).toISOString(),
    ];
    await tx('ledger_daily').where('day', dayOf(day)).delete();
    // In team order, so a team's rows of a day sit together on disk.
    await tx.raw(
      `insert into ledger_daily (day, week, ${keys}, cost_micros, quantity, row_count)
       select substr(hour, 1, 10), week, ${keys}, sum(cost_micros), sum(quantity), count(*)
       from ledger_rows where hour >= ? and hour < ?
       group by substr(hour, 1, 10), week, ${keys}
       order by team, environment`,
      hours,
    );
    await tx('ledger_day_ids').where('day', dayOf(day)).delete();
    await tx.raw(
      `insert into ledger_day_ids (day, min_id, max_id)
       select substr(hour, 1, 10), min(id), max(id)
       from ledger_rows where hour >= ? and hour < ?
       group by substr(hour, 1, 10)`,
      hours,
    );
  }
}

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
 *
 * The queries sum whole days from ledger_daily (the rows summed per day and every dimension a
 * query filters, groups or stacks by), kept by replaceHours in its transaction, and only the
 * hours at the edges of a range from ledger_rows: a team's month is a few thousand rows, not a
 * hundred thousand. Costs are integer sums of the rows' costs either way.
 */
export class DatabaseLedgerStore implements LedgerStore {
  /** A store on the plugin's database, migrated beforehand (migrateDatabase). */
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseLedgerStore> {
    return new DatabaseLedgerStore(await options.database.getClient());
  }

  private constructor(private readonly db: Knex) {}

  /**
   * Replaces the hours' rows and applies the difference to ledger_daily, in one transaction: the
   * old rows' sums (read before they go) leave their days, the new rows' sums join them, and a
   * day's key left without rows is removed. The work is in proportion to the hours replaced, not
   * to the days they touch.
   */
  async replaceHours(
    range: { from: string; to: string },
    rows: LedgerRow[],
  ): Promise<void> {
    const pg = this.db.client.config.client === 'pg';
    const chunk = pg ? INSERT_CHUNK.pg : INSERT_CHUNK.other;
    const dailyChunk = pg ? DAILY_CHUNK.pg : DAILY_CHUNK.other;
    await this.db.transaction(async tx => {
      if (pg) {
        await tx.raw('select pg_advisory_xact_lock(?)', [REPLACE_LOCK]);
      }
      const daily = new DailyChanges();
      const old = await tx('ledger_rows')
        .select(tx.raw('substr(hour, 1, 10) as day'), 'week', ...DAILY_KEYS)
        .sum({ cost: 'cost_micros', quantity: 'quantity' })
        .count({ rows: '*' })
        .where('hour', '>=', range.from)
        .where('hour', '<', range.to)
        .groupByRaw('substr(hour, 1, 10)')
        .groupBy('week', ...DAILY_KEYS);
      for (const r of old as any[]) {
        daily.add(r, {
          cost: -num(r.cost),
          quantity: -num(r.quantity),
          rows: -num(r.rows),
        });
      }
      await tx('ledger_rows')
        .where('hour', '>=', range.from)
        .where('hour', '<', range.to)
        .delete();
      for (let i = 0; i < rows.length; i += chunk) {
        await tx('ledger_rows').insert(rows.slice(i, i + chunk).map(toRow));
      }
      for (const r of rows) {
        const row = toRow(r);
        daily.add(
          { ...row, day: row.hour.slice(0, 10) },
          { cost: row.cost_micros, quantity: row.quantity, rows: 1 },
        );
      }
      const changes = daily.changes();
      for (let i = 0; i < changes.length; i += dailyChunk) {
        await tx('ledger_daily')
          .insert(changes.slice(i, i + dailyChunk))
          .onConflict(['day', ...DAILY_KEYS])
          .merge({
            cost_micros: tx.raw(
              'ledger_daily.cost_micros + excluded.cost_micros',
            ),
            quantity: tx.raw('ledger_daily.quantity + excluded.quantity'),
            row_count: tx.raw('ledger_daily.row_count + excluded.row_count'),
          });
      }
      const days = {
        from: dayOf(floorDay(Date.parse(range.from))),
        to: dayOf(ceilDay(Date.parse(range.to))),
      };
      await tx('ledger_daily')
        .where('day', '>=', days.from)
        .where('day', '<', days.to)
        .where('row_count', '<=', 0)
        .delete();

      // The new rows' ids widen their days' id ranges (an id range may hold ids no longer
      // there: it bounds the rows of its day, which is all pages need).
      // (`id + 0`: a bare min(id) would have the engines look for it along the primary key.)
      const [ids] = await tx('ledger_rows')
        .where('hour', '>=', range.from)
        .where('hour', '<', range.to)
        .select(tx.raw('min(id + 0) as first'), tx.raw('max(id + 0) as last'));
      if (ids?.first !== null && ids?.first !== undefined) {
        const [least, greatest] = pg ? ['least', 'greatest'] : ['min', 'max'];
        await tx('ledger_day_ids')
          .insert(
            [...new Set(rows.map(r => r.hour.slice(0, 10)))].map(day => ({
              day,
              min_id: num(ids.first),
              max_id: num(ids.last),
            })),
          )
          .onConflict('day')
          .merge({
            min_id: tx.raw(`${least}(ledger_day_ids.min_id, excluded.min_id)`),
            max_id: tx.raw(
              `${greatest}(ledger_day_ids.max_id, excluded.max_id)`,
            ),
          });
      }
    });
  }

  /**
   * Sums into ledger_daily again the days touching [from, to), from their rows in ledger_rows:
   * after rows were written other than by replaceHours (a bulk load), or to start over. The
   * result is what replaceHours keeps; idempotent.
   */
  async sumDays(range: { from: string; to: string }): Promise<void> {
    const pg = this.db.client.config.client === 'pg';
    await this.db.transaction(async tx => {
      if (pg) {
        await tx.raw('select pg_advisory_xact_lock(?)', [REPLACE_LOCK]);
      }
      await forDaySums(tx, pg);
      await sumDays(tx, {
        from: floorDay(Date.parse(range.from)),
        to: ceilDay(Date.parse(range.to)),
      });
    });
  }

  /**
   * The queries that read the rows of a filter, each selecting the columns both tables share
   * (DAILY_COLUMNS): the whole days of the range from ledger_daily, the hours before the first
   * whole day and after the last from ledger_rows. `where` narrows each the same way.
   */
  private parts(
    filter: LedgerFilter,
    where?: (query: Knex.QueryBuilder) => void,
  ): Knex.QueryBuilder[] {
    const from = Date.parse(filter.from);
    const to = Date.parse(filter.to);
    const narrow = (query: Knex.QueryBuilder) => {
      if (filter.teams) query.whereIn('team', filter.teams);
      if (filter.basis) query.where('basis', filter.basis);
      where?.(query);
      return query;
    };
    const hours = (lo: number, hi: number) =>
      narrow(
        this.db('ledger_rows')
          .select(
            this.db.raw('substr(hour, 1, 10) as day'),
            ...DAILY_COLUMNS.slice(1),
          )
          .where('hour', '>=', new Date(lo).toISOString())
          .where('hour', '<', new Date(hi).toISOString()),
      );
    const firstDay = ceilDay(from);
    const lastDay = floorDay(to);
    if (!(firstDay < lastDay)) return [hours(from, to)];
    const parts = [
      narrow(
        this.db('ledger_daily')
          .select(...DAILY_COLUMNS)
          .where('day', '>=', dayOf(firstDay))
          .where('day', '<', dayOf(lastDay)),
      ),
    ];
    if (from < firstDay) parts.push(hours(from, firstDay));
    if (lastDay < to) parts.push(hours(lastDay, to));
    return parts;
  }

  /** The rows of a filter as one table `r` to sum from (DAILY_COLUMNS). */
  private summed(
    filter: LedgerFilter,
    where?: (query: Knex.QueryBuilder) => void,
  ): Knex.QueryBuilder {
    const [first, ...rest] = this.parts(filter, where);
    const all = rest.length > 0 ? first.unionAll(rest) : first;
    return this.db.from(all.as('r'));
  }

  async costOverTime(
    filter: LedgerFilter & { basis: CostBasis },
    interval: CostInterval,
    stackBy: CostDimension,
  ): Promise<CostPoint[]> {
    const period = {
      day: this.db.raw('day'),
      week: this.db.raw('week'),
      month: this.db.raw('substr(day, 1, 7)'),
    }[interval];
    const key = DIMENSION_COLUMNS[stackBy];
    const rows = await this.summed(filter)
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
    const [row] = await this.summed(filter).sum({ cost: 'cost_micros' });
    return num(row?.cost);
  }

  async top(
    filter: LedgerFilter & { basis: CostBasis },
    by: 'environment' | 'model',
    limit: number,
  ): Promise<Array<{ key: string; team: string; costMicros: Micros }>> {
    if (by === 'model') {
      const rows = await this.summed(filter, q => q.where('category', 'tokens'))
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
    const rows = await this.summed(filter, q => q.whereNot('environment', ''))
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
    const rows = await this.summed(filter)
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
    const rows = await this.summed(filter, query => {
      if ('team' in subject) query.where('team', subject.team);
      else if ('costCenter' in subject)
        query.where('cost_center', subject.costCenter);
      else query.where('environment', subject.environment);
    })
      .select('day')
      .sum({ cost: 'cost_micros' })
      .groupBy('day')
      .orderBy('day');
    return new Map(rows.map((r: any) => [r.day as string, num(r.cost)]));
  }

  /**
   * dailyCost of many subjects at once, in one query per kind of subject (teams, cost centers,
   * environments) instead of one per subject: the answer for `subjects[i]` is at `[i]`. Not
   * yet on LedgerStore (BudgetService asks dailyCost once per budget).
   */
  async dailyCosts(
    subjects: LedgerSubject[],
    filter: { from: string; to: string; basis: CostBasis },
  ): Promise<Array<Map<string, Micros>>> {
    const kinds = [
      {
        column: 'team',
        of: (s: LedgerSubject) => ('team' in s ? s.team : undefined),
      },
      {
        column: 'cost_center',
        of: (s: LedgerSubject) =>
          'costCenter' in s ? s.costCenter : undefined,
      },
      {
        column: 'environment',
        of: (s: LedgerSubject) =>
          'environment' in s ? s.environment : undefined,
      },
    ];
    const days = new Map<string, Map<string, Micros>>();
    for (const { column, of } of kinds) {
      const values = [
        ...new Set(
          subjects.map(of).filter((v): v is string => v !== undefined),
        ),
      ];
      if (values.length === 0) continue;
      const rows = await this.summed(filter, q => q.whereIn(column, values))
        .select({ key: column, day: 'day' })
        .sum({ cost: 'cost_micros' })
        .groupBy(column, 'day')
        .orderBy([column, 'day']);
      for (const r of rows) {
        const id = `${column}\u0001${r.key}`;
        const map = days.get(id) ?? new Map<string, Micros>();
        map.set(r.day, num(r.cost));
        days.set(id, map);
      }
    }
    return subjects.map(subject => {
      const kind = kinds.find(k => k.of(subject) !== undefined)!;
      return (
        days.get(`${kind.column}\u0001${kind.of(subject)}`) ??
        new Map<string, Micros>()
      );
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

  async *pages(
    filter: LedgerFilter,
    pageSize = 1000,
  ): AsyncGenerator<LedgerRow[]> {
    // Only ids between the first and the last of the range's days can be in it: the pages start
    // there, instead of at the first row ever (a team's rows in id order, with their hours).
    const [bounds] = await this.db('ledger_day_ids')
      .where('day', '>=', dayOf(floorDay(Date.parse(filter.from))))
      .where('day', '<', dayOf(ceilDay(Date.parse(filter.to))))
      .min({ first: 'min_id' })
      .max({ last: 'max_id' });
    if (bounds?.first === null || bounds?.first === undefined) return;
    let after = num(bounds.first) - 1;
    const last = num(bounds.last);
    for (;;) {
      const rows = await this.filtered(filter)
        .where('id', '>', after)
        .where('id', '<=', last)
        .orderBy('id')
        .limit(pageSize);
      if (rows.length === 0) return;
      yield rows.map(fromRow);
      after = num(rows[rows.length - 1].id);
      if (rows.length < pageSize) return;
    }
  }
}
