import type {
  FleetGpu,
  FleetNode,
  GpuFleet,
  GpuPoolSummary,
  IdleRule,
} from '@genai-portal/plugin-genai-insights-common';
import type { GpuPromQL } from './promql';
import { canSee, fromPrometheus, holderOf, type Visibility } from './readers';
import type {
  ClusterGpuReader,
  GpuPodInfo,
  IdleEpisodeStore,
  PrometheusQueries,
  PromSample,
} from './types';

export interface FleetServiceOptions {
  reader: ClusterGpuReader;
  prometheus?: PrometheusQueries;
  promql: GpuPromQL;
  idle: IdleEpisodeStore;
  rule: IdleRule;
  currency: string;
  gpuHourMicros: (pool: string) => number;
  clock?: () => Date;
}

interface Reading {
  activity?: number;
  memoryActivity?: number;
  powerWatts?: number;
  usedVramMb?: number;
  totalVramMb?: number;
  namespace?: string;
  pod?: string;
  computeMode?: string;
  memoryMode?: string;
  partitions: Set<string>;
}

type NumericField =
  | 'activity'
  | 'memoryActivity'
  | 'powerWatts'
  | 'usedVramMb'
  | 'totalVramMb';

const FIELD: Record<string, NumericField> = {
  gpu_gfx_activity: 'activity',
  gpu_umc_activity: 'memoryActivity',
  gpu_power_usage: 'powerWatts',
  gpu_used_vram: 'usedVramMb',
  gpu_total_vram: 'totalVramMb',
};

/**
 * The fleet now: every GPU node from the cluster, each GPU's readings from the exporter, the
 * pod holding it, idle flags from the open idle episodes, and pending demand per pool.
 * Allocation is the cluster's word; the exporter says which device a pod holds (through the
 * kubelet's PodResources), which the Kubernetes API does not.
 */
export class FleetService {
  constructor(private readonly options: FleetServiceOptions) {}

  async fleet(
    visibility: Visibility,
    filter: { pools?: string[] } = {},
  ): Promise<GpuFleet> {
    const { reader, prometheus, promql, rule } = this.options;
    const now = (this.options.clock ?? (() => new Date()))();
    const [snapshot, readings, open] = await Promise.all([
      reader.snapshot(),
      fromPrometheus(
        prometheus && (() => prometheus.instant(promql.fleetNow())),
      ),
      this.options.idle.listOpen(),
    ]);

    const byDevice = this.readingsByDevice(readings.value ?? []);
    const idleDevices = new Set(open.map(e => `${e.node}/${e.gpuId}`));
    const podsByNode = new Map<string, GpuPodInfo[]>();
    const podsByName = new Map<string, GpuPodInfo>();
    for (const pod of snapshot.pods) {
      podsByNode.set(pod.node, [...(podsByNode.get(pod.node) ?? []), pod]);
      podsByName.set(`${pod.namespace}/${pod.pod}`, pod);
    }
    const pools = filter.pools && new Set(filter.pools);
    const nodes: FleetNode[] = [];
    for (const node of snapshot.nodes) {
      if (pools && !pools.has(node.pool)) continue;
      const pods = podsByNode.get(node.name) ?? [];
      const allocated = Math.min(
        node.capacity,
        pods.reduce((n, p) => n + p.gpus, 0),
      );
      // Without the exporter, the pods' GPUs are laid out in order: the count is right, the
      // device ids are not known.
      const inOrder = pods.flatMap(p => Array<GpuPodInfo>(p.gpus).fill(p));
      const gpus: FleetGpu[] = [];
      for (let id = 0; id < node.capacity; id++) {
        const reading = byDevice.get(`${node.name}/${id}`);
        const held = reading?.pod && `${reading.namespace}/${reading.pod}`;
        const holder = readings.value
          ? (held && podsByName.get(held)) || undefined
          : inOrder[id];
        gpus.push(
          this.gpu(
            id,
            reading,
            holder,
            visibility,
            idleDevices.has(`${node.name}/${id}`),
          ),
        );
      }
      nodes.push({
        name: node.name,
        pool: node.pool,
        gpuModel: node.gpuModel,
        capacity: node.capacity,
        allocated,
        gpus,
      });
    }

    const pending = snapshot.pending
      .filter(p => !pools || (p.pool !== undefined && pools.has(p.pool)))
      .map(p =>
        canSee(visibility, p.team)
          ? { visible: true, ...p }
          : {
              visible: false,
              namespace: '',
              name: '',
              source: p.source,
              ...(p.pool ? { pool: p.pool } : {}),
              gpus: p.gpus,
              since: p.since,
            },
      );
    return {
      at: now.toISOString(),
      currency: this.options.currency,
      prometheus: readings.status,
      idleRule: rule,
      pools: this.summaries(nodes, snapshot.pending, !!readings.value),
      nodes,
      pending,
    };
  }

