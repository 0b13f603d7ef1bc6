import type {
  FleetGpu,
  GpuUsagePoint,
  IdleRule,
} from '@genai-portal/plugin-genai-insights-common';
import type { GpuTimeRange } from '@genai-portal/plugin-genai-insights-react';

/**
 * Helpers of the GPU utilization page: ranges, numbers, colours. Those the GPU cards share
 * (`cardRange`, `formatActivity`, `formatGpuHours`, `activityColor`) are in
 * `@genai-portal/plugin-genai-insights-react`.
 */

const LOCALE = 'en-US';
const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** The ranges the GPU page offers (Prometheus keeps weeks, so no more than a month). */
export type GpuRangeKind = '24h' | '7d' | '30d';

export const GPU_RANGE_LABELS: Record<GpuRangeKind, string> = {
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
};

const RANGE_MS: Record<GpuRangeKind, number> = {
  '24h': DAY,
  '7d': 7 * DAY,
  '30d': 30 * DAY,
};

/** The last 24 hours, 7 or 30 days up to `now`, on whole minutes (so queries repeat exactly). */
export function resolveGpuRange(kind: GpuRangeKind, now: Date): GpuTimeRange {
  const to = Math.ceil(now.getTime() / MINUTE) * MINUTE;
  return {
    from: new Date(to - RANGE_MS[kind]).toISOString(),
    to: new Date(to).toISOString(),
  };
}

/** A count, full: `1,234,567`; a dash when unknown. */
export function formatCount(value: number | null | undefined): string {
  if (value === null || value === undefined) {
    return '—';
  }
  return new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 }).format(
    value,
  );
}

/** A large count, short: `1.2M`; a dash when unknown. */
export function formatCompactCount(value: number | null | undefined): string {
  if (value === null || value === undefined) {
    return '—';
  }
  return new Intl.NumberFormat(LOCALE, {
    notation: 'compact',
    maximumFractionDigits: 1,
  }).format(value);
}

/** `2 h 5 min`, `3 d 4 h`, `12 min`, `< 1 min`. */
export function formatDuration(ms: number): string {
  if (ms < MINUTE) {
    return '< 1 min';
  }
  const days = Math.floor(ms / DAY);
  const hours = Math.floor((ms % DAY) / HOUR);
  const minutes = Math.floor((ms % HOUR) / MINUTE);
  if (days > 0) {
    return hours > 0 ? `${days} d ${hours} h` : `${days} d`;
  }
  if (hours > 0) {
    return minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`;
  }
  return `${minutes} min`;
}

/** How long ago an ISO time was, from `now`: `2 h 5 min ago`. */
export function formatAgo(iso: string, now: Date): string {
  return `${formatDuration(Math.max(0, now.getTime() - Date.parse(iso)))} ago`;
}

/** An ISO time in UTC as people read it: `Nov 3, 2026, 14:05 UTC`. */
export function formatDateTime(iso: string): string {
  const text = new Date(iso).toLocaleString(LOCALE, {
    timeZone: 'UTC',
    month: 'short',
    day: 'numeric',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  return `${text} UTC`;
}

/** A chart tick: `14:00` for a day's range, `Nov 3` for longer ones (UTC). */
export function formatTick(time: number, rangeMs: number): string {
  const date = new Date(time);
  if (rangeMs <= 2 * DAY) {
    return date.toLocaleTimeString(LOCALE, {
      timeZone: 'UTC',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
  }
  return date.toLocaleDateString(LOCALE, {
    timeZone: 'UTC',
    month: 'short',
    day: 'numeric',
  });
}

/** The idle rule in words: "held GPUs under 5% activity for 30 min; inference servers ...". */
export function idleRuleText(rule: IdleRule): string {
  const base = `held GPUs under ${
    rule.thresholdPercent
  }% activity for ${formatDuration(rule.windowMinutes * MINUTE)}`;
  return rule.inferenceNeedsNoRequests
    ? `${base}; inference servers also served no request`
    : base;
}

/** "marco.rossi" from "user:default/marco.rossi"; other namespaces keep theirs. */
export function refName(ref: string): string {
  const match = /^(?:[^:]+:)?(?:([^/]+)\/)?(.+)$/.exec(ref);
  if (!match) {
    return ref;
  }
  const [, namespace, name] = match;
  return namespace && namespace !== 'default' ? `${namespace}/${name}` : name;
}

/** The catalog page of a playground environment (a Resource named after its namespace). */
export function environmentCatalogPath(namespace: string): string {
  return `/catalog/default/resource/${encodeURIComponent(namespace)}`;
}

/** The playground's page of a blueprint job. */
export function jobPath(jobId: string): string {
  return `/genai-playground/jobs/${encodeURIComponent(jobId)}`;
}

/** What a heatmap cell shows. */
export type GpuCellState = 'free' | 'active' | 'idle' | 'unknown';

export function gpuCellState(gpu: FleetGpu): GpuCellState {
  if (!gpu.holder) {
    return 'free';
  }
  if (gpu.idle) {
    return 'idle';
  }
  return gpu.activity === undefined ? 'unknown' : 'active';
}

/** One step of one pool's chart: active and idle GPU-hours, stacked (their sum is allocated). */
export interface UsageRow {
  time: number;
  active: number;
  idle: number;
  allocated: number;
}

/** One pool's series of `GET /gpu/usage`, and its totals. */
export interface PoolUsage {
  pool: string;
  rows: UsageRow[];
  activeGpuHours: number;
  idleGpuHours: number;
  allocatedGpuHours: number;
}

/** `GET /gpu/usage`'s points per pool (pools by name), each in time order. */
export function usageByPool(points: GpuUsagePoint[]): PoolUsage[] {
  const pools = new Map<string, PoolUsage>();
  for (const p of points) {
    let pool = pools.get(p.pool);
    if (!pool) {
      pool = {
        pool: p.pool,
        rows: [],
        activeGpuHours: 0,
        idleGpuHours: 0,
        allocatedGpuHours: 0,
      };
      pools.set(p.pool, pool);
    }
    pool.rows.push({
      time: Date.parse(p.at),
      active: p.activeGpuHours,
      idle: p.idleGpuHours,
      allocated: p.allocatedGpuHours,
    });
    pool.activeGpuHours += p.activeGpuHours;
    pool.idleGpuHours += p.idleGpuHours;
    pool.allocatedGpuHours += p.allocatedGpuHours;
  }
  const result = [...pools.values()].sort((a, b) =>
    a.pool.localeCompare(b.pool),
  );
  result.forEach(pool => pool.rows.sort((a, b) => a.time - b.time));
  return result;
}
