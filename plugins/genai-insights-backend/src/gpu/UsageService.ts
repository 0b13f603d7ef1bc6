import type {
  GpuActivity,
  GpuActivityDevice,
  GpuBreakdown,
  GpuBreakdownBy,
  GpuBreakdownRow,
  GpuUsage,
  GpuUsagePoint,
  IdleRule,
} from '@genai-portal/plugin-genai-insights-common';
import type { FactStore } from '../facts/FactStore';
import type { GpuPodDirectory, GpuPodEntry } from './pods/GpuPodDirectory';
import type { GpuPromQL } from './promql';
import { fromPrometheus, stepFor } from './readers';
import type { ClusterGpuReader, PrometheusQueries, PromSeries } from './types';

export interface UsageServiceOptions {
  reader: ClusterGpuReader;
  prometheus?: PrometheusQueries;
  promql: GpuPromQL;
  directory: GpuPodDirectory;
  facts: Pick<FactStore, 'read'>;
  rule: IdleRule;
  currency: string;
  scrapeIntervalSeconds: number;
  gpuHourMicros: (pool: string) => number;
  clock?: () => Date;
}

interface Range {
  from: Date;
  to: Date;
}

/** The pods whose series count: all (undefined), or those of these namespaces and pods. */
interface PodFilter {
  namespaces?: string[];
  pods?: Set<string>;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * A range query's point at t sums the window (t − step, t]; the first, at the range's start
 * rounded down, is of the step before the range, and is left out.
 */
const inRange = (points: Array<[number, number]>, range: Range) =>
  points.filter(([t]) => t > range.from.getTime());
const sumInRange = (points: Array<[number, number]>, range: Range) =>
  inRange(points, range).reduce((n, [, v]) => n + v, 0);
const key = (s: PromSeries, promql: GpuPromQL) =>
  `${s.labels[promql.namespaceLabel] ?? ''}/${s.labels[promql.podLabel] ?? ''}`;

/**
 * GPU activity over time from Prometheus: per pool (allocated, active and idle GPU-hours), per
 * team, environment, model, job or pool (GPU-hours, mean activity, energy, tokens), and for one
 * environment, job or set of teams (the entity cards). Each query asks for `_over_time` windows
 * one step long, so a month of 1,000 GPUs is a few hundred points per series, and the samples
 * Prometheus holds at once stay bounded.
 *
 * Series name a namespace and a pod; the pod directory says whose they were, also after the pod
 * is gone. Callers that see only some teams get only their teams' namespaces asked for.
 */
export class UsageService {
  constructor(private readonly options: UsageServiceOptions) {}

  async usage(
    range: Range,
    teams: string[] | undefined,
    pools?: string[],
  ): Promise<GpuUsage> {
    const { promql, rule, scrapeIntervalSeconds } = this.options;
    const snapshot = await this.options.reader.snapshot();
    const poolOf = new Map(snapshot.nodes.map(n => [n.name, n.pool]));
    const filter = await this.podFilter(range, { teams });
    const step = stepFor(
      range.from.getTime(),
      range.to.getTime(),
      scrapeIntervalSeconds,
    );
    const held = promql.held('gpu_gfx_activity', filter?.namespaces);
    const by = `hostname,${promql.namespaceLabel},${promql.podLabel}`;
    const nowSeconds = this.nowSeconds();
    const answer = await fromPrometheus(
      this.options.prometheus &&
        (async () => {
          const [allocated, active] = await Promise.all([
            this.range(promql.samples(held, by, step), range, step),
            this.range(
              promql.samplesBeyond({
                selector: held,
                comparison: '>=',
                threshold: rule.thresholdPercent,
                by,
                windowSeconds: step,
                resolutionSeconds: scrapeIntervalSeconds,
                nowSeconds,
              }),
              range,
              step,
            ),
          ]);
          return { allocated, active };
        }),
    );
    const stepSeconds = answer.value?.allocated.stepSeconds ?? step;
    const points = new Map<string, GpuUsagePoint>();
    // Each sample is a GPU held for one scrape interval.
    const sampleHours = scrapeIntervalSeconds / 3600;
    const add = (
      series: PromSeries[],
      field: 'allocatedGpuHours' | 'activeGpuHours',
    ) => {
      for (const s of series) {
        if (filter?.pods && !filter.pods.has(key(s, promql))) continue;
        const pool = poolOf.get(s.labels.hostname ?? '') ?? '';
        if (pools && !pools.includes(pool)) continue;
        for (const [end, count] of inRange(s.points, range)) {
          // Points are shown at the start of the window they sum.
          const t = end - stepSeconds * 1000;
          const id = `${t}/${pool}`;
          let p = points.get(id);
          if (!p) {
            p = {
              at: iso(t),
              pool,
              allocatedGpuHours: 0,
              activeGpuHours: 0,
              idleGpuHours: 0,
            };
            points.set(id, p);
          }
          p[field] += count * sampleHours;
        }
      }
    };
    if (answer.value) {
      add(answer.value.allocated.series, 'allocatedGpuHours');
      add(answer.value.active.series, 'activeGpuHours');
    }
    for (const p of points.values()) {
      p.activeGpuHours = Math.min(p.activeGpuHours, p.allocatedGpuHours);
      p.idleGpuHours = p.allocatedGpuHours - p.activeGpuHours;
    }
    return {
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      stepSeconds,
      prometheus: answer.status,
      points: [...points.values()].sort(
        (a, b) => a.at.localeCompare(b.at) || a.pool.localeCompare(b.pool),
      ),
    };
  }

