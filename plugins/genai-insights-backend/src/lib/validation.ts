import { InputError } from '@backstage/errors';
import type { z } from 'zod';

/**
 * Parses with a zod schema; a failure is an InputError naming each field
 * (`Invalid query: to: must be after from`). Strings holding a NUL are refused first: PostgreSQL
 * text cannot hold one, and no team or cost center needs one.
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: 'request' | 'query',
): z.output<S> {
  for (const [key, v] of Object.entries((value ?? {}) as object)) {
    if (typeof v === 'string' && v.includes('\u0000')) {
      throw new InputError(
        `Invalid ${what}: ${key}: must not contain a NUL character`,
      );
    }
  }
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map(issue => {
    const path = issue.path.map(String).join('.');
    return path ? `${path}: ${issue.message}` : issue.message;
  });
  throw new InputError(`Invalid ${what}: ${problems.join('; ')}`);
}
