/** Milliseconds in an hour. */
export const HOUR_MS = 3_600_000;

/** The start of the hour `ms` falls in. */
export function floorHour(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

/** `ms` when it is on a whole hour, else the start of the next hour. */
export function ceilHour(ms: number): number {
  return Math.ceil(ms / HOUR_MS) * HOUR_MS;
}

/** ISO 8601 UTC with milliseconds: fixed width, so these compare correctly as text. */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * The milliseconds of [start, end) inside each hour it touches, clipped to [from, to):
 * pro-rating to the second (and below) within each hour.
 */
export function* overlapByHour(
  start: number,
  end: number,
  from: number,
  to: number,
): Generator<{ hour: number; ms: number }> {
  const lo = Math.max(start, from);
  const hi = Math.min(end, to);
  for (let hour = floorHour(lo); hour < hi; hour += HOUR_MS) {
    const ms = Math.min(hi, hour + HOUR_MS) - Math.max(lo, hour);
    if (ms > 0) yield { hour, ms };
  }
}

/** The Monday (UTC) of the ISO week `ms` falls in, as `YYYY-MM-DD`. */
export function mondayOf(ms: number): string {
  const day = Math.floor(ms / 86_400_000);
  // 1970-01-01 was a Thursday: day 0 is 3 days after a Monday.
  const monday = day - ((day + 3) % 7);
  return iso(monday * 86_400_000).slice(0, 10);
}
