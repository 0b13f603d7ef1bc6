import type { Config } from '@backstage/config';

/** A config value the plugin cannot start with: the message names the full key. */
export class ConfigProblem extends Error {
  constructor(key: string, problem: string) {
    super(`Invalid config at ${key}: ${problem}`);
    this.name = 'ConfigProblem';
  }
}

/**
 * Reads a number at `path` of `config` (or `fallback` when absent), checked against its bounds.
 * `key` is the full key problems name (`genaiPlayground.lease.maxTtlHours`): sections are read
 * from sub-configs, whose paths are relative.
 */
export function readNumber(
  config: Config | undefined,
  path: string,
  options: {
    key: string;
    fallback: number;
    /** Smallest value allowed (default 0). */
    min?: number;
    /** Values must be greater than this instead (for durations that cannot be 0). */
    above?: number;
    integer?: boolean;
  },
): number {
  const { key, fallback, min = 0, above, integer = false } = options;
  const value = config?.getOptionalNumber(path) ?? fallback;
  if (Number.isNaN(value)) throw new ConfigProblem(key, 'missing');
  if (above !== undefined) {
    if (!Number.isFinite(value) || value <= above) {
      throw new ConfigProblem(
        key,
        `must be a number above ${above}, got ${value}`,
      );
    }
  } else if (!Number.isFinite(value) || value < min) {
    throw new ConfigProblem(
      key,
      `must be a number of at least ${min}, got ${value}`,
    );
  }
  if (integer && !Number.isInteger(value)) {
    throw new ConfigProblem(key, `must be a whole number, got ${value}`);
  }
  return value;
}
