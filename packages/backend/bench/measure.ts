import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

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

/**
 * The CPU time (user + system, ms) the process listening on `port` of this machine has used so
 * far, read from /proc; undefined where that cannot be read. Per request, it is what a route
 * costs whatever else runs on the machine, where latencies and req/s move with the neighbours.
 */
export function cpuClockOfListener(port: number): () => number | undefined {
  let pid: string | undefined;
  try {
    const out = execFileSync('ss', ['-Hltnp', `sport = :${port}`], {
      encoding: 'utf8',
    });
    pid = /pid=(\d+)/.exec(out)?.[1];
  } catch {
    pid = undefined;
  }
  const ticksPerMs = 100 / 1000; // USER_HZ, 100 on Linux
  return () => {
    if (!pid) return undefined;
    try {
      // Fields after the command (which may hold spaces): utime and stime are the 12th and 13th.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) / ticksPerMs;
    } catch {
      return undefined;
    }
  };
}
