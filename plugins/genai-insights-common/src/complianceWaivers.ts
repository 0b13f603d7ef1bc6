import { z } from 'zod';
import { isoTime, teamList, toTeamRef } from './fields';

/*
 * Compliance waivers: a lead or an admin accepts one check's failure in one environment (or in
 * every environment of a team) until a date, with a justification. A waived failure counts as
 * passed and is shown as waived; an expired or revoked waiver stops counting at once.
 */

/** The longest a waiver may run: a year from when it is granted. @public */
export const MAX_WAIVER_DAYS = 366;

/** Where a waiver is in its life. @public */
export type ComplianceWaiverState = 'active' | 'expired' | 'revoked';

/** One waiver, as the API answers it. @public */
export interface ComplianceWaiver {
  id: string;
  checkId: string;
  /** The environment (namespace) waived; absent: every environment of `team`. */
  environment?: string;
  /**
   * The team (group entity ref) whose environment or environments are waived: an environment's
   * team when the waiver was granted; empty for an environment of no team.
   */
  team: string;
  justification: string;
  /** ISO time; the waiver stops counting at this instant. */
  expiresAt: string;
  /** Entity ref of who granted it. */
  createdBy: string;
  createdAt: string;
  revokedBy?: string;
  revokedAt?: string;
  /** When the owners were told it expires within a week. */
  expiryNotifiedAt?: string;
  state: ComplianceWaiverState;
}

/** `GET /compliance/waivers`. @public */
export interface ComplianceWaiverList {
  items: ComplianceWaiver[];
}

/** The waiver a check result counts under, as results carry it. @public */
export interface AppliedWaiver {
  id: string;
  justification: string;
  expiresAt: string;
  createdBy: string;
}

/** Body of `POST /compliance/waivers`: exactly one of `environment` and `team`. @public */
export const complianceWaiverCreateSchema = z
  .strictObject({
    checkId: z
      .string()
      .trim()
      .regex(/^[a-z0-9][a-z0-9-]{0,99}$/, 'must be a check id'),
    environment: z
      .string()
      .regex(
        /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/,
        'must be a namespace name (a DNS label)',
      )
      .optional(),
    team: z.string().trim().min(1).max(255).optional(),
    justification: z
      .string()
      .trim()
      .min(10, 'must say why, in at least 10 characters')
      .max(2000),
    /** ISO date or time in the future, at most {@link MAX_WAIVER_DAYS} away. */
    expiresAt: isoTime,
  })
  .transform((body, ctx) => {
    if (Boolean(body.environment) === Boolean(body.team)) {
      ctx.addIssue({
        code: 'custom',
        path: ['environment'],
        message: 'name exactly one of environment and team',
      });
      return z.NEVER;
    }
    const team = body.team === undefined ? undefined : toTeamRef(body.team);
    if (body.team !== undefined && !team) {
      ctx.addIssue({
        code: 'custom',
        path: ['team'],
        message: 'must be a group name or group entity ref',
      });
      return z.NEVER;
    }
    return { ...body, team, expiresAt: new Date(body.expiresAt).toISOString() };
  });

/** @public */
export type ComplianceWaiverCreateRequest = z.input<
  typeof complianceWaiverCreateSchema
>;

/** Query of `GET /compliance/waivers`. @public */
export const complianceWaiversQuerySchema = z.strictObject({
  teams: teamList.optional(),
  /** Default: active only. */
  state: z.enum(['active', 'expired', 'revoked', 'all']).optional(),
});

/** Path of `DELETE /compliance/waivers/{id}` (revokes). @public */
export const complianceWaiverParamsSchema = z.strictObject({
  id: z.string().uuid('must be a waiver id (a UUID)'),
});
