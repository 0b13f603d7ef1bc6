import type {
  CapacityType,
  CostBasis,
  CostCategory,
  CostUnit,
  EnvironmentEvent,
  LedgerFacts,
  LedgerRow,
  ReservedQuota,
} from '@genai-portal/plugin-genai-insights-common';
import { HOUR_MS, iso, overlapByHour } from '../lib/hours';
import {
  HOURS_PER_MONTH,
  isSpot,
  poolRates,
  rateAt,
  tokenRates,
  type RateCard,
  type RateVersion,
} from '../rates/RateCard';

/** What rows are computed for. */
export interface LedgerRange {
  /** Start of the first hour, ms since the epoch (a whole hour). */
  from: number;
  /** End of the last hour, exclusive (a whole hour). */
  to: number;
  /** The time of the computation: reservations and runs still open are counted up to it. */
  now: number;
}

/** Who a quantity is charged to. */
interface Owner {
  environment: string;
  team: string;
  costCenter: string;
  pool: string;
}

/** A span of time an environment held one quota. */
interface Reservation extends Owner {
  start: number;
  end: number;
  quota: ReservedQuota;
}

const EVENT_ORDER = { created: 0, resized: 1, extended: 2, deleted: 3 };

/**
 * The spans each environment held its quota, from its lifecycle: `created` and `resized` set the
 * quota from their time, `deleted` ends it, `extended` changes nothing priced. A span still open
 * runs to `now`.
 */
export function reservations(
  events: EnvironmentEvent[],
  now: number,
): Reservation[] {
  const byEnvironment = new Map<string, EnvironmentEvent[]>();
  for (const event of events) {
    const list = byEnvironment.get(event.environmentId) ?? [];
    list.push(event);
    byEnvironment.set(event.environmentId, list);
  }
  const spans: Reservation[] = [];
  for (const [environment, list] of [...byEnvironment].sort((a, b) =>
    a[0].localeCompare(b[0]),
  )) {
    list.sort(
      (a, b) =>
        Date.parse(a.at) - Date.parse(b.at) ||
        EVENT_ORDER[a.type] - EVENT_ORDER[b.type] ||
        a.id.localeCompare(b.id),
    );
    let open: Reservation | undefined;
    const close = (at: number) => {
      if (open && at > open.start) spans.push({ ...open, end: at });
      open = undefined;
    };
    for (const event of list) {
      const at = Date.parse(event.at);
      if (event.type === 'created' || event.type === 'resized') {
        close(at);
        open = {
          environment,
          team: event.team,
          costCenter: event.costCenter,
          pool: event.pool,
          quota: event.quota,
          start: at,
          end: at,
        };
      } else if (event.type === 'deleted') {
        close(at);
      }
    }
    close(now);
  }
  return spans;
}

/** Sums quantities per row key; costs are priced once per row at the end. */
class RowSums {
  private readonly rows = new Map<string, LedgerRow>();

  add(
    owner: Owner,
    hour: number,
    line: {
      category: CostCategory;
      unit: CostUnit;
      basis: CostBasis;
      capacity: CapacityType;
      model?: string;
      quantity: number;
      rateMicros: number;
      ratePer: number;
    },
  ): void {
    if (!(line.quantity > 0)) return;
    const row: LedgerRow = {
      hour: iso(hour),
      environment: owner.environment,
      team: owner.team,
      costCenter: owner.costCenter,
      pool: owner.pool,
      category: line.category,
      unit: line.unit,
      model: line.model ?? '',
      basis: line.basis,
      capacity: line.capacity,
      quantity: line.quantity,
      rateMicros: line.rateMicros,
      ratePer: line.ratePer,
      costMicros: 0,
    };
    const key = ledgerRowKey(row);
    const existing = this.rows.get(key);
    if (existing) existing.quantity += line.quantity;
    else this.rows.set(key, row);
  }