  private gpu(
    id: number,
    reading: Reading | undefined,
    holder: GpuPodInfo | undefined,
    visibility: Visibility,
    idle: boolean,
  ): FleetGpu {
    const gpu: FleetGpu = { id };
    if (reading) {
      for (const key of [
        'activity',
        'memoryActivity',
        'powerWatts',
        'usedVramMb',
        'totalVramMb',
      ] as const) {
        if (reading[key] !== undefined) gpu[key] = reading[key];
      }
      if (reading.computeMode && reading.computeMode !== 'spx') {
        gpu.partitioning = {
          computeMode: reading.computeMode,
          memoryMode: reading.memoryMode ?? '',
          partitions: Math.max(1, reading.partitions.size),
        };
      }
    }
    if (holder) gpu.holder = holderOf(holder, visibility);
    if (holder && idle) gpu.idle = true;
    return gpu;
  }

  private readingsByDevice(samples: PromSample[]): Map<string, Reading> {
    const { promql } = this.options;
    const prefix = promql.metric('');
    const byDevice = new Map<string, Reading>();
    for (const { labels, value } of samples) {
      const field = FIELD[(labels.__name__ ?? '').slice(prefix.length)];
      const { hostname, gpu_id: gpuId } = labels;
      if (!field || !hostname || gpuId === undefined) continue;
      const key = `${hostname}/${gpuId}`;
      let reading = byDevice.get(key);
      if (!reading) {
        reading = { partitions: new Set() };
        byDevice.set(key, reading);
      }
      const partition = labels.gpu_partition_id ?? '';
      reading.partitions.add(partition);
      reading.computeMode ??= labels.gpu_compute_partition_type;
      reading.memoryMode ??= labels.gpu_memory_partition_type;
      // Partition 0 (or an unpartitioned GPU) speaks for the GPU; other partitions add VRAM.
      const first = partition === '' || partition === '0';
      if (field === 'usedVramMb' || field === 'totalVramMb') {
        // Each memory partition reports its own VRAM: the GPU's is their sum.
        reading[field] = (reading[field] ?? 0) + value;
      } else if (first) {
        reading[field] = value;
      }
      if (first && labels[promql.podLabel]) {
        reading.pod = labels[promql.podLabel];
        reading.namespace = labels[promql.namespaceLabel];
      }
    }
    return byDevice;
  }

  private summaries(
    nodes: FleetNode[],
    pending: Array<{ pool?: string; gpus: number }>,
    withActivity: boolean,
  ): GpuPoolSummary[] {
    const { rule } = this.options;
    const byPool = new Map<string, GpuPoolSummary>();
    for (const node of nodes) {
      let pool = byPool.get(node.pool);
      if (!pool) {
        pool = {
          pool: node.pool,
          gpuModel: node.gpuModel,
          nodes: 0,
          capacity: 0,
          allocated: 0,
          free: 0,
          ...(withActivity ? { active: 0 } : {}),
          idle: 0,
          pendingGpus: 0,
          gpuHourMicros: this.options.gpuHourMicros(node.pool),
        };
        byPool.set(node.pool, pool);
      }
      pool.nodes += 1;
      pool.capacity += node.capacity;
      pool.allocated += node.allocated;
      pool.free += node.capacity - node.allocated;
      for (const gpu of node.gpus) {
        if (gpu.idle) pool.idle += 1;
        if (
          withActivity &&
          gpu.holder &&
          gpu.activity !== undefined &&
          gpu.activity >= rule.thresholdPercent
        ) {
          pool.active! += 1;
        }
      }
    }
    for (const p of pending) {
      const pool = p.pool && byPool.get(p.pool);
      if (pool) pool.pendingGpus += p.gpus;
    }
    return [...byPool.values()].sort((a, b) => a.pool.localeCompare(b.pool));
  }
}
