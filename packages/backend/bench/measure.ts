/*
 * The figures of plugins/genai-insights-backend/bench/measure.ts, which this package cannot import
 * (that package exports no bench/ entry point): the same nearest-rank percentile and formatting,
 * so the benchmarks' figures compare.
 */

/** The p-th percentile (0–100) of samples, nearest rank. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function median(values: number[]): number {
  return percentile(values, 50);
}

/** `ms` with one decimal below 10, as an integer above. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return '–';
  return value < 10 ? value.toFixed(1) : String(Math.round(value));
}