  /**
   * Takes idle GPU-hours off the used basis's GPU rows: for each hour and environment, off the
   * rows of the idle GPUs' pool first, then what is left off all the environment's rows (a pool
   * named differently by the node and the environment). The hours are taken off in proportion
   * to the rows' quantities, spot and on-demand (and teams, cost
   * centers) alike: an idle episode does not say which capacity its GPU was counted as. Never
   * below zero: idle GPUs of pods the used basis does not count take nothing off.
   *
   * @param idle - GPU-hours by `hour` ms, then environment, then pool.
   */
  subtractIdleGpus(idle: Map<number, Map<string, Map<string, number>>>): void {
    if (idle.size === 0) return;
    const groups = new Map<string, LedgerRow[]>();
    for (const row of this.rows.values()) {
      if (row.category !== 'gpu' || row.basis !== 'used') continue;
      const key = `${row.hour}\u0001${row.environment}`;
      const list = groups.get(key) ?? [];
      list.push(row);
      groups.set(key, list);
    }
    const takeOff = (rows: LedgerRow[], hours: number): number => {
      const total = rows.reduce((sum, row) => sum + row.quantity, 0);
      if (!(total > 0) || !(hours > 0)) return hours;
      const taken = Math.min(hours, total);
      const keep = 1 - taken / total;
      for (const row of rows) row.quantity *= keep;
      return hours - taken;
    };
    for (const [hour, environments] of idle) {
      for (const [environment, pools] of environments) {
        const rows = groups.get(`${iso(hour)}\u0001${environment}`);
        if (!rows) continue;
        let rest = 0;
        for (const [pool, hours] of [...pools].sort((a, b) =>
          a[0].localeCompare(b[0]),
        )) {
          rest += takeOff(
            rows.filter(row => row.pool === pool),
            hours,
          );
        }
        takeOff(rows, rest);
      }
    }
    for (const [key, row] of this.rows) {
      // What floating point leaves of a row taken off entirely.
      if (row.quantity <= 1e-9) this.rows.delete(key);
    }
  }

  priced(): LedgerRow[] {
    return [...this.rows.values()]
      .map(row => ({
        ...row,
        costMicros: Math.round((row.quantity / row.ratePer) * row.rateMicros),
      }))
      .sort((a, b) => ledgerRowKey(a).localeCompare(ledgerRowKey(b)));
  }
}

/** The identity of a ledger row: what one row of the table is per hour. */
export function ledgerRowKey(row: LedgerRow): string {
  return [
    row.hour,
    row.environment,
    row.team,
    row.costCenter,
    row.pool,
    row.category,
    row.unit,
    row.model,
    row.basis,
    row.capacity,
  ].join('\u0001');
}

function addReserved(
  sums: RowSums,
  span: Reservation,
  hour: number,
  hours: number,
  rates: RateVersion,
): void {
  const common = { basis: 'reserved' as const, capacity: 'on-demand' as const };
  sums.add(span, hour, {
    ...common,
    category: 'gpu',
    unit: 'gpu-hours',
    quantity: span.quota.gpus * hours,
    rateMicros: poolRates(rates, span.pool).gpuHour,
    ratePer: 1,
  });
  sums.add(span, hour, {
    ...common,
    category: 'cpu',
    unit: 'core-hours',
    quantity: span.quota.cpu * hours,
    rateMicros: rates.cpuCoreHour,
    ratePer: 1,
  });
  sums.add(span, hour, {
    ...common,
    category: 'memory',
    unit: 'gib-hours',
    quantity: span.quota.memoryGi * hours,
    rateMicros: rates.memoryGiHour,
    ratePer: 1,
  });
  sums.add(span, hour, {
    ...common,
    category: 'storage',
    unit: 'gib-hours',
    quantity: span.quota.storageGi * hours,
    rateMicros: rates.storageGiMonth,
    ratePer: HOURS_PER_MONTH,
  });
}

/**
 * The ledger rows of the hours [from, to) from the facts: a pure function, so the same facts
 * and rate card always give the same rows.
 *
 * - reserved: each environment's quota for the part of each hour it held it;
 * - used: jobs' GPUs while they ran, and other pods' GPU, CPU and memory requests, less the
 *   GPU-hours of GPUs held but idle (idle GPU episodes) of the environment in each hour;
 * - tokens: in both bases (consumption is the same whichever basis is charged).
 *
 * Each hour is priced by the rate card version in effect at its start. Quantities are summed per
 * row before the cost is rounded, once, to the micro.
 */
