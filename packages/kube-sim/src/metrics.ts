/**
 * GPU metrics in the AMD device-metrics-exporter's Prometheus format: one
 * series per GPU (`gpu_id` 0..n-1 on each node), labelled like the exporter
 * (hostname, card_model, serial_number, partition labels) with the
 * pod/namespace/container of the workload holding the GPU, empty when idle.
 * VRAM is in MB, power in watts and temperature in degrees Celsius, as the
 * exporter reports them. Values follow what runs: a Running pod's GPUs are
 * busy with a mild deterministic wobble, idle GPUs sit near zero.
 */
import { keyOf, R } from './api/resources';
import { GpuSpec, GPU_PRESETS } from './fleet';
import { quantityValue } from './quantity';
import { gpuIdsOf } from './controllers/scheduler';
import { ObjectStore } from './store/ObjectStore';
import { fnv32a } from './util';

interface Series {
  name: string;
  help: string;
  value: (g: GpuSample) => number;
}

interface GpuSample {
  busy: boolean;
  activity: number;
  totalVramMb: number;
  usedVramMb: number;
  spec: GpuSpec;
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
    value: g => (g.busy ? Math.round(g.activity * 0.6) : 0),
  },
  {
    name: 'gpu_used_vram',
    help: 'Total VRAM memory used in MB',
    value: g => g.usedVramMb,
  },
  {
    name: 'gpu_free_vram',
    help: 'Total VRAM memory free in MB',
    value: g => g.totalVramMb - g.usedVramMb,
  },
  {
    name: 'gpu_total_vram',
    help: 'Total VRAM available in MB',
    value: g => g.totalVramMb,
  },
  {
    name: 'gpu_power_usage',
    help: 'GPU power usage in Watts',
    value: g => {
      const idle = g.spec.idlePowerWatts ?? 140;
      const max = g.spec.maxPowerWatts ?? 750;
      return Math.round(
        g.busy
          ? idle + ((max - idle) * g.activity) / 110
          : idle + (g.activity % 7),
      );
    },
  },
  {
    name: 'gpu_junction_temperature',
    help: 'Hotspot (aka junction) temperature value in Celsius',
    value: g =>
      g.busy ? 62 + Math.round(g.activity / 5) : 38 + (g.activity % 3),
  },
  {
    name: 'gpu_memory_temperature',
    help: 'Memory temperature value in Celsius',
    value: g =>
      g.busy ? 55 + Math.round(g.activity / 8) : 34 + (g.activity % 2),
  },
];

function escape(value: string): string {
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

/** The exposition text for all GPU nodes, sampled now. */
export function renderMetrics(
  store: ObjectStore,
  clusterName: string,
  now = Date.now(),
): string {
  const holders = new Map<
    string,
    { pod: string; namespace: string; container: string; uid: string }
  >();
  for (const pod of store.iterate(keyOf(R.pods))) {
    if (pod.status?.phase !== 'Running' || !pod.spec?.nodeName) continue;
    const container =
      (pod.spec.containers ?? []).find(
        (c: any) => c.resources?.limits?.['amd.com/gpu'],
      )?.name ??
      pod.spec.containers?.[0]?.name ??
      '';
    for (const id of gpuIdsOf(pod)) {
      holders.set(`${pod.spec.nodeName}/${id}`, {
        pod: pod.metadata.name,
        namespace: pod.metadata.namespace ?? '',
        container,
        uid: pod.metadata.uid,
      });
    }
  }
  const bucket = Math.floor(now / 5000);
  const rows: Array<{ labels: string; sample: GpuSample }> = [];
  for (const node of store.list(keyOf(R.nodes))) {
    const count = quantityValue(node.status?.capacity?.['amd.com/gpu'] ?? 0);
    if (!count) continue;
    const hostname = node.metadata.name;
    const spec = specFor(node.metadata.labels ?? {});
    const totalVramMb = Math.round(quantityValue(spec.vram) / 1e9) * 1024;
    for (let id = 0; id < count; id++) {
      const holder = holders.get(`${hostname}/${id}`);
      const wobble = fnv32a(`${holder?.uid ?? hostname}/${id}/${bucket}`);
      const activity = holder ? 88 + (wobble % 11) : wobble % 2;
      const usedVramMb = holder
        ? Math.round(
            totalVramMb * (0.7 + (fnv32a(`${holder.uid}/${id}`) % 20) / 100),
          )
        : 283;
      const labels = {
        card_model: spec.cardModel ?? spec.productName.replace(/_/g, ' '),
        card_series: `${
          spec.cardModel ?? spec.productName.replace(/_/g, ' ')
        } OAM`,
        card_vendor: 'Advanced Micro Devices, Inc. [AMD/ATI]',
        cluster_name: clusterName,
        container: holder?.container ?? '',
        driver_version: '6.12.12',
        gpu_compute_partition_type: 'spx',
        gpu_id: String(id),
        gpu_memory_partition_type: 'nps1',
        gpu_partition_id: '0',
        hostname,
        job_id: '',
        job_partition: '',
        job_user: '',
        namespace: holder?.namespace ?? '',
        pod: holder?.pod ?? '',
        serial_number: `KS${fnv32a(`${hostname}/${id}`)
          .toString(16)
          .toUpperCase()
          .padStart(8, '0')}`,
      };
      rows.push({
        labels: Object.entries(labels)
          .map(([k, v]) => `${k}="${escape(v)}"`)
          .join(','),
        sample: { busy: !!holder, activity, totalVramMb, usedVramMb, spec },
      });
    }
  }
  const out: string[] = [];
  for (const s of SERIES) {
    out.push(`# HELP ${s.name} ${s.help}`, `# TYPE ${s.name} gauge`);
    for (const row of rows)
      out.push(`${s.name}{${row.labels}} ${s.value(row.sample)}`);
  }
  return `${out.join('\n')}\n`;
}
