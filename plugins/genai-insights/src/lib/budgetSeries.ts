import type {
  BudgetStatus,
  CostPoint,
} from '@genai-portal/plugin-genai-insights-common';
import { toUnits } from './format';
import { isoDay } from './ranges';

const DAY = 86_400_000;

/** One day of the budget chart, in currency units. */
export interface BudgetChartRow {
  day: string;
  /** Spent from the month's start to the end of this day (today: so far). */
  actual?: number;
  /** The forecast's path from today's spending to the month-end forecast. */
  forecast?: number;
  /** The forecast's range on that path: [low, high]. */
  range?: [number, number];
}

/**
 * The month of a budget day by day: the cumulative cost up to today, then a straight line from
 * today's month to date to the month-end forecast (with its range). `daily` is `GET /cost` per
 * day for the budget's subject, in the chargeback basis like the budget.
 */
export function budgetSeries(options: {
  status: BudgetStatus;
  daily: CostPoint[];
  monthStart: number;
  monthEnd: number;
  now: Date;
}): BudgetChartRow[] {
  const { status, daily, monthStart, monthEnd } = options;
  const now = Math.min(Math.max(options.now.getTime(), monthStart), monthEnd);
  const byDay = new Map<string, number>();
  for (const p of daily) {
    byDay.set(p.period, (byDay.get(p.period) ?? 0) + p.costMicros);
  }
  const days = Math.round((monthEnd - monthStart) / DAY);
  const today = Math.min(Math.floor((now - monthStart) / DAY), days - 1);
  const rows: BudgetChartRow[] = [];
  let spent = 0;
  for (let i = 0; i < days; i++) {
    const day = isoDay(monthStart + i * DAY);
    const row: BudgetChartRow = { day };
    if (i <= today) {
      spent += byDay.get(day) ?? 0;
      row.actual = toUnits(spent);
    }
    rows.push(row);
  }
  // The line starts at the month to date the backend computed (it is what the forecast grows
  // from) and reaches the forecast at the end of the last day.
  const start = status.monthToDateMicros;
  const span = days - 1 - today;
  for (let i = today; i < days; i++) {
    const t = span === 0 ? 1 : (i - today) / span;
    const at = (end: number) => toUnits(start + (end - start) * t);
    rows[i].forecast = at(status.forecast.costMicros);
    rows[i].range = [
      at(status.forecast.lowMicros),
      at(status.forecast.highMicros),
    ];
  }
  return rows;
}