  async breakdown(
    range: Range,
    by: GpuBreakdownBy,
    teams: string[] | undefined,
  ): Promise<GpuBreakdown> {
    const { promql, rule, scrapeIntervalSeconds } = this.options;
    const pods = await this.options.directory.find({
      teams,
      since: range.from.toISOString(),
    });
    const entryOf = new Map(pods.map(p => [`${p.namespace}/${p.pod}`, p]));
    const namespaces = teams
      ? [...new Set(pods.map(p => p.namespace))]
      : undefined;
    const step = stepFor(
      range.from.getTime(),
      range.to.getTime(),
      scrapeIntervalSeconds,
      60,
    );
    const w = `${step}s`;
    const groupBy = `${promql.namespaceLabel},${promql.podLabel}`;
    const held = promql.held('gpu_gfx_activity', namespaces);
    const power = promql.held('gpu_power_usage', namespaces);
    const answer = await fromPrometheus(
      this.options.prometheus && (!namespaces || namespaces.length)
        ? async () => {
            const [samples, sums, idle, watts, tokens] = await Promise.all([
              this.range(promql.samples(held, groupBy, step), range, step),
              this.range(
                `sum by (${groupBy}) (sum_over_time(${held}[${w}]))`,
                range,
                step,
              ),
              this.range(
                promql.samplesBeyond({
                  selector: held,
                  comparison: '<',
                  threshold: rule.thresholdPercent,
                  by: groupBy,
                  windowSeconds: step,
                  resolutionSeconds: scrapeIntervalSeconds,
                  nowSeconds: this.nowSeconds(),
                }),
                range,
                step,
              ),
              this.range(
                `sum by (${groupBy}) (sum_over_time(${power}[${w}]))`,
                range,
                step,
              ),
              by === 'model' || by === 'team'
                ? this.range(
                    `sum by (model_name, ${promql.namespaceLabel}) (increase(vllm:generation_tokens_total[${w}]))`,
                    range,
                    step,
                  )
                : undefined,
            ]);
            return { samples, sums, idle, watts, tokens };
          }
        : undefined,
    );

    const rows = new Map<
      string,
      GpuBreakdownRow & {
        sampleCount: number;
        activitySum: number;
        wattSamples: number;
      }
    >();
    const rowKey = (
      entry: GpuPodEntry | undefined,
      namespace: string,
    ): string | undefined => {
      switch (by) {
        case 'team':
          return entry?.team;
        case 'environment':
          // The environment's id, its namespace: as the cost ledger names environments.
          return namespace || undefined;
        case 'model':
          return entry?.model;
        case 'job':
          return entry?.jobId;
        case 'pool':
          return entry?.pool;
        default:
          return undefined;
      }
    };
    const rowFor = (k: string, entry?: GpuPodEntry) => {
      let row = rows.get(k);
      if (!row) {
        row = {
          key: k,
          ...(by !== 'team' && by !== 'pool' && entry?.team
            ? { team: entry.team }
            : {}),
          allocatedGpuHours: 0,
          meanActivity: null,
          idleGpuHours: 0,
          idleMicros: 0,
          energyKwh: null,
          generationTokens: null,
          meteredTokens: null,
          tokensPerGpuHour: null,
          tokensPerKwh: null,
          sampleCount: 0,
          activitySum: 0,
          wattSamples: 0,
        };
        rows.set(k, row);
      }
      return row;
    };
    const sampleHours = scrapeIntervalSeconds / 3600;
    const each = (
      series: PromSeries[] | undefined,
      fn: (
        row: ReturnType<typeof rowFor>,
        total: number,
        entry?: GpuPodEntry,
      ) => void,
    ) => {
      for (const s of series ?? []) {
        const entry = entryOf.get(key(s, promql));
        if (teams && !entry) continue;
        const k = rowKey(entry, s.labels[promql.namespaceLabel] ?? '');
        if (!k) continue;
        fn(rowFor(k, entry), sumInRange(s.points, range), entry);
      }
    };
    const value = answer.value;
    if (value) {
      each(value.samples.series, (row, total) => {
        row.sampleCount += total;
        row.allocatedGpuHours += total * sampleHours;
      });
      each(value.sums.series, (row, total) => (row.activitySum += total));
      each(value.idle.series, (row, total, entry) => {
        const hours = total * sampleHours;
        row.idleGpuHours += hours;
        row.idleMicros += Math.round(
          hours * this.options.gpuHourMicros(entry?.pool ?? ''),
        );
      });
      each(value.watts.series, (row, total) => {
        row.energyKwh = (row.energyKwh ?? 0) + (total * sampleHours) / 1000;
      });
      this.addGeneratedTokens(range, value.tokens?.series, by, pods, rowFor);
    }
    await this.addMeteredTokens(range, by, teams, rowFor);
    const result: GpuBreakdownRow[] = [...rows.values()].map(
      ({ sampleCount, activitySum, wattSamples, ...row }) => {
        const tokens = row.generationTokens ?? row.meteredTokens;
        return {
          ...row,
          meanActivity: sampleCount ? activitySum / sampleCount : null,
          tokensPerGpuHour:
            tokens !== null && row.allocatedGpuHours > 0
              ? tokens / row.allocatedGpuHours
              : null,
          tokensPerKwh:
            tokens !== null && row.energyKwh ? tokens / row.energyKwh : null,
        };
      },
    );
    result.sort(
      (a, b) =>
        b.allocatedGpuHours - a.allocatedGpuHours || a.key.localeCompare(b.key),
    );
    return {
      by,
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      currency: this.options.currency,
      prometheus: answer.status,
      rows: result,
    };
  }

