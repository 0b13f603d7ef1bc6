import type { CostPoint } from '@genai-portal/plugin-genai-insights-common';
import { toUnits } from './format';

/** One bar of the stacked chart: the period, then the cost of each key (`k0`, `k1`, ...) in currency units. */
export type StackedRow = { period: string } & Record<string, number | string>;

/** The series of the stacked chart, the legend's totals and the range's total. */
export interface StackedSeries {
  /** The stack's keys, most expensive first, each with its data key and total. */
  series: Array<{ key: string; dataKey: string; totalMicros: number }>;
  rows: StackedRow[];
  totalMicros: number;
}

/**
 * `GET /cost`'s points as rows for a stacked bar chart. Keys become `k0`, `k1`, ... because a
 * chart library reads a dot in a data key as a path, and model names have dots
 * (`llama-3.3-70b`). `periods` lists every period of the range, so that empty ones show.
 */
export function stackPoints(
  points: CostPoint[],
  periods: string[] = [],
): StackedSeries {
  const totals = new Map<string, number>();
  for (const p of points) {
    totals.set(p.key, (totals.get(p.key) ?? 0) + p.costMicros);
  }
  const series = [...totals.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([key, totalMicros], i) => ({ key, dataKey: `k${i}`, totalMicros }));
  const dataKeys = new Map(series.map(s => [s.key, s.dataKey]));

  const allPeriods = [...new Set([...periods, ...points.map(p => p.period)])];
  allPeriods.sort();
  const rows = new Map<string, StackedRow>(
    allPeriods.map(period => {
      const row: StackedRow = { period };
      for (const s of series) row[s.dataKey] = 0;
      return [period, row];
    }),
  );
  for (const p of points) {
    const row = rows.get(p.period)!;
    const dataKey = dataKeys.get(p.key)!;
    row[dataKey] = (row[dataKey] as number) + toUnits(p.costMicros);
  }
  return {
    series,
    rows: [...rows.values()],
    totalMicros: series.reduce((sum, s) => sum + s.totalMicros, 0),
  };
}

/** How a stack key reads: an empty key is cost that has none (CPU has no model, say). */
export function keyLabel(key: string): string {
  return key === '' ? '(none)' : key;
}