export function computeLedger(
  facts: LedgerFacts,
  range: LedgerRange,
  card: RateCard,
): LedgerRow[] {
  const sums = new RowSums();
  const end = (value: string | undefined) =>
    value === undefined ? range.now : Date.parse(value);

  const spans = reservations(facts.environmentEvents, range.now);
  for (const span of spans) {
    for (const { hour, ms } of overlapByHour(
      span.start,
      span.end,
      range.from,
      range.to,
    )) {
      addReserved(sums, span, hour, ms / HOUR_MS, rateAt(card, iso(hour)));
    }
  }

  const byId = <T extends { id?: string; jobId?: string }>(list: T[]) =>
    [...list].sort((a, b) =>
      String(a.id ?? a.jobId).localeCompare(String(b.id ?? b.jobId)),
    );

  for (const job of byId(facts.jobs)) {
    const owner = { ...job, environment: job.environmentId };
    const spot = isSpot(card, job.nodeLabels);
    for (const { hour, ms } of overlapByHour(
      Date.parse(job.start),
      end(job.end),
      range.from,
      range.to,
    )) {
      const rates = poolRates(rateAt(card, iso(hour)), job.pool);
      sums.add(owner, hour, {
        category: 'gpu',
        unit: 'gpu-hours',
        basis: 'used',
        capacity: spot ? 'spot' : 'on-demand',
        quantity: (job.gpus * ms) / HOUR_MS,
        rateMicros: spot ? rates.spotGpuHour : rates.gpuHour,
        ratePer: 1,
      });
    }
  }

  for (const pod of byId(facts.pods)) {
    const owner = { ...pod, environment: pod.environmentId };
    const spot = isSpot(card, pod.nodeLabels);
    for (const { hour, ms } of overlapByHour(
      Date.parse(pod.start),
      end(pod.end),
      range.from,
      range.to,
    )) {
      const rates = rateAt(card, iso(hour));
      const pool = poolRates(rates, pod.pool);
      const hours = ms / HOUR_MS;
      const common = { basis: 'used' as const, ratePer: 1 };
      sums.add(owner, hour, {
        ...common,
        category: 'gpu',
        unit: 'gpu-hours',
        capacity: spot ? 'spot' : 'on-demand',
        quantity: pod.gpus * hours,
        rateMicros: spot ? pool.spotGpuHour : pool.gpuHour,
      });
      sums.add(owner, hour, {
        ...common,
        category: 'cpu',
        unit: 'core-hours',
        capacity: 'on-demand',
        quantity: pod.cpu * hours,
        rateMicros: rates.cpuCoreHour,
      });
      sums.add(owner, hour, {
        ...common,
        category: 'memory',
        unit: 'gib-hours',
        capacity: 'on-demand',
        quantity: pod.memoryGi * hours,
        rateMicros: rates.memoryGiHour,
      });
    }
  }

  // A GPU held but idle is not used: its idle GPU-hours come off the used basis's GPUs.
  const idle = new Map<number, Map<string, Map<string, number>>>();
  for (const episode of byId(facts.idleGpus ?? [])) {
    for (const { hour, ms } of overlapByHour(
      Date.parse(episode.start),
      end(episode.end),
      range.from,
      range.to,
    )) {
      const environments = idle.get(hour) ?? new Map();
      idle.set(hour, environments);
      const pools = environments.get(episode.environmentId) ?? new Map();
      environments.set(episode.environmentId, pools);
      pools.set(
        episode.pool,
        (pools.get(episode.pool) ?? 0) + (episode.gpus * ms) / HOUR_MS,
      );
    }
  }
  sums.subtractIdleGpus(idle);

  // Usage that names its environment but not its cost center or pool takes the environment's.
  const latest = new Map<string, EnvironmentEvent>();
  for (const event of facts.environmentEvents) {
    const seen = latest.get(event.environmentId);
    if (!seen || Date.parse(seen.at) <= Date.parse(event.at)) {
      latest.set(event.environmentId, event);
    }
  }
  for (const usage of byId(facts.tokens)) {
    const at = Date.parse(usage.at);
    if (at < range.from || at >= range.to) continue;
    const hour = Math.floor(at / HOUR_MS) * HOUR_MS;
    const environment = usage.environmentId
      ? latest.get(usage.environmentId)
      : undefined;
    const owner = {
      environment: usage.environmentId ?? '',
      team: usage.team,
      costCenter: usage.costCenter ?? environment?.costCenter ?? '',
      pool: usage.pool ?? environment?.pool ?? '',
    };
    const rates = tokenRates(rateAt(card, iso(hour)), usage.model);
    for (const basis of ['reserved', 'used'] as const) {
      const common = {
        category: 'tokens' as const,
        basis,
        capacity: 'on-demand' as const,
        model: usage.model,
        ratePer: 1_000_000,
      };
      sums.add(owner, hour, {
        ...common,
        unit: 'input-tokens',
        quantity: usage.inputTokens,
        rateMicros: rates.inputPerMillion,
      });
      sums.add(owner, hour, {
        ...common,
        unit: 'output-tokens',
        quantity: usage.outputTokens,
        rateMicros: rates.outputPerMillion,
      });
    }
  }

  return sums.priced();
}
