import { GPU_MAX_RANGE_DAYS } from '@genai-portal/plugin-genai-insights-common';

/** Helpers of the GPU cards, shared with the GPU utilization page: ranges, numbers, colours. */

const LOCALE = 'en-US';
const MINUTE = 60_000;
const DAY = 86_400_000;

/** A range of `GET /gpu/*`: ISO times, `from` inclusive and `to` exclusive. @public */
export interface GpuTimeRange {
  from: string;
  to: string;
}

/**
 * A range for the cards: `from` and `to` when given (`to` defaults to now, `from` to 7 days
 * before `to`), never longer than the API allows (`GPU_MAX_RANGE_DAYS`).
 * @public
 */
export function cardRange(
  now: Date,
  from?: string,
  to?: string,
  defaultDays = 7,
): GpuTimeRange {
  const end = to ? Date.parse(to) : Math.ceil(now.getTime() / MINUTE) * MINUTE;
  const endMs = Number.isNaN(end) ? now.getTime() : end;
  const start = from ? Date.parse(from) : NaN;
  const earliest = endMs - GPU_MAX_RANGE_DAYS * DAY;
  const startMs = Number.isNaN(start)
    ? endMs - defaultDays * DAY
    : Math.max(start, earliest);
  return {
    from: new Date(Math.min(startMs, endMs - MINUTE)).toISOString(),
    to: new Date(endMs).toISOString(),
  };
}

/** `1234.56` GPU-hours as `1,234.6`. @public */
export function formatGpuHours(hours: number): string {
  return new Intl.NumberFormat(LOCALE, {
    maximumFractionDigits: hours > 0 && hours < 10 ? 2 : 1,
  }).format(hours);
}

/** An activity percent (0–100) as `85%`, or a dash without a sample. @public */
export function formatActivity(percent: number | null | undefined): string {
  if (percent === null || percent === undefined || Number.isNaN(percent)) {
    return '—';
  }
  return `${new Intl.NumberFormat(LOCALE, {
    maximumFractionDigits: percent < 10 ? 1 : 0,
  }).format(percent)}%`;
}

/** Stops of the heatmap's sequential scale, light (0%) to dark (100%). */
const SCALE: Array<[number, [number, number, number]]> = [
  [0, [222, 235, 247]],
  [50, [107, 174, 214]],
  [100, [8, 48, 107]],
];

/**
 * The colour of an activity percent on the GPU heatmap's scale (and the cards' charts): light
 * blue at 0%, dark blue at 100%.
 * @public
 */
export function activityColor(percent: number): string {
  const p = Math.min(100, Math.max(0, percent));
  for (let i = 1; i < SCALE.length; i++) {
    const [hi, to] = SCALE[i];
    if (p <= hi) {
      const [lo, from] = SCALE[i - 1];
      const t = (p - lo) / (hi - lo);
      const c = from.map((f, k) => Math.round(f + (to[k] - f) * t));
      return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
    }
  }
  const [, last] = SCALE[SCALE.length - 1];
  return `rgb(${last[0]}, ${last[1]}, ${last[2]})`;
}

/** The CSS gradient of {@link activityColor}'s scale, for its legend. @public */
export const ACTIVITY_GRADIENT = `linear-gradient(to right, ${SCALE.map(
  ([p, c]) => `rgb(${c[0]}, ${c[1]}, ${c[2]}) ${p}%`,
).join(', ')})`;