  async activity(
    range: Range,
    target: { environment?: string; jobId?: string; teams?: string[] },
  ): Promise<GpuActivity> {
    const { promql, scrapeIntervalSeconds } = this.options;
    const filter = await this.podFilter(range, target);
    const step = stepFor(
      range.from.getTime(),
      range.to.getTime(),
      scrapeIntervalSeconds,
      120,
    );
    const held = promql.held('gpu_gfx_activity', filter?.namespaces);
    const device = `hostname, gpu_id, ${promql.namespaceLabel}, ${promql.podLabel}`;
    const none = filter?.namespaces?.length === 0;
    const answer = await fromPrometheus(
      this.options.prometheus &&
        (async () => {
          if (none) return undefined;
          const [sums, samples] = await Promise.all([
            this.range(
              `sum by (${device}) (sum_over_time(${held}[${step}s]))`,
              range,
              step,
            ),
            this.range(promql.samples(held, device, step), range, step),
          ]);
          return { sums, samples };
        }),
    );
    const stepSeconds = answer.value?.samples.stepSeconds ?? step;
    const deviceOf = (s: PromSeries) =>
      `${s.labels.hostname}/${s.labels.gpu_id}/${key(s, promql)}`;
    // Per device and step: the sum of its activity samples and their number.
    const sumsOf = new Map<string, Map<number, number>>();
    for (const s of answer.value?.sums.series ?? []) {
      sumsOf.set(deviceOf(s), new Map(inRange(s.points, range)));
    }
    const byTime = new Map<number, { gpus: number; sum: number; n: number }>();
    const devices: GpuActivityDevice[] = [];
    let sum = 0;
    let count = 0;
    for (const s of answer.value?.samples.series ?? []) {
      if (filter?.pods && !filter.pods.has(key(s, promql))) continue;
      const sums = sumsOf.get(deviceOf(s));
      let deviceSum = 0;
      let deviceCount = 0;
      for (const [end, n] of inRange(s.points, range)) {
        const t = end - stepSeconds * 1000;
        const v = sums?.get(end) ?? 0;
        const p = byTime.get(t) ?? { gpus: 0, sum: 0, n: 0 };
        p.gpus += 1;
        p.sum += v;
        p.n += n;
        byTime.set(t, p);
        deviceSum += v;
        deviceCount += n;
      }
      if (!deviceCount) continue;
      sum += deviceSum;
      count += deviceCount;
      devices.push({
        node: s.labels.hostname ?? '',
        gpuId: Number(s.labels.gpu_id ?? -1),
        pod: s.labels[promql.podLabel] ?? '',
        meanActivity: deviceSum / deviceCount,
      });
    }
    devices.sort(
      (a, b) =>
        a.node.localeCompare(b.node) ||
        a.gpuId - b.gpuId ||
        a.pod.localeCompare(b.pod),
    );
    return {
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      stepSeconds,
      prometheus: answer.status,
      points: [...byTime.entries()]
        .sort(([a], [b]) => a - b)
        .map(([t, p]) => ({
          at: iso(t),
          gpus: p.gpus,
          meanActivity: p.n ? p.sum / p.n : null,
        })),
      devices,
      meanActivity: count ? sum / count : null,
      // Each sample is a GPU held for one scrape interval.
      allocatedGpuHours: (count * scrapeIntervalSeconds) / 3600,
    };
  }

