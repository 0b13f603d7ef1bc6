import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  PrometheusUnavailableError,
  type ClusterGpuReader,
  type GpuPodInfo,
  type PromSeries,
  type PrometheusQueries,
} from '../types';
import type {
  DatabaseIdleEpisodeStore,
  IdleObservation,
  StoredIdleEpisode,
} from './DatabaseIdleEpisodeStore';
import { findIdleSinceInPoints } from './findIdleSince';
import type { IdleNotifier, IdleRuleOptions } from './IdleNotifier';
import type { RequestActivity } from './RequestActivity';

/** Where the exporter's activity is in Prometheus. */
export interface IdleMetricOptions {
  /** Prefix of the exporter's metric names; default ''. */
  metricPrefix?: string;
  /** The label carrying the pod; default `pod`. */
  podLabel?: string;
  /** Default `namespace`. */
  namespaceLabel?: string;
  /** The exporter's scrape interval: the step of the scan's query. Default 15. */
  scrapeIntervalSeconds?: number;
}

/** What the scanner keeps episodes in (DatabaseIdleEpisodeStore). */
export type IdleScanStore = Pick<
  DatabaseIdleEpisodeStore,
  | 'openEpisodes'
  | 'upsertOpen'
  | 'end'
  | 'claimNotification'
  | 'releaseNotification'
>;

export interface IdleScannerOptions {
  reader: ClusterGpuReader;
  prometheus: Pick<PrometheusQueries, 'range'>;
  store: IdleScanStore;
  rule: IdleRuleOptions;
  /** A pool's GPU-hour price now, in micros (the rate card's). */
  gpuHourMicros(pool: string): number;
  /** Whether inference servers served requests; without it, activity alone decides. */
  requests?: RequestActivity;
  /** Without it (or with `rule.notify` false), nobody is told. */
  notifier?: IdleNotifier;
  metrics?: IdleMetricOptions;
  logger: LoggerService;
}

/** What a scan did. */
export interface IdleScanResult {
  /** Unavailable: the scan changed nothing. */
  prometheus: 'available' | 'unavailable';
  /** Held GPUs found idle. */
  idleGpus: number;
  opened: number;
  ended: number;
  /** Pods whose owner and leads were told. */
  notifiedPods: number;
}

/** A range query's points at most: Prometheus refuses more than 11,000 a series. */
const MAX_POINTS = 1000;

/**
 * The activity query: the highest graphics activity of each GPU held by a pod in each step
 * (`max_over_time` over the step, so a long window read at a coarser step still sees a spike
 * between two points), of partition 0 only (a partitioned GPU reports its activity there;
 * exporters without partition labels match too).
 */
export function idleActivityQuery(
  metrics: IdleMetricOptions = {},
  stepSeconds = metrics.scrapeIntervalSeconds ?? 15,
): string {
  const pod = metrics.podLabel ?? 'pod';
  const namespace = metrics.namespaceLabel ?? 'namespace';
  return `max by (hostname, gpu_id, ${pod}, ${namespace}) (max_over_time(${
    metrics.metricPrefix ?? ''
  }gpu_gfx_activity{${pod}!="", gpu_partition_id=~"0|"}[${stepSeconds}s]))`;
}

const key = (...parts: Array<string | number>) => parts.join('\u0000');

/**
 * Finds held GPUs that are idle under the rule, keeps their episodes and tells owners and
 * leads once per episode. Each run reads the cluster's allocation and one range query of the
 * exporter's activity over the window (plus two steps); a GPU is idle when findIdleSince says
 * so and, for inference servers, no request was served in the window. Episodes of GPUs no
 * longer idle, or whose pod let them go, end. Without Prometheus a run changes nothing.
 * Idempotent, and safe from two replicas at once (the store's unique keys and claims).
 */
export class IdleScanner {
  private readonly step: number;
  private unavailable = false;
  private unmatchedWarned = false;

