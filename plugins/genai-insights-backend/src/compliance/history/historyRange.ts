import { InputError } from '@backstage/errors';
import {
  dayNumber,
  historyRangeProblem,
  MAX_DAILY_HISTORY_DAYS,
} from '@genai-portal/plugin-genai-insights-common';
import type { DayRange } from './HistoryStore';
import { addDays } from './snapshotOf';

/** Days a query without `from` covers, up to `to` included. */
export const DEFAULT_HISTORY_DAYS = 90;

/**
 * The days a history query covers, both included: `to` default today (UTC), `from` default
 * the 90 days up to `to`; over {@link MAX_DAILY_HISTORY_DAYS} days, a day a week. The schema
 * checked a range it was given whole; a range completed here is checked the same way, and a
 * problem is a 400 naming the field, as parseInput's are.
 */
export function historyRange(
  query: { from?: string; to?: string },
  today: string,
): DayRange & { interval: 'day' | 'week' } {
  const to = query.to ?? today;
  const from = query.from ?? addDays(to, 1 - DEFAULT_HISTORY_DAYS);
  if (query.from && !query.to && query.from > today) {
    throw new InputError(
      `Invalid query: from: must not be after today (${today}) when 'to' is not given`,
    );
  }
  const problem = historyRangeProblem(dayNumber(from)!, dayNumber(to)!);
  if (problem) {
    throw new InputError(
      `Invalid query: ${problem.path.join('.')}: ${problem.message}`,
    );
  }
  // A year of days per team is more than a chart shows, and more rows than a page should wait
  // for; a week's point is the snapshot of the same weekday as `to`.
  const days = dayNumber(to)! - dayNumber(from)! + 1;
  return days > MAX_DAILY_HISTORY_DAYS
    ? { from, to, every: 7, interval: 'week' }
    : { from, to, interval: 'day' };
}
