/**
 * GPU metrics in the AMD device-metrics-exporter's Prometheus format: one
 * series per GPU (`gpu_id` 0..n-1 on each node), labelled like the exporter
 * (hostname, card_model, serial_number, partition labels) with the
 * pod/namespace/container of the workload holding the GPU, empty when idle.
 * VRAM is in MB, power in watts and temperature in degrees Celsius, as the
 * exporter reports them.
 *
 * Values follow what runs, with a mild deterministic wobble (a new value
 * every 5 s): a GPU no pod holds sits at 0-1% and idle power; a GPU a Running
 * pod holds reports what the pod's `kube-sim.genai.io/gpu-activity`
 * annotation asks (`busy` 88-98%, `idle` 0-2%, or a percentage ±2), by
 * default idle for the playground's model servers
 * (`app.kubernetes.io/component: model-server`: a vLLM server without
 * traffic keeps its GPUs near 0%) and busy for everything else. Held GPUs
 * keep 70-89% of their VRAM used whatever their activity (a loaded model);
 * power, memory activity and temperatures follow the activity.
 *
 * Partitioned GPUs (a node labelled `amd.com/compute-memory-partition`, e.g.
 * `cpx_nps1`): every partition is a logical GPU with its own `gpu_id` and
 * `gpu_partition_id` 0..k-1, sharing the card's serial number. As the
 * exporter does, activity, power and temperatures are reported for partition
 * 0 only, as the whole card's (the mean of its partitions' activity) with
 * partition 0's pod labels; VRAM is reported for every partition (its share
 * of the card's).
 */
import { keyOf, R } from './api/resources';
import {
  ComputePartition,
  GpuSpec,
  GPU_PRESETS,
  PARTITIONS_PER_GPU,
  PARTITION_LABEL,
} from './fleet';
import { quantityValue } from './quantity';
import { gpuIdsOf } from './controllers/scheduler';
import { ObjectStore } from './store/ObjectStore';
import { KubeObject } from './types';
import { fnv32a } from './util';

/** Pod annotation: what its GPUs report — `busy`, `idle` or a percentage 0-100. */
export const GPU_ACTIVITY_ANNOTATION = 'kube-sim.genai.io/gpu-activity';

/** `busy` (88-98%), `idle` (0-2%) or a percentage (±2, within 0..100). */
export type GpuActivity = 'busy' | 'idle' | number;

/**
 * What a pod's GPUs report: its annotation if valid, else idle for a model
 * server and busy for anything else.
 */
export function gpuActivityOf(pod: KubeObject): GpuActivity {
  const text = pod.metadata.annotations?.[GPU_ACTIVITY_ANNOTATION];
  if (typeof text === 'string') {
    const value = text.trim().toLowerCase();
    if (value === 'busy' || value === 'idle') return value;
    const match = /^(\d+(?:\.\d+)?)%?$/.exec(value);
    if (match && Number(match[1]) <= 100) return Number(match[1]);
  }
  return pod.metadata.labels?.['app.kubernetes.io/component'] === 'model-server'
    ? 'idle'
    : 'busy';
}

function activityFor(mode: GpuActivity, wobble: number): number {
  if (mode === 'busy') return 88 + (wobble % 11);
  if (mode === 'idle') return wobble % 3;
  return Math.min(100, Math.max(0, Math.round(mode) + (wobble % 5) - 2));
}

interface Series {
  name: string;
  help: string;
  /** Reported for every partition; the others only for partition 0 (the card). */
  perPartition?: boolean;
  value: (g: GpuSample) => number;
}

interface GpuSample {
  /** Some Running pod holds the GPU (or one of the card's partitions). */
  held: boolean;
  activity: number;
  totalVramMb: number;
  usedVramMb: number;
  spec: GpuSpec;
}

/** From the idle value at 0% to the busy value from 88% on. */
function heated(idle: number, busy: number, activity: number): number {
  return Math.round(idle + (busy - idle) * Math.min(1, activity / 88));
}

const SERIES: Series[] = [
  {
    name: 'gpu_gfx_activity',
    help: 'Graphics engine usage percentage (0 - 100)',
    value: g => g.activity,
  },
  {
    name: 'gpu_umc_activity',
    help: 'Memory engine usage percentage (0 - 100)',
    value: g => (g.held ? Math.round(g.activity * 0.6) : 0),
  },
  {
    name: 'gpu_used_vram',
    help: 'Total VRAM memory used in MB',
    perPartition: true,
    value: g => g.usedVramMb,
  },
  {
    name: 'gpu_free_vram',
    help: 'Total VRAM memory free in MB',
    perPartition: true,
    value: g => g.totalVramMb - g.usedVramMb,
  },
  {
    name: 'gpu_total_vram',
    help: 'Total VRAM available in MB',
    perPartition: true,
    value: g => g.totalVramMb,
  },
  {
    name: 'gpu_power_usage',
    help: 'GPU power usage in Watts',
    value: g => {
      const idle = g.spec.idlePowerWatts ?? 140;
      const max = g.spec.maxPowerWatts ?? 750;
      return Math.round(
        g.held
          ? idle + ((max - idle) * g.activity) / 110
          : idle + (g.activity % 7),
      );
    },
  },
  {
    name: 'gpu_junction_temperature',
    help: 'Hotspot (aka junction) temperature value in Celsius',
    value: g => {
      const idle = 38 + (g.activity % 3);
      return g.held
        ? heated(idle, 62 + Math.round(g.activity / 5), g.activity)
        : idle;
    },
  },
  {
    name: 'gpu_memory_temperature',
    help: 'Memory temperature value in Celsius',
    value: g => {
      const idle = 34 + (g.activity % 2);
      return g.held
        ? heated(idle, 55 + Math.round(g.activity / 8), g.activity)
        : idle;
    },
  },
];

