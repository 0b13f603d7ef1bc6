import { performance } from 'node:perf_hooks';

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

/** Milliseconds `run` takes. */
export async function timed(run: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await run();
  return performance.now() - t0;
}

/**
 * `concurrency` workers (worker i is lead i) each run `run(i)` `iterations` times back to
 * back, so `concurrency` queries are in flight the whole time; the latency of every call.
 */
export async function underLoad(
  run: (worker: number) => Promise<unknown>,
  concurrency: number,
  iterations: number,
): Promise<number[]> {
  const samples: number[] = [];
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = 0; i < iterations; i++) {
        samples.push(await timed(() => run(worker)));
      }
    }),
  );
  return samples;
}

/** `ms` with two significant decimals below 10, as an integer above. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return '–';
  return value < 10 ? value.toFixed(1) : String(Math.round(value));
}
