/**
 * The simulated fleet: node pools from a YAML/JSON fleet file, turned into
 * Node objects labelled and tainted the way an OpenShift cluster with the AMD
 * GPU operator presents them.
 *
 * Labels: the operator's node labeller publishes `amd.com/gpu.product-name`,
 * `amd.com/gpu.vram`, `amd.com/gpu.family`, `amd.com/gpu.device-id` and
 * `amd.com/gpu.cu-count`; Node Feature Discovery adds
 * `feature.node.kubernetes.io/amd-gpu=true`, which the operator selects nodes
 * by. `gpu-type`, `workload-type` and `amd.com/gpu=true` are this cluster's
 * own pool labels.
 *
 * Taints: neither OpenShift nor the AMD GPU operator taints GPU nodes in
 * normal operation (the operator only taints nodes temporarily, e.g. during
 * driver upgrades). Dedicating GPU nodes with `amd.com/gpu=true:NoSchedule`,
 * mirroring the usual `nvidia.com/gpu` convention, is a cluster-admin
 * choice; the default fleet makes it, and a fleet file can drop it.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { formatQuantity, parseQuantity } from './quantity';
import { KubeObject } from './types';
import { timestamp } from './util';

/** @public */
export interface GpuSpec {
  /** `amd.com/gpu.product-name`, e.g. AMD_Instinct_MI355X. */
  productName: string;
  /** `amd.com/gpu.vram`, e.g. 288G. */
  vram: string;
  family?: string;
  deviceId?: string;
  cuCount?: number;
  /** The exporter's `card_model` label. */
  cardModel?: string;
  /** Board power at full load and idle, in watts (metrics). */
  maxPowerWatts?: number;
  idlePowerWatts?: number;
}

/** @public */
export interface NodePool {
  name: string;
  count: number;
  /** Node names are `<namePrefix><index>`; defaults to `<pool name>-`. */
  namePrefix?: string;
  /** A preset (`mi355x`, `mi300x`) or a full GPU description; omit for CPU nodes. */
  gpu?: string | GpuSpec;
  gpusPerNode?: number;
  cpu?: string;
  memory?: string;
  pods?: number;
  labels?: Record<string, string>;
  taints?: Array<{ key: string; value?: string; effect: string }>;
}

/** @public */
export interface Fleet {
  clusterName?: string;
  nodePools: NodePool[];
}

export const GPU_PRESETS: Record<string, GpuSpec> = {
  mi355x: {
    productName: 'AMD_Instinct_MI355X',
    vram: '288G',
    family: 'AI',
    deviceId: '75a3',
    cuCount: 256,
    cardModel: 'AMD Instinct MI355X',
    maxPowerWatts: 1400,
    idlePowerWatts: 210,
  },
  mi300x: {
    productName: 'AMD_Instinct_MI300X',
    vram: '192G',
    family: 'AI',
    deviceId: '74a1',
    cuCount: 304,
    cardModel: 'AMD Instinct MI300X',
    maxPowerWatts: 750,
    idlePowerWatts: 140,
  },
};

export function resolveGpu(gpu: NodePool['gpu']): GpuSpec | undefined {
  if (!gpu) return undefined;
  if (typeof gpu === 'string') {
    const preset = GPU_PRESETS[gpu.toLowerCase()];
    if (!preset)
      throw new Error(
        `unknown GPU preset "${gpu}" (known: ${Object.keys(GPU_PRESETS).join(
          ', ',
        )})`,
      );
    return preset;
  }
  return gpu;
}

// src/ and dist/ both sit directly under the package root, next to fleets/.
// eslint-disable-next-line no-restricted-syntax
const PACKAGE_ROOT = path.resolve(__dirname, '..');

export const DEFAULT_FLEET_FILE = path.join(
  PACKAGE_ROOT,
  'fleets',
  'default.yaml',
);

export function loadFleet(fleet: Fleet | string | undefined): Fleet {
  if (fleet && typeof fleet === 'object') return fleet;
  const file = fleet ?? DEFAULT_FLEET_FILE;
  const parsed = YAML.parse(fs.readFileSync(file, 'utf8')) as Fleet;
  if (!parsed || !Array.isArray(parsed.nodePools)) {
    throw new Error(`${file}: a fleet file needs a nodePools list`);
  }
  return parsed;
}

function minus(total: string, reserved: string): string {
  const t = parseQuantity(total);
  return formatQuantity(
    Math.max(0, t.value - parseQuantity(reserved).value),
    t.format,
  );
}

