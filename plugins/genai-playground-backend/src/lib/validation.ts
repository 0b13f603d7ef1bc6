import { InputError } from '@backstage/errors';
import type { z } from 'zod';

/**
 * Parses with a zod schema; a failure is an InputError naming each field:
 * `Invalid request: gpus: Too big: expected number to be <=64`.
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what = 'request',
): z.output<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map(issue => {
    const path = issue.path.map(String).join('.');
    return path ? `${path}: ${issue.message}` : issue.message;
  });
  throw new InputError(`Invalid ${what}: ${problems.join('; ')}`);
}
