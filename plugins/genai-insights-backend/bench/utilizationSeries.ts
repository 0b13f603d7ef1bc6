/*
 * A day of GPU activity for the idle scan's benchmark, made in memory: for every GPU a pod
 * holds, one point per 15 s as Prometheus would answer the scan's range query, and a stand-in
 * for that range query which hands out an answer prepared beforehand (outside the timing).
 * Deterministic: the same pods give the same series.
 */
import type {
  ClusterGpuReader,
  ClusterGpuSnapshot,
  PrometheusQueries,
  PromSeries,
} from '../src/gpu/types';

const HOUR_MS = 3_600_000;
export const STEP_MS = 15_000;

/** A GPU a pod holds, as the scan's query labels it, with kube-sim's reading of it now. */
export interface HeldGpu {
  /** hostname, gpu_id, pod and namespace: what `idleActivityQuery()` groups by. */
  labels: Record<string, string>;
  /** node, namespace and pod: the pod's key. */
  podKey: string;
  /** Its activity now (kube-sim): under the threshold is an idle workload, else a busy one. */
  now: number;
}

export type ActivityProfile =
  | 'busy'
  | 'input-bound'
  | 'idle'
  | 'idle with a busy spike';

/** FNV-1a of a string, as a seed. */
export function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: numbers in [0, 1) from a seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * How long ago a pod started: one in ten 2–20 h ago (a restart; its GPUs cannot be idle for a
 * whole day), the others 2–7 days ago, as in a fleet that has run for a while.
 */
export function podAgeMs(podKey: string): number {
  const r = random(hash(`age/${podKey}`));
  return r() < 0.1 ? (2 + r() * 18) * HOUR_MS : (48 + r() * 120) * HOUR_MS;
}

/**
 * What a GPU did over the day: busy (85–98%) or input-bound (its level now ±3) when kube-sim
 * reports it working; idle (0–3%) when it reports it idle, except one pod in four whose GPUs
 * had a 20-minute burst of work (55–95%) somewhere in the day.
 */
export function profileOf(gpu: HeldGpu, thresholdPercent: number) {
  if (gpu.now >= thresholdPercent) {
    return gpu.now >= 80 ? 'busy' : 'input-bound';
  }
  return random(hash(`spike/${gpu.podKey}`))() < 0.25
    ? 'idle with a busy spike'
    : 'idle';
}

/** Points every STEP_MS from `firstMs` (aligned to STEP_MS) to `lastMs`. */
export interface Timeline {
  firstMs: number;
  lastMs: number;
}

/** A GPU's generated points: every step of the timeline from its pod's start. */
export interface GeneratedGpu extends HeldGpu {
  profile: ActivityProfile;
  startedAtMs: number;
  /** [unix ms, activity %], one per STEP_MS. */
  points: Array<[number, number]>;
}

/**
 * The GPU's activity at every step of the timeline from its pod's start (`anchorMs` minus the
 * pod's age): integers, as the exporter reports them.
 */
export function generateGpu(
  gpu: HeldGpu,
  timeline: Timeline,
  anchorMs: number,
  thresholdPercent: number,
  /** The pod's age; default podAgeMs. */
  ageMs = podAgeMs(gpu.podKey),
): GeneratedGpu {
  const profile = profileOf(gpu, thresholdPercent);
  const startedAtMs = anchorMs - ageMs;
  const r = random(hash(`values/${gpu.podKey}/${gpu.labels.gpu_id}`));
  // The pod's burst: the same 20 minutes on all its GPUs, 1–23 h before the anchor.
  const spike = random(hash(`spike-at/${gpu.podKey}`));
  const spikeStart = anchorMs - (1 + spike() * 22) * HOUR_MS;
  const spikeEnd = spikeStart + 20 * 60_000;
  const first = Math.max(
    timeline.firstMs,
    Math.ceil(startedAtMs / STEP_MS) * STEP_MS,
  );
  const points: Array<[number, number]> = [];
  for (let t = first; t <= timeline.lastMs; t += STEP_MS) {
    let v: number;
    switch (profile) {
      case 'busy':
        v = 85 + Math.floor(r() * 14);
        break;
      case 'input-bound':
        v = Math.max(0, Math.min(100, Math.round(gpu.now - 3 + r() * 6)));
        break;
      case 'idle with a busy spike':
        v =
          t >= spikeStart && t < spikeEnd
            ? 55 + Math.floor(r() * 41)
            : Math.floor(r() * 4);
        break;
      default:
        v = Math.floor(r() * 4);
    }
    points.push([t, v]);
  }
  return { ...gpu, profile, startedAtMs, points };
}

/**
 * The points of `[startMs, endMs]` at every `stepMs` (a multiple of STEP_MS; both ends
 * aligned to it), as Prometheus answers a range query; shares the point tuples.
 */
