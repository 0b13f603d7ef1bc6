import {
  jobGpuSeconds,
  type Job,
} from '@genai-portal/plugin-genai-playground-common';

/** "2h 5m", "4m 10s", "42s": the two largest units of a duration. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${rest}s`;
  return `${rest}s`;
}

/** How long the job has run: start to end, or to now while it runs; undefined before it starts. */
export function jobRuntimeSeconds(
  job: Pick<Job, 'startedAt' | 'finishedAt'>,
  now: Date = new Date(),
): number | undefined {
  if (!job.startedAt) return undefined;
  const end = job.finishedAt ? new Date(job.finishedAt) : now;
  return Math.max(
    0,
    (end.getTime() - new Date(job.startedAt).getTime()) / 1000,
  );
}

/** GPU-hours of a job: recorded at its end, counted up to now while it runs. */
export function jobGpuHours(job: Job, now: Date = new Date()): number {
  return jobGpuSeconds(job, now) / 3600;
}

/** "0.42", "12.5", "0": GPU-hours with at most two decimals. */
export function formatGpuHours(hours: number): string {
  return hours.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

/** "8", "2 × 8": GPUs per pod, times pods when there are several. */
export function formatJobGpus(job: Pick<Job, 'gpus' | 'pods'>): string {
  return job.pods > 1 ? `${job.pods} × ${job.gpus}` : String(job.gpus);
}
