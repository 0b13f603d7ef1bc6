import type { DatabaseService } from '@backstage/backend-plugin-api';
import type {
  SavingsEntry,
  SavingsTotals,
  SavingsUsage,
} from '@genai-portal/plugin-genai-insights-common';
import type { Knex } from 'knex';
import type { SavingsFilter, SavingsStore } from './SavingsStore';

/** The categories a quota holds and work uses. */
const CATEGORIES = ['gpu', 'cpu', 'memory'] as const;
type Category = (typeof CATEGORIES)[number];

/**
 * Below this, a quantity's excess over a whole number is the float noise of pro-rated sums
 * (2.0000000001 GPUs busy is 2 GPUs), not a GPU more.
 */
const EPSILON = 1e-6;

/** PostgreSQL sums bigints as numeric, which its driver returns as a string. */
const num = (value: unknown): number => Number(value ?? 0);

/** A quantity of GPUs as a whole quota: rounded up, never below 0. */
const wholeGpus = (quantity: number): number =>
  Math.max(0, Math.ceil(quantity - EPSILON));

/** One environment's sums over the range, as the query answers them. */
export interface EnvironmentSums {
  environment: string;
  team: string;
  /** `${category}_${basis}_{quantity|micros}` */
  sums: Record<string, number>;
  /** The largest hourly GPU quantity, reserved and used. */
  peakReservedGpus: number;
  peakUsedGpus: number;
}

function usage(sums: Record<string, number>, category: Category): SavingsUsage {
  const reservedQuantity = sums[`${category}_reserved_quantity`] ?? 0;
  const usedQuantity = sums[`${category}_used_quantity`] ?? 0;
  const reservedMicros = sums[`${category}_reserved_micros`] ?? 0;
  const usedMicros = sums[`${category}_used_micros`] ?? 0;
  return {
    reservedQuantity,
    usedQuantity,
    reservedMicros,
    usedMicros,
    idleMicros: Math.max(0, reservedMicros - usedMicros),
    utilization: reservedQuantity > 0 ? usedQuantity / reservedQuantity : null,
  };
}

/** An environment's entry: its idle cost and the quota that covered its busiest hour. */
export function toSavingsEntry(row: EnvironmentSums): SavingsEntry {
  const [gpu, cpu, memory] = CATEGORIES.map(c => usage(row.sums, c));
  const currentGpus = wholeGpus(row.peakReservedGpus);
  const recommendedGpus = wholeGpus(row.peakUsedGpus);
  const savingMicros =
    currentGpus > recommendedGpus
      ? Math.round(
          (gpu.reservedMicros * (currentGpus - recommendedGpus)) / currentGpus,
        )
      : 0;
  return {
    environment: row.environment,
    team: row.team,
    gpu,
    cpu,
    memory,
    idleMicros: gpu.idleMicros + cpu.idleMicros + memory.idleMicros,
    recommendation: {
      currentGpus,
      peakUsedGpus: row.peakUsedGpus,
      recommendedGpus,
      savingMicros,
    },
  };
}

/** Totals of every entry (integer sums of integers), then the top `limit` by idle cost. */
export function rankSavings(
  entries: SavingsEntry[],
  limit: number,
): { items: SavingsEntry[]; totals: SavingsTotals } {
  let reservedMicros = 0;
  let idleMicros = 0;
  let gpuReservedMicros = 0;
  let gpuIdleMicros = 0;
  let savingMicros = 0;
  for (const e of entries) {
    reservedMicros +=
      e.gpu.reservedMicros + e.cpu.reservedMicros + e.memory.reservedMicros;
    idleMicros += e.idleMicros;
    gpuReservedMicros += e.gpu.reservedMicros;
    gpuIdleMicros += e.gpu.idleMicros;
    savingMicros += e.recommendation.savingMicros;
  }
  const items = [...entries]
    .sort(
      (a, b) =>
        b.idleMicros - a.idleMicros ||
        b.recommendation.savingMicros - a.recommendation.savingMicros ||
        a.environment.localeCompare(b.environment, 'en') ||
        a.team.localeCompare(b.team, 'en'),
    )
    .slice(0, limit);
  return {
    items,
    totals: {
      reservedMicros,
      idleMicros,
      idleRatio: reservedMicros > 0 ? idleMicros / reservedMicros : null,
      gpuReservedMicros,
      gpuIdleMicros,
      gpuIdleRatio:
        gpuReservedMicros > 0 ? gpuIdleMicros / gpuReservedMicros : null,
      savingMicros,
    },
  };
}

/**
 * Savings from the ledger rows (`ledger_rows`) on the plugin's database, in one query that runs
 * on PostgreSQL and SQLite: the rows of GPUs, CPU and memory of the range are summed per
 * environment, team and hour (conditional sums per category and basis; money as integer sums),
 * then per environment and team, where the busiest hour's GPU quantities are the maxima of the
 * hourly sums (jobs on spot and on-demand nodes in one hour count together).
 */
export class DatabaseSavingsStore implements SavingsStore {
  /** A store on the plugin's database, migrated beforehand (migrateDatabase). */
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseSavingsStore> {
    return new DatabaseSavingsStore(await options.database.getClient());
  }

  private constructor(private readonly db: Knex) {}

  async savings(
    filter: SavingsFilter,
    limit: number,
  ): Promise<{ items: SavingsEntry[]; totals: SavingsTotals }> {
    const columns: string[] = [];
    const hourly = this.db('ledger_rows')
      .select('environment', 'team', 'hour')
      .where('hour', '>=', filter.from)
      .where('hour', '<', filter.to)
      .whereNot('environment', '')
      .whereIn('category', [...CATEGORIES])
      .groupBy('environment', 'team', 'hour');
    if (filter.teams) hourly.whereIn('team', filter.teams);
    for (const category of CATEGORIES) {
      for (const basis of ['reserved', 'used']) {
        for (const [what, column] of [
          ['quantity', 'quantity'],
          ['micros', 'cost_micros'],
        ]) {
          const alias = `${category}_${basis}_${what}`;
          columns.push(alias);
          hourly.select(
            this.db.raw(
              `sum(case when category = ? and basis = ? then ?? else 0 end) as ??`,
              [category, basis, column, alias],
            ),
          );
        }
      }
    }
    const query = this.db
      .from(hourly.as('hourly'))
      .select('environment', 'team')
      .max({
        peak_reserved_gpus: 'gpu_reserved_quantity',
        peak_used_gpus: 'gpu_used_quantity',
      })
      .groupBy('environment', 'team');
    for (const column of columns) query.sum({ [column]: column });
    const rows: any[] = await query;
    const entries = rows.map(r =>
      toSavingsEntry({
        environment: r.environment,
        team: r.team,
        sums: Object.fromEntries(columns.map(c => [c, num(r[c])])),
        peakReservedGpus: num(r.peak_reserved_gpus),
        peakUsedGpus: num(r.peak_used_gpus),
      }),
    );
    return rankSavings(entries, limit);
  }
}
