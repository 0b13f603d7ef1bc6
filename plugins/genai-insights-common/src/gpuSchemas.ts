import { z } from 'zod';
import { GPU_BREAKDOWNS } from './gpu';
import { isoTime, teamList } from './fields';

/**
 * The longest range a GPU utilization query covers: Prometheus keeps weeks, not the ledger's
 * year, and a range query's points are bounded.
 * @public
 */
export const GPU_MAX_RANGE_DAYS = 31;

/** A comma-separated list of names (pools), each a DNS label. */
const nameList = z
  .string()
  .max(2000)
  .transform((v, ctx) => {
    const names = v
      .split(',')
      .map(n => n.trim())
      .filter(Boolean);
    const bad = names.find(
      n => !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(n),
    );
    if (bad !== undefined || names.length === 0) {
      ctx.addIssue({
        code: 'custom',
        message:
          bad === undefined
            ? 'must name at least one'
            : `'${bad}' is not a pool name (lower-case letters, digits and '-')`,
      });
      return z.NEVER;
    }
    return names;
  });

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
  } else if (to - from > GPU_MAX_RANGE_DAYS * 86_400_000) {
    ctx.addIssue({
      code: 'custom',
      path: ['to'],
      message: `must be at most ${GPU_MAX_RANGE_DAYS} days after from`,
    });
  }
}

const range = { from: isoTime, to: isoTime };

/** Query of `GET /gpu/fleet`. @public */
export const gpuFleetQuerySchema = z.strictObject({
  teams: teamList.optional(),
  pools: nameList.optional(),
});

/** Query of `GET /gpu/usage`. @public */
export const gpuUsageQuerySchema = z
  .strictObject({
    ...range,
    teams: teamList.optional(),
    pools: nameList.optional(),
  })
  .superRefine(checkRange);

/** Query of `GET /gpu/breakdown`. @public */
export const gpuBreakdownQuerySchema = z
  .strictObject({
    ...range,
    by: z.enum(GPU_BREAKDOWNS).default('team'),
    teams: teamList.optional(),
  })
  .superRefine(checkRange);

/** Query of `GET /gpu/idle`. @public */
export const gpuIdleQuerySchema = z.strictObject({
  teams: teamList.optional(),
});

/**
 * Query of `GET /gpu/activity`: one environment, one job, or teams (the caller's when none is
 * given).
 * @public
 */
export const gpuActivityQuerySchema = z
  .strictObject({
    ...range,
    environment: z
      .string()
      .regex(
        /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/,
        'must be an environment name (a DNS label)',
      )
      .optional(),
    job: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a job id')
      .optional(),
    teams: teamList.optional(),
  })
  .superRefine(checkRange)
  .superRefine((value, ctx) => {
    const given = ['environment', 'job', 'teams'].filter(
      k => value[k as keyof typeof value] !== undefined,
    );
    if (given.length > 1) {
      ctx.addIssue({
        code: 'custom',
        path: [given[1]],
        message: `give one of environment, job or teams, not ${given.join(
          ' and ',
        )}`,
      });
    }
  });
