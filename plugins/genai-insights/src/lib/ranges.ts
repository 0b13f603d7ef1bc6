import { MAX_RANGE_DAYS } from '@genai-portal/plugin-genai-insights-common';

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** The ranges the cost page offers. */
export type RangeKind = 'month' | '30d' | '90d' | 'custom';

/** A range as the backend takes it: ISO times, `from` inclusive and `to` exclusive. */
export interface TimeRange {
  from: string;
  to: string;
}

/** `YYYY-MM-DD` of a time, in UTC (the ledger's days are UTC days). */
export function isoDay(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

function startOfUtcDay(time: number): number {
  const d = new Date(time);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

function ceilHour(time: number): number {
  return Math.ceil(time / HOUR) * HOUR;
}

/** The UTC calendar month of `now`: `YYYY-MM`, its start and its end (exclusive). */
export function monthOf(now: Date): {
  month: string;
  start: number;
  end: number;
} {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth();
  return {
    month: `${year}-${String(month + 1).padStart(2, '0')}`,
    start: Date.UTC(year, month, 1),
    end: Date.UTC(year, month + 1, 1),
  };
}

/** Why custom dates are refused, or undefined when they are fine. */
export function validateCustomRange(
  from: string,
  to: string,
): string | undefined {
  const start = Date.parse(from);
  const end = Date.parse(to);
  if (!from || Number.isNaN(start)) {
    return 'Pick a start date';
  }
  if (!to || Number.isNaN(end)) {
    return 'Pick an end date';
  }
  if (end < start) {
    return 'The end date must not be before the start date';
  }
  if (end + DAY - start > MAX_RANGE_DAYS * DAY) {
    return `At most ${MAX_RANGE_DAYS} days`;
  }
  return undefined;
}

/**
 * The range of a choice on the page, up to now: this month so far, the last 30 or 90 days
 * (today included), or whole custom days (`YYYY-MM-DD`, both included). The comparison is
 * against the range of the same length just before it, so "this month" compares with as many
 * days at the end of last month.
 */
export function resolveRange(
  kind: RangeKind,
  now: Date,
  custom?: { from: string; to: string },
): TimeRange {
  const end = ceilHour(now.getTime());
  const today = startOfUtcDay(now.getTime());
  switch (kind) {
    case 'month':
      return {
        from: new Date(monthOf(now).start).toISOString(),
        to: new Date(end).toISOString(),
      };
    case '30d':
    case '90d': {
      const days = kind === '30d' ? 30 : 90;
      return {
        from: new Date(today - (days - 1) * DAY).toISOString(),
        to: new Date(end).toISOString(),
      };
    }
    default: {
      const from = Date.parse(custom?.from ?? '');
      const to = Date.parse(custom?.to ?? '');
      return {
        from: new Date(from).toISOString(),
        to: new Date(to + DAY).toISOString(),
      };
    }
  }
}

/** Monday 00:00 UTC of the week of a time (the backend's weeks start on Mondays). */
function mondayOf(time: number): number {
  const day = startOfUtcDay(time);
  const weekday = (new Date(day).getUTCDay() + 6) % 7;
  return day - weekday * DAY;
}

/**
 * Every period key `GET /cost` can answer for the range, in order, so that periods without
 * cost show as empty bars: `YYYY-MM-DD` for days and weeks (their Monday), `YYYY-MM` for months.
 */
export function periodsOf(
  range: TimeRange,
  interval: 'day' | 'week' | 'month',
): string[] {
  const from = Date.parse(range.from);
  const to = Date.parse(range.to);
  const periods: string[] = [];
  if (!(to > from)) {
    return periods;
  }
  if (interval === 'month') {
    const d = new Date(from);
    let year = d.getUTCFullYear();
    let month = d.getUTCMonth();
    while (Date.UTC(year, month, 1) < to) {
      periods.push(`${year}-${String(month + 1).padStart(2, '0')}`);
      month += 1;
      if (month === 12) {
        month = 0;
        year += 1;
      }
    }
    return periods;
  }
  const step = interval === 'week' ? 7 * DAY : DAY;
  for (
    let t = interval === 'week' ? mondayOf(from) : startOfUtcDay(from);
    t < to;
    t += step
  ) {
    periods.push(isoDay(t));
  }
  return periods;
}
