import { InputError } from '@backstage/errors';
import type { z } from 'zod';

/**
 * Parses with a zod schema; a failure is an InputError naming each field:
 * `Invalid request: gpus: Too big: expected number to be <=64`. Strings holding a NUL character
 * are refused first: no store keeps them (PostgreSQL's text cannot), and no name needs one.
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what = 'request',
): z.output<S> {
  const nul = findNul(value ?? {}, []);
  if (nul !== undefined) {
    throw new InputError(
      `Invalid ${what}: ${
        nul || '(the value)'
      }: must not contain a NUL character`,
    );
  }
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map(issue => {
    const path = issue.path.map(String).join('.');
    return path ? `${path}: ${issue.message}` : issue.message;
  });
  throw new InputError(`Invalid ${what}: ${problems.join('; ')}`);
}

/** The path of the first string (or key) holding a NUL, '' for the value itself. */
function findNul(value: unknown, path: string[]): string | undefined {
  if (typeof value === 'string') {
    return value.includes('\u0000') ? path.join('.') : undefined;
  }
  if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      const at = [...path, key];
      if (key.includes('\u0000')) return at.join('.');
      const found = findNul(child, at);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
