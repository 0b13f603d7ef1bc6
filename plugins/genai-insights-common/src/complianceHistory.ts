import { z } from 'zod';
import type { ComplianceScore } from './compliance';
import { teamList } from './fields';

/*
 * Compliance history: one snapshot a day (the last evaluation of the day, waivers applied),
 * kept `genaiInsights.compliance.historyDays` (365 by default).
 */

/** The longest history one query answers. @public */
export const MAX_HISTORY_DAYS = 366;

/**
 * The longest range answered a point a day; a longer one is answered a point a week (the days
 * 7, 14, ... before `to`), which is what a chart of a year can show. @public
 */
export const MAX_DAILY_HISTORY_DAYS = 92;

/** One day's score of the platform, a team, a cost center or an environment. @public */
export interface ComplianceHistoryPoint {
  /** `YYYY-MM-DD` (UTC). */
  day: string;
  score: ComplianceScore;
  /** The highest level reached that day (environments only). */
  level?: string;
}

/** One day's results of one check over a team's (or the platform's) environments. @public */
export interface ComplianceCheckHistoryPoint {
  day: string;
  checkId: string;
  passed: number;
  failed: number;
  errored: number;
  waived: number;
  notApplicable: number;
}

/**
 * `GET /compliance/history`: the daily trend of the teams the caller reads (the platform's too
 * for those who read every team), or of one environment, from `from` to `to` (days, UTC).
 * @public
 */
export interface ComplianceHistory {
  from: string;
  to: string;
  /**
   * `day`: a point for each day kept; `week`: for ranges over {@link MAX_DAILY_HISTORY_DAYS}
   * days, the points of `to` and of every 7th day before it. The backend always says which;
   * absent reads as `day`.
   */
  interval?: 'day' | 'week';
  /** Present when the caller reads every team and asked for no team nor environment. */
  platform?: ComplianceHistoryPoint[];
  /** Each check's results over every environment; present with `platform`. */
  platformChecks?: ComplianceCheckHistoryPoint[];
  /**
   * The teams asked for, or every team the caller reads (for those who read every team: every
   * team with history in the range); empty when an environment was asked for. A team's
   * `checks` are answered when teams are (asked for, or the caller's own); with `platform`
   * they are empty, `platformChecks` standing for them.
   */
  teams: Array<{
    name: string;
    points: ComplianceHistoryPoint[];
    checks: ComplianceCheckHistoryPoint[];
  }>;
  /** Present when one environment was asked for. */
  environment?: { name: string; points: ComplianceHistoryPoint[] };
}

/** `YYYY-MM-DD`, a day of the calendar (`2026-02-31` is not one, though Date.parse rolls it over). */
// One rule, one message: dayNumber takes only a calendar day written YYYY-MM-DD.
const day = z.string().refine(v => dayNumber(v) !== undefined, {
  message: 'must be a day (YYYY-MM-DD)',
});

/** Days since 1970-01-01 of a `YYYY-MM-DD` day; undefined when it is no day of the calendar. @public */
export function dayNumber(value: string): number | undefined {
  const ms = Date.parse(`${value}T00:00:00Z`);
  if (Number.isNaN(ms)) return undefined;
  if (new Date(ms).toISOString().slice(0, 10) !== value) return undefined;
  return ms / 86_400_000;
}

/**
 * Query of `GET /compliance/history`: default the last 90 days to today (UTC). `from` and `to`
 * are both inclusive and cover at most {@link MAX_HISTORY_DAYS} days; `environment` answers that
 * environment alone, so it does not go with `teams`.
 * @public
 */
export const complianceHistoryQuerySchema = z
  .strictObject({
    teams: teamList.optional(),
    environment: z
      .string()
      .regex(
        /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/,
        'must be a namespace name (a DNS label)',
      )
      .optional(),
    from: day.optional(),
    to: day.optional(),
  })
  .superRefine((q, ctx) => {
    if (q.environment !== undefined && q.teams !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['teams'],
        message: "must not be given with 'environment'",
      });
    }
    const from = q.from === undefined ? undefined : dayNumber(q.from);
    const to = q.to === undefined ? undefined : dayNumber(q.to);
    if (from !== undefined && to !== undefined) {
      const problem = historyRangeProblem(from, to);
      if (problem) ctx.addIssue({ code: 'custom', ...problem });
    }
  });

/**
 * What is wrong with a range of days (as {@link dayNumber}s, both inclusive), naming the field;
 * undefined when nothing is. The route checks its defaulted range with it too. @public
 */
export function historyRangeProblem(
  from: number,
  to: number,
): { path: ['from'] | ['to']; message: string } | undefined {
  if (to < from) return { path: ['to'], message: "must not be before 'from'" };
  if (to - from + 1 > MAX_HISTORY_DAYS) {
    return {
      path: ['from'],
      message: `must be within ${MAX_HISTORY_DAYS} days of 'to' (both included)`,
    };
  }
  return undefined;
}