const SPECIAL = /[\\\n"]/;

function escape(value: string): string {
  if (!SPECIAL.test(value)) return value;
  return value
    .replace(/\\/g, '\\\\')
    .replace(/\n/g, '\\n')
    .replace(/"/g, '\\"');
}

function specFor(labels: Record<string, string>): GpuSpec {
  const product = labels['amd.com/gpu.product-name'] ?? '';
  const preset = Object.values(GPU_PRESETS).find(
    p => p.productName === product,
  );
  return (
    preset ?? {
      productName: product,
      vram: labels['amd.com/gpu.vram'] ?? '192G',
      cardModel: product.replace(/_/g, ' '),
    }
  );
}

/** A node's compute and memory partition modes, from the node labeller's label. */
function partitionOf(labels: Record<string, string>): {
  compute: ComputePartition;
  memory: string;
} {
  const [compute, memory] = (labels[PARTITION_LABEL] ?? '').split('_');
  return {
    compute:
      compute in PARTITIONS_PER_GPU ? (compute as ComputePartition) : 'spx',
    memory: memory === 'nps4' ? 'nps4' : 'nps1',
  };
}

interface Holder {
  pod: string;
  namespace: string;
  container: string;
  uid: string;
  mode: GpuActivity;
}

interface Row {
  labels: string;
  /** This (logical) GPU's own sample: VRAM. */
  sample: GpuSample;
  /** The card's sample, on partition 0's row only: activity, power, temperatures. */
  device?: GpuSample;
}

/** The exposition text for all GPU nodes, sampled now. */
export function renderMetrics(
  store: ObjectStore,
  clusterName: string,
  now = Date.now(),
): string {
  const holders = new Map<string, Holder>();
  for (const pod of store.iterate(keyOf(R.pods))) {
    if (pod.status?.phase !== 'Running' || !pod.spec?.nodeName) continue;
    const ids = gpuIdsOf(pod);
    if (!ids.length) continue;
    const container =
      (pod.spec.containers ?? []).find(
        (c: any) => c.resources?.limits?.['amd.com/gpu'],
      )?.name ??
      pod.spec.containers?.[0]?.name ??
      '';
    const holder: Holder = {
      pod: pod.metadata.name,
      namespace: pod.metadata.namespace ?? '',
      container,
      uid: pod.metadata.uid,
      mode: gpuActivityOf(pod),
    };
    for (const id of ids) holders.set(`${pod.spec.nodeName}/${id}`, holder);
  }
  const bucket = Math.floor(now / 5000);
  const cluster = escape(clusterName);
  const rows: Row[] = [];
  for (const node of store.list(keyOf(R.nodes))) {
    const count = quantityValue(node.status?.capacity?.['amd.com/gpu'] ?? 0);
    if (!count) continue;
    const hostname = node.metadata.name;
    const host = escape(hostname);
    const nodeLabels = node.metadata.labels ?? {};
    const spec = specFor(nodeLabels);
    const { compute, memory } = partitionOf(nodeLabels);
    const k = PARTITIONS_PER_GPU[compute];
    const cardVramMb = Math.round(quantityValue(spec.vram) / 1e9) * 1024;
    const totalVramMb = Math.round(cardVramMb / k);
    const model = escape(spec.cardModel ?? spec.productName.replace(/_/g, ' '));
    const head = `card_model="${model}",card_series="${model} OAM",card_vendor="Advanced Micro Devices, Inc. [AMD/ATI]",cluster_name="${cluster}",`;
    const cards = Math.ceil(count / k);
    for (let card = 0; card < cards; card++) {
      const serial = `KS${fnv32a(`${hostname}/${card}`)
        .toString(16)
        .toUpperCase()
        .padStart(8, '0')}`;
      const first = rows.length;
      let held = false;
      let activitySum = 0;
      let partitions = 0;
      for (let part = 0; part < k; part++) {
        const id = card * k + part;
        if (id >= count) break;
        const holder = holders.get(`${hostname}/${id}`);
        const wobble = fnv32a(`${holder?.uid ?? hostname}/${id}/${bucket}`);
        const activity = holder ? activityFor(holder.mode, wobble) : wobble % 2;
        const usedVramMb = holder
          ? Math.round(
              totalVramMb * (0.7 + (fnv32a(`${holder.uid}/${id}`) % 20) / 100),
            )
          : Math.round(283 / k);
        held ||= !!holder;
        activitySum += activity;
        partitions++;
        rows.push({
          labels: `${head}container="${escape(
            holder?.container ?? '',
          )}",driver_version="6.12.12",gpu_compute_partition_type="${compute}",gpu_id="${id}",gpu_memory_partition_type="${memory}",gpu_partition_id="${part}",hostname="${host}",job_id="",job_partition="",job_user="",namespace="${escape(
            holder?.namespace ?? '',
          )}",pod="${escape(holder?.pod ?? '')}",serial_number="${serial}"`,
          sample: { held: !!holder, activity, totalVramMb, usedVramMb, spec },
        });
      }
      rows[first].device =
        k === 1
          ? rows[first].sample
          : {
              held,
              activity: Math.round(activitySum / partitions),
              totalVramMb: cardVramMb,
              usedVramMb: 0,
              spec,
            };
    }
  }
  const out: string[] = [];
  for (const s of SERIES) {
    out.push(`# HELP ${s.name} ${s.help}`, `# TYPE ${s.name} gauge`);
    for (const row of rows) {
      const sample = s.perPartition ? row.sample : row.device;
      if (sample) out.push(`${s.name}{${row.labels}} ${s.value(sample)}`);
    }
  }
  return `${out.join('\n')}\n`;
}