export function pointsIn(
  gpu: GeneratedGpu,
  startMs: number,
  endMs: number,
  stepMs: number,
): Array<[number, number]> {
  const { points } = gpu;
  if (points.length === 0) return [];
  const firstMs = points[0][0];
  let i = Math.max(0, Math.ceil((startMs - firstMs) / STEP_MS));
  // The first point on the query's step grid.
  while (i < points.length && (points[i][0] - startMs) % stepMs !== 0) i++;
  const last = Math.min(
    points.length - 1,
    Math.floor((endMs - firstMs) / STEP_MS),
  );
  if (stepMs === STEP_MS) return points.slice(i, last + 1);
  const stride = stepMs / STEP_MS;
  const out: Array<[number, number]> = [];
  for (; i <= last; i += stride) out.push(points[i]);
  return out;
}

/**
 * The points of `[startMs, endMs]` at every `stepMs`, each the highest sample of the step before
 * it, as Prometheus answers `max_over_time(...[step])` at that step.
 */
export function maxPointsIn(
  gpu: GeneratedGpu,
  startMs: number,
  endMs: number,
  stepMs: number,
): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const { points } = gpu;
  let i = 0;
  for (let t = Math.ceil(startMs / stepMs) * stepMs; t <= endMs; t += stepMs) {
    while (i < points.length && points[i][0] <= t - stepMs) i++;
    let max = -1;
    for (let j = i; j < points.length && points[j][0] <= t; j++) {
      if (points[j][1] > max) max = points[j][1];
    }
    if (max >= 0) out.push([t, max]);
  }
  return out;
}

/** The query without its range windows (`[90s]`): the scan picks the step for the window. */
const withoutWindows = (query: string) => query.replace(/\[\d+s\]/g, '[]');

/** A range query's answer, prepared before a scan: what it must be asked, and the series. */
export interface PreparedAnswer {
  query: string;
  startMs: number;
  endMs: number;
  stepSeconds: number;
  series: PromSeries[];
}

/**
 * The scan's Prometheus: range queries answered from the answer prepared for the next scan
 * (checked to be the query and range the scan asks), instant queries (vLLM's request counter)
 * by the real Prometheus.
 */
export class PreparedPrometheus implements PrometheusQueries {
  #next?: PreparedAnswer;
  /** Range queries answered. */
  asked = 0;

  constructor(private readonly real: Pick<PrometheusQueries, 'instant'>) {}

  prepare(answer: PreparedAnswer | undefined) {
    this.#next = answer;
  }

  instant(query: string, at?: Date) {
    return this.real.instant(query, at);
  }

  async range(
    query: string,
    range: { start: Date; end: Date; stepSeconds: number },
  ): Promise<{ stepSeconds: number; series: PromSeries[] }> {
    const next = this.#next;
    if (!next) throw new Error('bench: no answer prepared for the range query');
    if (
      withoutWindows(query) !== withoutWindows(next.query) ||
      range.start.getTime() !== next.startMs ||
      range.end.getTime() !== next.endMs
    ) {
      throw new Error(
        `bench: the scan asked ${query} from ${range.start.toISOString()} to ${range.end.toISOString()}, the answer prepared is for ${
          next.query
        } from ${new Date(next.startMs).toISOString()} to ${new Date(
          next.endMs,
        ).toISOString()}`,
      );
    }
    this.asked++;
    return { stepSeconds: next.stepSeconds, series: next.series };
  }
}

/**
 * The cluster's pods as if they had been running for a while: kube-sim's pods started when it
 * did, seconds ago, and the scan never looks before a pod's start; each pod's `startedAt` is
 * set `podAgeMs` before `anchorMs`. Everything else is the inner reader's snapshot.
 */
export class AgedReader implements ClusterGpuReader {
  constructor(
    private readonly inner: ClusterGpuReader,
    private readonly anchorMs: number,
  ) {}

  async snapshot(): Promise<ClusterGpuSnapshot> {
    const snapshot = await this.inner.snapshot();
    return {
      ...snapshot,
      pods: snapshot.pods.map(p => ({
        ...p,
        startedAt: new Date(
          this.anchorMs - podAgeMs(`${p.node}/${p.namespace}/${p.pod}`),
        ).toISOString(),
      })),
    };
  }
}

/**
 * A query_range answer of these series as Prometheus's HTTP API sends it (`[unix seconds,
 * "value"]` pairs), for timing its JSON.parse.
 */
export function queryRangeJson(series: PromSeries[]): string {
  const parts = series.map(
    s =>
      `{"metric":${JSON.stringify(s.labels)},"values":[${s.points
        .map(([t, v]) => `[${t / 1000},"${v}"]`)
        .join(',')}]}`,
  );
  return `{"status":"success","data":{"resultType":"matrix","result":[${parts.join(
    ',',
  )}]}}`;
}