  constructor(private readonly options: IdleScannerOptions) {
    this.step = options.metrics?.scrapeIntervalSeconds ?? 15;
  }

  async run(now: Date = new Date()): Promise<IdleScanResult> {
    const { reader, prometheus, store, rule, logger } = this.options;
    const nowMs = now.getTime();
    const at = now.toISOString();
    const result: IdleScanResult = {
      prometheus: 'available',
      idleGpus: 0,
      opened: 0,
      ended: 0,
      notifiedPods: 0,
    };
    const lookbackMs = rule.windowMs + 2 * this.step * 1000;
    // The scrape interval, or coarser for long windows: whole scrape intervals, bounded points.
    const step =
      Math.ceil(lookbackMs / 1000 / MAX_POINTS / this.step) * this.step;
    const [snapshot, activity] = await Promise.allSettled([
      reader.snapshot(),
      prometheus.range(idleActivityQuery(this.options.metrics, step), {
        start: new Date(nowMs - lookbackMs),
        end: now,
        stepSeconds: step,
      }),
    ]);
    if (activity.status === 'rejected') {
      if (!(activity.reason instanceof PrometheusUnavailableError)) {
        throw activity.reason;
      }
      if (!this.unavailable) {
        this.unavailable = true;
        logger.warn(
          `Idle GPU scan skipped: Prometheus is unavailable (${activity.reason.message}); episodes are left as they are until it answers`,
        );
      }
      return { ...result, prometheus: 'unavailable' };
    }
    if (snapshot.status === 'rejected') throw snapshot.reason;
    if (this.unavailable) {
      this.unavailable = false;
      logger.info('Idle GPU scan: Prometheus answers again');
    }

    const { pods, nodes } = snapshot.value;
    const podByName = new Map<string, GpuPodInfo>();
    for (const pod of pods) {
      podByName.set(key(pod.node, pod.namespace, pod.pod), pod);
    }
    const candidates = this.idleCandidates(
      activity.value.series,
      activity.value.stepSeconds,
      podByName,
      nowMs,
    );
    if (pods.length > 0 && candidates.matchedSeries === 0) {
      if (!this.unmatchedWarned) {
        this.unmatchedWarned = true;
        logger.warn(
          `Idle GPU scan: no activity series matched the ${pods.length} pods holding GPUs; check the exporter's pod and namespace labels and the metric prefix`,
        );
      }
    } else {
      this.unmatchedWarned = false;
    }

    // Inference servers that served requests in the window are busy; unknown when no source
    // could answer (their episodes are left as they are).
    const unknownPods = new Set<string>();
    const idle: IdleObservation[] = [];
    for (const { pod, gpus } of candidates.idle.values()) {
      if (pod.kind === 'inference' && rule.inferenceNeedsNoRequests) {
        const served = await this.served(pod, nowMs);
        if (served === 'unknown') {
          unknownPods.add(pod.uid);
          continue;
        }
        if (served) continue;
      }
      for (const { gpuId, since } of gpus) {
        idle.push(this.observation(pod, gpuId, since));
      }
    }
    result.idleGpus = idle.length;
    result.opened = (await store.upsertOpen(idle, at)).opened;

    const idleKeys = new Set(idle.map(o => key(o.node, o.gpuId, o.podUid)));
    const open = await store.openEpisodes(at);
    const over = open.filter(
      e =>
        !idleKeys.has(key(e.node, e.gpuId, e.podUid)) &&
        !unknownPods.has(e.podUid),
    );
    if (over.length) {
      result.ended = await store.end(
        over.map(e => e.id),
        at,
      );
    }

    if (rule.notify && this.options.notifier) {
      const overIds = new Set(over.map(e => e.id));
      const toTell = new Set(
        open
          .filter(e => !e.notifiedAt && !overIds.has(e.id))
          .map(e => e.podUid),
      );
      const gpuModels = new Map(nodes.map(n => [n.name, n.gpuModel]));
      for (const podUid of toTell) {
        if (await this.tell(podUid, now, gpuModels)) result.notifiedPods++;
      }
    }
    return result;
  }