/** The Node objects for a fleet (without server-set uid/resourceVersion). */
export function fleetNodes(fleet: Fleet): KubeObject[] {
  const nodes: KubeObject[] = [];
  let index = 0;
  const created = timestamp();
  for (const pool of fleet.nodePools) {
    const gpu = resolveGpu(pool.gpu);
    const gpus = gpu ? pool.gpusPerNode ?? 8 : 0;
    const cpu = pool.cpu ?? (gpu ? '192' : '64');
    const memory = pool.memory ?? (gpu ? '2Ti' : '256Gi');
    const pods = String(pool.pods ?? 250);
    for (let i = 0; i < pool.count; i++, index++) {
      const name = `${pool.namePrefix ?? `${pool.name}-`}${i}`;
      const labels: Record<string, string> = {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'node-role.kubernetes.io/worker': '',
        'node.openshift.io/os_id': 'rhcos',
        'kube-sim.genai.io/pool': pool.name,
      };
      if (gpu) {
        Object.assign(labels, {
          'amd.com/gpu': 'true',
          'amd.com/gpu.product-name': gpu.productName,
          'amd.com/gpu.vram': gpu.vram,
          'amd.com/gpu.family': gpu.family ?? 'AI',
          ...(gpu.deviceId ? { 'amd.com/gpu.device-id': gpu.deviceId } : {}),
          ...(gpu.cuCount
            ? { 'amd.com/gpu.cu-count': String(gpu.cuCount) }
            : {}),
          'feature.node.kubernetes.io/amd-gpu': 'true',
        });
      }
      Object.assign(labels, pool.labels ?? {});
      const capacity: Record<string, string> = {
        cpu,
        'ephemeral-storage': '1Ti',
        'hugepages-1Gi': '0',
        'hugepages-2Mi': '0',
        memory,
        pods,
      };
      if (gpus) capacity['amd.com/gpu'] = String(gpus);
      // OpenShift's default system reservation.
      const allocatable = {
        ...capacity,
        cpu: minus(cpu, '500m'),
        memory: minus(memory, '1Gi'),
        'ephemeral-storage': minus('1Ti', '10Gi'),
      };
      const podBlock = index * 2;
      nodes.push({
        apiVersion: 'v1',
        kind: 'Node',
        metadata: {
          name,
          labels,
          annotations: {
            'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
            'machineconfiguration.openshift.io/state': 'Done',
          },
          creationTimestamp: created,
        },
        spec: {
          podCIDR: `10.${128 + (podBlock >> 8)}.${podBlock & 255}.0/23`,
          podCIDRs: [`10.${128 + (podBlock >> 8)}.${podBlock & 255}.0/23`],
          providerID: `kube-sim://${name}`,
          ...(pool.taints?.length
            ? { taints: pool.taints.map(t => ({ ...t })) }
            : {}),
        },
        status: {
          capacity,
          allocatable,
          conditions: [
            [
              'MemoryPressure',
              'False',
              'KubeletHasSufficientMemory',
              'kubelet has sufficient memory available',
            ],
            [
              'DiskPressure',
              'False',
              'KubeletHasNoDiskPressure',
              'kubelet has no disk pressure',
            ],
            [
              'PIDPressure',
              'False',
              'KubeletHasSufficientPID',
              'kubelet has sufficient PID available',
            ],
            [
              'Ready',
              'True',
              'KubeletReady',
              'kubelet is posting ready status',
            ],
          ].map(([type, status, reason, message]) => ({
            type,
            status,
            lastHeartbeatTime: created,
            lastTransitionTime: created,
            reason,
            message,
          })),
          addresses: [
            {
              type: 'InternalIP',
              address: `10.0.${Math.floor(index / 250)}.${(index % 250) + 4}`,
            },
            { type: 'Hostname', address: name },
          ],
          daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
          nodeInfo: {
            machineID: `${index.toString(16).padStart(32, '0')}`,
            systemUUID: `00000000-0000-0000-0000-${index
              .toString(16)
              .padStart(12, '0')}`,
            bootID: `00000000-0000-0000-0000-${(index + 1)
              .toString(16)
              .padStart(12, '0')}`,
            kernelVersion: '5.14.0-570.42.1.el9_6.x86_64',
            osImage: 'Red Hat Enterprise Linux CoreOS 9.6.20250801-0 (Plow)',
            containerRuntimeVersion:
              'cri-o://1.33.4-2.rhaos4.20.git0000000.el9',
            kubeletVersion: 'v1.33.4',
            kubeProxyVersion: '',
            operatingSystem: 'linux',
            architecture: 'amd64',
          },
        },
      });
    }
  }
  return nodes;
}
