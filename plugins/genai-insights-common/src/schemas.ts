import { z } from 'zod';
import { COST_BASES } from './ledger';
import { isoTime, teamList, toTeamRef } from './fields';

/** The longest range one query or export covers. @public */
export const MAX_RANGE_DAYS = 400;

const range = {
  /** Start, inclusive; floored to the hour. */
  from: isoTime,
  /** End, exclusive; rounded up to the hour. */
  to: isoTime,
  teams: teamList.optional(),
  basis: z.enum(COST_BASES).optional(),
};

function checkRange(
  value: { from: string; to: string },
  ctx: z.RefinementCtx,
): void {
  const from = Date.parse(value.from);
  const to = Date.parse(value.to);
  if (Number.isNaN(from) || Number.isNaN(to)) return;
  if (to <= from) {
    ctx.addIssue({
      code: 'custom',
      path: ['to'],
      message: 'must be after from',
    });
  } else if (to - from > MAX_RANGE_DAYS * 86_400_000) {
    ctx.addIssue({
      code: 'custom',
      path: ['to'],
      message: `must be at most ${MAX_RANGE_DAYS} days after from`,
    });
  }
}

/** The periods cost over time is bucketed in. @public */
export const COST_INTERVALS = ['day', 'week', 'month'] as const;

/** @public */
export type CostInterval = (typeof COST_INTERVALS)[number];

/** What cost is stacked or ranked by. @public */
export const COST_DIMENSIONS = [
  'pool',
  'category',
  'model',
  'team',
  'costCenter',
  'environment',
] as const;

/** @public */
export type CostDimension = (typeof COST_DIMENSIONS)[number];

/** Query of `GET /cost`: cost over time, stacked. @public */
export const costOverTimeQuerySchema = z
  .strictObject({
    ...range,
    interval: z.enum(COST_INTERVALS).default('day'),
    stackBy: z.enum(COST_DIMENSIONS).default('category'),
  })
  .superRefine(checkRange);

/** Query of `GET /cost/compare`: a range against the one just before it. @public */
export const costCompareQuerySchema = z
  .strictObject(range)
  .superRefine(checkRange);

/** Query of `GET /cost/top`. @public */
export const costTopQuerySchema = z
  .strictObject({
    ...range,
    by: z.enum(['environment', 'model']).default('environment'),
    limit: z.coerce.number().int().min(1).max(100).default(10),
  })
  .superRefine(checkRange);

/** Query of `GET /cost/idle`: reserved vs used vs idle per category. @public */
export const costIdleQuerySchema = z
  .strictObject({ from: range.from, to: range.to, teams: range.teams })
  .superRefine(checkRange);

/**
 * Query of `GET /cost/savings`: idle cost per environment and the GPU quota that would have
 * been enough, the `limit` environments with the most idle cost first.
 * @public
 */
export const costSavingsQuerySchema = z
  .strictObject({
    from: range.from,
    to: range.to,
    teams: range.teams,
    limit: z.coerce.number().int().min(1).max(100).default(10),
  })
  .superRefine(checkRange);

/** Query of the exports (`GET /export/csv`, `GET /export/focus`). @public */
export const exportQuerySchema = z.strictObject(range).superRefine(checkRange);

/** Query of `GET /scope`: none. @public */
export const scopeQuerySchema = z.strictObject({});

/** Query of `GET /budgets`. @public */
export const budgetsQuerySchema = z.strictObject({
  /** The month, `YYYY-MM`; the current month when absent. */
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month as YYYY-MM')
    .optional(),
  teams: teamList.optional(),
});

/** Who a stored budget is for. @public */
export const BUDGET_SCOPES = ['team', 'cost-center'] as const;

/** @public */
export type BudgetScope = (typeof BUDGET_SCOPES)[number];

/**
 * Body of `PUT /budgets`: set (or, with `monthlyAmount: null`, remove) a monthly budget. A team
 * is given as a group name or ref and kept as a ref, the way the ledger names teams.
 * @public
 */
export const budgetPutSchema = z
  .strictObject({
    scope: z.enum(BUDGET_SCOPES),
    /** A group name or entity ref for `team`, the cost center's code for `cost-center`. */
    subject: z.string().trim().min(1).max(255),
    /** In currency units; null removes the budget. */
    monthlyAmount: z.number().min(0).max(1e9).nullable(),
  })
  .transform((body, ctx) => {
    if (body.scope !== 'team') return body;
    const subject = toTeamRef(body.subject);
    if (!subject) {
      ctx.addIssue({
        code: 'custom',
        path: ['subject'],
        message: 'must be a group name or group entity ref',
      });
      return z.NEVER;
    }
    return { ...body, subject };
  });

/** @public */
export type BudgetPutRequest = z.input<typeof budgetPutSchema>;