  /** The GPUs of held pods whose activity says idle, per pod. */
  private idleCandidates(
    series: PromSeries[],
    stepSeconds: number,
    podByName: Map<string, GpuPodInfo>,
    nowMs: number,
  ) {
    const { rule, metrics } = this.options;
    const podLabel = metrics?.podLabel ?? 'pod';
    const namespaceLabel = metrics?.namespaceLabel ?? 'namespace';
    const maxGapMs = 3 * stepSeconds * 1000;
    const idle = new Map<
      string,
      { pod: GpuPodInfo; gpus: Array<{ gpuId: number; since: number }> }
    >();
    const seen = new Set<string>();
    let matchedSeries = 0;
    for (const { labels, points } of series) {
      const pod = podByName.get(
        key(labels.hostname, labels[namespaceLabel], labels[podLabel]),
      );
      const gpuId = Number(labels.gpu_id);
      if (!pod || labels.gpu_id === '' || !Number.isInteger(gpuId)) continue;
      matchedSeries++;
      // The same GPU twice (two exporters): judged once.
      const gpuKey = key(pod.uid, gpuId);
      if (seen.has(gpuKey)) continue;
      seen.add(gpuKey);
      const startedAt = pod.startedAt ? Date.parse(pod.startedAt) : NaN;
      const since = findIdleSinceInPoints(points, {
        thresholdPercent: rule.thresholdPercent,
        windowMs: rule.windowMs,
        now: nowMs,
        maxGapMs,
        startedAt: Number.isNaN(startedAt) ? undefined : startedAt,
      });
      if (since === undefined) continue;
      const entry = idle.get(pod.uid) ?? { pod, gpus: [] };
      entry.gpus.push({ gpuId, since });
      idle.set(pod.uid, entry);
    }
    return { idle, matchedSeries };
  }

  private async served(
    pod: GpuPodInfo,
    nowMs: number,
  ): Promise<boolean | 'unknown'> {
    const { requests, rule, logger } = this.options;
    if (!requests) return false;
    try {
      return (
        (await requests.servedSince(pod, nowMs - rule.windowMs, nowMs)) === true
      );
    } catch (e) {
      logger.warn(
        `Idle GPU scan: could not tell whether ${pod.namespace}/${
          pod.pod
        } served requests; its GPUs are left as they are: ${
          (e as Error).message
        }`,
      );
      return 'unknown';
    }
  }

  private observation(
    pod: GpuPodInfo,
    gpuId: number,
    since: number,
  ): IdleObservation {
    return {
      node: pod.node,
      gpuId,
      pool: pod.pool,
      namespace: pod.namespace,
      pod: pod.pod,
      podUid: pod.uid,
      kind: pod.kind,
      team: pod.team,
      environment: pod.environment,
      owner: pod.owner,
      jobId: pod.jobId,
      model: pod.model,
      since: new Date(since).toISOString(),
      gpuHourMicros: this.options.gpuHourMicros(pod.pool),
    };
  }

  /** Claims and sends a pod's notification; true when this scan told it. */
  private async tell(
    podUid: string,
    now: Date,
    gpuModels: Map<string, string>,
  ): Promise<boolean> {
    const { store, notifier, rule, logger } = this.options;
    const episodes: StoredIdleEpisode[] | undefined =
      await store.claimNotification(podUid, now.toISOString());
    if (!episodes?.length) return false;
    const [first] = episodes;
    try {
      await notifier!.notify({
        episodes,
        gpuModel: gpuModels.get(first.node),
        rule,
        now,
      });
      return true;
    } catch (e) {
      await store.releaseNotification(podUid);
      logger.warn(
        `Could not notify that GPUs of ${first.namespace}/${
          first.pod
        } are idle; trying again next scan: ${(e as Error).message}`,
      );
      return false;
    }
  }
}
