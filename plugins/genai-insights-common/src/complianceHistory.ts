import { z } from 'zod';
import type { ComplianceScore } from './compliance';
import { teamList } from './fields';

/*
 * Compliance history: one snapshot a day (the last evaluation of the day, waivers applied),
 * kept `genaiInsights.compliance.historyDays` (365 by default).
 */

/** The longest history one query answers. @public */
export const MAX_HISTORY_DAYS = 366;

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
  /** Present when the caller reads every team and asked for no team nor environment. */
  platform?: ComplianceHistoryPoint[];
  teams: Array<{
    name: string;
    points: ComplianceHistoryPoint[];
    checks: ComplianceCheckHistoryPoint[];
  }>;
  /** Present when one environment was asked for. */
  environment?: { name: string; points: ComplianceHistoryPoint[] };
}

/** `YYYY-MM-DD`. */
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day (YYYY-MM-DD)')
  .refine(v => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)), {
    message: 'must be a day (YYYY-MM-DD)',
  });

/** Query of `GET /compliance/history`: default the last 90 days. @public */
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
    if (q.from && q.to) {
      const days = (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000;
      if (days < 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['to'],
          message: "must not be before 'from'",
        });
      } else if (days > MAX_HISTORY_DAYS) {
        ctx.addIssue({
          code: 'custom',
          path: ['from'],
          message: `must be at most ${MAX_HISTORY_DAYS} days before 'to'`,
        });
      }
    }
  });