  /** The pods a query covers: undefined for every pod; else their namespaces and names. */
  private async podFilter(
    range: Range,
    target: { environment?: string; jobId?: string; teams?: string[] },
  ): Promise<PodFilter | undefined> {
    if (!target.environment && !target.jobId && !target.teams) return undefined;
    const pods = await this.options.directory.find({
      ...target,
      since: range.from.toISOString(),
    });
    return {
      namespaces: [...new Set(pods.map(p => p.namespace))],
      pods: new Set(pods.map(p => `${p.namespace}/${p.pod}`)),
    };
  }

  /** Now, rounded up to the scrape interval (so a query repeats, and hits the cache, within it). */
  private nowSeconds(): number {
    const now = (this.options.clock ?? (() => new Date()))().getTime() / 1000;
    const s = this.options.scrapeIntervalSeconds;
    return Math.ceil(now / s) * s;
  }

  private range(query: string, range: Range, stepSeconds: number) {
    return this.options.prometheus!.range(query, {
      start: range.from,
      end: range.to,
      stepSeconds,
    });
  }

  private addGeneratedTokens(
    range: Range,
    series: PromSeries[] | undefined,
    by: GpuBreakdownBy,
    pods: GpuPodEntry[],
    rowFor: (k: string) => GpuBreakdownRow,
  ) {
    if (!series) return;
    const { promql } = this.options;
    // vLLM names the model it serves; a namespace names its team.
    const teamOf = new Map(
      pods.filter(p => p.team).map(p => [p.namespace, p.team!]),
    );
    for (const s of series) {
      const sum = sumInRange(s.points, range);
      const k =
        by === 'model'
          ? s.labels.model_name
          : teamOf.get(s.labels[promql.namespaceLabel] ?? '');
      if (!k || !(sum > 0)) continue;
      const row = rowFor(k);
      row.generationTokens = (row.generationTokens ?? 0) + Math.round(sum);
    }
  }

  private async addMeteredTokens(
    range: Range,
    by: GpuBreakdownBy,
    teams: string[] | undefined,
    rowFor: (k: string) => GpuBreakdownRow,
  ) {
    if (by !== 'model' && by !== 'team' && by !== 'environment') return;
    const facts = await this.options.facts.read({
      from: range.from.toISOString(),
      to: range.to.toISOString(),
    });
    const from = range.from.toISOString();
    const to = range.to.toISOString();
    for (const call of facts.tokens) {
      if (teams && !teams.includes(call.team)) continue;
      if (call.at < from || call.at >= to) continue;
      const k =
        { model: call.model, team: call.team }[by as string] ??
        call.environmentId;
      if (!k) continue;
      const row = rowFor(k);
      row.meteredTokens = (row.meteredTokens ?? 0) + call.outputTokens;
    }
  }
}
