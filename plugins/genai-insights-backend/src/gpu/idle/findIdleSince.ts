/*
 * The idle rule on one GPU's samples: since when its activity has stayed under the threshold.
 * Runs for every held GPU of the fleet on every scan, so it scans backwards from the latest
 * sample, stops at the first busy one and allocates nothing.
 */

/** How one GPU's samples are judged. */
export interface IdleSinceOptions {
  /** Activity under this (0–100) is idle; at or above it is busy. */
  thresholdPercent: number;
  /** How long the activity must have stayed under the threshold, up to `now`. */
  windowMs: number;
  /** Unix milliseconds. */
  now: number;
  /**
   * Samples further apart than this break the run (a scrape gap is not idleness), and the
   * latest sample must be at most this old. Typically three scrape steps.
   */
  maxGapMs: number;
  /**
   * When the pod holding the GPU started (unix ms): samples before it are another pod's (a
   * pod recreated with the same name), so the run never starts earlier.
   */
  startedAt?: number;
}

/**
 * The start of the trailing run of samples all under the threshold, when that run reaches the
 * latest sample (itself within `maxGapMs` of `now`) and lasts at least `windowMs` up to `now`;
 * otherwise undefined. The run starts at the first sample after the last busy sample, after
 * the last gap longer than `maxGapMs`, or at the first sample, and never before `startedAt`.
 *
 * `times` are unix milliseconds in increasing order, `values` the activity (0–100) at each;
 * a NaN value is a missing sample. Samples after `now` are ignored.
 */
export function findIdleSince(
  times: ArrayLike<number>,
  values: ArrayLike<number>,
  options: IdleSinceOptions,
): number | undefined {
  const { thresholdPercent, windowMs, now, maxGapMs } = options;
  const startedAt = options.startedAt ?? -Infinity;
  let i = Math.min(times.length, values.length) - 1;
  // `x !== x` tests for NaN: Number.isNaN measured ten times slower under Jest.
  /* eslint-disable no-self-compare */
  // The latest sample at or before now.
  while (i >= 0 && (times[i] > now || values[i] !== values[i])) i--;
  if (i < 0 || now - times[i] > maxGapMs) return undefined;
  let start = times[i];
  if (start < startedAt) return undefined;
  for (; i >= 0; i--) {
    const t = times[i];
    const v = values[i];
    if (v !== v) continue; // NaN: no sample
    if (t < startedAt || start - t > maxGapMs || !(v < thresholdPercent)) {
      break;
    }
    start = t;
  }
  /* eslint-enable no-self-compare */
  return now - start >= windowMs ? start : undefined;
}

/** findIdleSince over a range query's `[unix ms, value]` points, without copying them. */
export function findIdleSinceInPoints(
  points: ReadonlyArray<readonly [number, number]>,
  options: IdleSinceOptions,
): number | undefined {
  const { thresholdPercent, windowMs, now, maxGapMs } = options;
  const startedAt = options.startedAt ?? -Infinity;
  let i = points.length - 1;
  /* eslint-disable no-self-compare */
  while (i >= 0 && (points[i][0] > now || points[i][1] !== points[i][1])) i--;
  if (i < 0 || now - points[i][0] > maxGapMs) return undefined;
  let start = points[i][0];
  if (start < startedAt) return undefined;
  for (; i >= 0; i--) {
    const point = points[i];
    const t = point[0];
    const v = point[1];
    if (v !== v) continue; // NaN: no sample
    if (t < startedAt || start - t > maxGapMs || !(v < thresholdPercent)) {
      break;
    }
    start = t;
  }
  /* eslint-enable no-self-compare */
  return now - start >= windowMs ? start : undefined;
}
