import { mockServices } from '@backstage/backend-test-utils';
import type { Knex } from 'knex';
import { migrateDatabase } from '../../../lib/migrateDatabase';
import {
  PrometheusUnavailableError,
  type ClusterGpuSnapshot,
  type GpuPodInfo,
  type PromSample,
  type PromSeries,
  type PrometheusQueries,
} from '../../types';
import { DatabaseIdleEpisodeStore } from '../DatabaseIdleEpisodeStore';

export const MIN = 60_000;

/** A GPU held by a pod, with its activity over time (unix ms → 0–100). */
export interface FakeGpu {
  pod: GpuPodInfo;
  gpuId: number;
  activity: (t: number) => number;
}

/**
 * A cluster and its exporter's series as Prometheus answers them: pods listed by the reader,
 * and a range query giving every GPU of a listed pod a point per step from the pod's start.
 */
export class FakeCluster implements PrometheusQueries {
  pods: GpuPodInfo[] = [];
  gpus: FakeGpu[] = [];
  down = false;
  /** The range queries asked. */
  readonly queries: string[] = [];
  podLabel = 'pod';
  namespaceLabel = 'namespace';

  readonly reader = {
    snapshot: async (): Promise<ClusterGpuSnapshot> => ({
      at: new Date().toISOString(),
      nodes: [...new Set(this.pods.map(p => p.node))].map(name => ({
        name,
        pool: 'mi355x',
        gpuModel: 'AMD Instinct MI355X',
        capacity: 8,
      })),
      pods: [...this.pods],
      pending: [],
    }),
  };

  hold(pod: GpuPodInfo, activity: (t: number) => number, gpuIds = [0]) {
    this.pods.push(pod);
    for (const gpuId of gpuIds) this.gpus.push({ pod, gpuId, activity });
  }

  release(podName: string) {
    this.pods = this.pods.filter(p => p.pod !== podName);
    this.gpus = this.gpus.filter(g => g.pod.pod !== podName);
  }

  setActivity(podName: string, activity: (t: number) => number) {
    for (const g of this.gpus) if (g.pod.pod === podName) g.activity = activity;
  }

  /** What instant queries (vLLM's request counter) answer. */
  instantSamples: PromSample[] = [];
  readonly instantQueries: string[] = [];

  async instant(query: string): Promise<PromSample[]> {
    this.instantQueries.push(query);
    if (this.down) {
      throw new PrometheusUnavailableError('connect ECONNREFUSED');
    }
    return this.instantSamples;
  }

  async range(
    query: string,
    range: { start: Date; end: Date; stepSeconds: number },
  ): Promise<{ stepSeconds: number; series: PromSeries[] }> {
    this.queries.push(query);
    if (this.down) {
      throw new PrometheusUnavailableError('connect ECONNREFUSED');
    }
    const step = range.stepSeconds * 1000;
    const first = Math.ceil(range.start.getTime() / step) * step;
    const series: PromSeries[] = [];
    for (const g of this.gpus) {
      const startedAt = g.pod.startedAt ? Date.parse(g.pod.startedAt) : 0;
      const points: Array<[number, number]> = [];
      for (let t = first; t <= range.end.getTime(); t += step) {
        if (t >= startedAt) points.push([t, g.activity(t)]);
      }
      if (points.length === 0) continue;
      series.push({
        labels: {
          hostname: g.pod.node,
          gpu_id: String(g.gpuId),
          [this.podLabel]: g.pod.pod,
          [this.namespaceLabel]: g.pod.namespace,
        },
        points,
      });
    }
    return { stepSeconds: range.stepSeconds, series };
  }
}

/** A pod holding GPUs; override what differs. */
export function gpuPod(
  name: string,
  overrides: Partial<GpuPodInfo> = {},
): GpuPodInfo {
  return {
    uid: `uid-${name}`,
    namespace: 'ml-research-lab',
    pod: name,
    node: 'node-a',
    gpus: 1,
    kind: 'job',
    team: 'group:default/ml-research',
    environment: 'ml-research-lab',
    owner: 'user:default/marco.rossi',
    pool: 'mi355x',
    ...overrides,
  };
}

/** A migrated database's store, on a given knex (two stores on one knex are two replicas). */
export async function storeOn(knex: Knex, clock?: () => Date) {
  const database = mockServices.database({ knex });
  await migrateDatabase(database);
  return DatabaseIdleEpisodeStore.create({ database, clock });
}
