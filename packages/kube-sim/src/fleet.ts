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
import { formatQuantity, isQuantity, parseQuantity } from './quantity';
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
  /**
   * GPU partitioning (default SPX/NPS1). In DPX, QPX or CPX mode each GPU is
   * 2, 4 or 8 logical GPUs: the node advertises `gpusPerNode` × that many
   * `amd.com/gpu` (the device plugin's `single` naming strategy) and
   * `/metrics` has one series per partition.
   */
  partition?: GpuPartition;
}

/** @public */
export type ComputePartition = 'spx' | 'dpx' | 'qpx' | 'cpx';
/** @public */
export type MemoryPartition = 'nps1' | 'nps4';

/** @public */
export interface GpuPartition {
  compute?: ComputePartition;
  memory?: MemoryPartition;
}

/** Logical GPUs per physical GPU in each compute partition mode (MI300X, MI355X). */
export const PARTITIONS_PER_GPU: Record<ComputePartition, number> = {
  spx: 1,
  dpx: 2,
  qpx: 4,
  cpx: 8,
};

/** The AMD GPU operator's node labeller label with the node's partition mode, e.g. `cpx_nps1`. */
export const PARTITION_LABEL = 'amd.com/compute-memory-partition';

/**
 * Something kube-sim creates at start in a new store: `count` pods of a
 * batch/v1 Job (`job`), an apps/v1 Deployment (`inference`) or bare pods
 * (`pod`), each requesting `gpus` amd.com/gpu on the nodes labelled
 * `gpu-type: <pool>`.
 * @public
 */
export interface Workload {
  /** The namespace, created if missing; an object also gives its labels and annotations. */
  namespace:
    | string
    | {
        name: string;
        labels?: Record<string, string>;
        annotations?: Record<string, string>;
      };
  /** Name of the Job, Deployment or (with a `-<i>` suffix) pods. */
  name: string;
  /** Default `pod`. */
  kind?: 'job' | 'inference' | 'pod';
  /** Pods (Job parallelism and completions, Deployment replicas). Default 1. */
  count?: number;
  /** amd.com/gpu per pod. */
  gpus: number;
  /** The `gpu-type` label of a GPU pool: the pods' nodeSelector. */
  pool: string;
  /** CPU request per pod. Default 8 per GPU. */
  cpu?: string;
  /** Memory request per pod. Default 64Gi per GPU. */
  memory?: string;
  image?: string;
  /** Pod labels (over the defaults of the kind). */
  labels?: Record<string, string>;
  /** Pod annotations, e.g. `kube-sim.genai.io/gpu-activity: idle`. */
  annotations?: Record<string, string>;
}

/** @public */
export interface Fleet {
  clusterName?: string;
  nodePools: NodePool[];
  /** OpenShift scheduler profile: spread pods (default) or pack them. */
  schedulerProfile?: 'LowNodeUtilization' | 'HighNodeUtilization';
  /** Created at start when the store is new (not restored from a state file). */
  workloads?: Workload[];
}

/** A fleet file that does not describe a fleet; the message names the field. */
export class FleetError extends Error {}

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

/**
 * A fleet file's path: as given, or else one of the package's own fleets
 * (`fleets/large.yaml` or just `large` work from any directory).
 */
export function resolveFleetFile(file: string): string {
  if (fs.existsSync(file)) return file;
  for (const candidate of [
    path.join(PACKAGE_ROOT, file),
    path.join(PACKAGE_ROOT, 'fleets', file),
    path.join(PACKAGE_ROOT, 'fleets', `${file}.yaml`),
  ]) {
    if (!path.isAbsolute(file) && fs.existsSync(candidate)) return candidate;
  }
  return file;
}

export function loadFleet(fleet: Fleet | string | undefined): Fleet {
  if (fleet && typeof fleet === 'object') {
    validateFleet(fleet, 'fleet');
    return fleet;
  }
  const file = resolveFleetFile(fleet ?? DEFAULT_FLEET_FILE);
  let parsed: Fleet;
  try {
    parsed = YAML.parse(fs.readFileSync(file, 'utf8')) as Fleet;
  } catch (e) {
    throw new FleetError(`${file}: ${(e as Error).message}`);
  }
  validateFleet(parsed, file);
  return parsed;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const COMPUTE_MODES = Object.keys(PARTITIONS_PER_GPU);
const MEMORY_MODES = ['nps1', 'nps4'];
const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const WORKLOAD_KINDS = ['job', 'inference', 'pod'];

/** Checks the shape of a fleet; throws a FleetError naming the first bad field. */
export function validateFleet(fleet: unknown, source: string): void {
  const fail = (field: string, message: string): never => {
    throw new FleetError(`${source}: ${field}: ${message}`);
  };
  const isObject = (v: unknown): v is Record<string, any> =>
    !!v && typeof v === 'object' && !Array.isArray(v);
  const positiveInt = (v: unknown, field: string, zero = false) => {
    if (!Number.isInteger(v) || (v as number) < (zero ? 0 : 1))
      fail(
        field,
        zero ? 'must be a non-negative integer' : 'must be a positive integer',
      );
  };
  const stringMap = (v: unknown, field: string) => {
    if (v === undefined) return;
    if (!isObject(v)) fail(field, 'must be a map of strings');
    for (const [k, value] of Object.entries(v as object)) {
      if (typeof value !== 'string')
        fail(`${field}.${k}`, 'must be a string (quote numbers and booleans)');
    }
  };
  const oneOf = (v: unknown, field: string, allowed: string[]) => {
    if (v !== undefined && !allowed.includes(v as string))
      fail(field, `must be one of ${allowed.join(', ')}`);
  };
  const quantity = (v: unknown, field: string) => {
    if (v !== undefined && !isQuantity(v))
      fail(field, 'must be a quantity such as 32 or 256Gi');
  };

  if (!isObject(fleet)) fail('fleet', 'must be a map with a nodePools list');
  const f = fleet as Record<string, any>;
  if (f.clusterName !== undefined && typeof f.clusterName !== 'string')
    fail('clusterName', 'must be a string');
  oneOf(f.schedulerProfile, 'schedulerProfile', [
    'LowNodeUtilization',
    'HighNodeUtilization',
  ]);
  if (!Array.isArray(f.nodePools)) fail('nodePools', 'must be a list');
  const pools = new Set<string>();
  f.nodePools.forEach((pool: unknown, i: number) => {
    const at = `nodePools[${i}]`;
    if (!isObject(pool)) fail(at, 'must be a map');
    const p = pool as Record<string, any>;
    if (typeof p.name !== 'string' || !p.name)
      fail(`${at}.name`, 'must be a non-empty string');
    positiveInt(p.count, `${at}.count`, true);
    if (p.gpu !== undefined) {
      if (typeof p.gpu === 'string') {
        if (!GPU_PRESETS[p.gpu.toLowerCase()])
          fail(
            `${at}.gpu`,
            `unknown preset "${p.gpu}" (known: ${Object.keys(GPU_PRESETS).join(
              ', ',
            )})`,
          );
      } else if (
        !isObject(p.gpu) ||
        typeof p.gpu.productName !== 'string' ||
        typeof p.gpu.vram !== 'string'
      ) {
        fail(
          `${at}.gpu`,
          'must be a preset name or a map with productName and vram',
        );
      }
    }
    if (p.gpusPerNode !== undefined)
      positiveInt(p.gpusPerNode, `${at}.gpusPerNode`);
    quantity(p.cpu, `${at}.cpu`);
    quantity(p.memory, `${at}.memory`);
    if (p.pods !== undefined) positiveInt(p.pods, `${at}.pods`);
    stringMap(p.labels, `${at}.labels`);
    if (p.taints !== undefined) {
      if (!Array.isArray(p.taints)) fail(`${at}.taints`, 'must be a list');
      p.taints.forEach((t: any, j: number) => {
        if (!isObject(t) || typeof t.key !== 'string')
          fail(`${at}.taints[${j}].key`, 'must be a string');
        oneOf(t.effect, `${at}.taints[${j}].effect`, TAINT_EFFECTS);
        if (t.effect === undefined)
          fail(
            `${at}.taints[${j}].effect`,
            `must be one of ${TAINT_EFFECTS.join(', ')}`,
          );
      });
    }
    if (p.partition !== undefined) {
      if (!isObject(p.partition))
        fail(`${at}.partition`, 'must be a map with compute and memory');
      if (!p.gpu) fail(`${at}.partition`, 'needs a gpu pool');
      oneOf(p.partition.compute, `${at}.partition.compute`, COMPUTE_MODES);
      oneOf(p.partition.memory, `${at}.partition.memory`, MEMORY_MODES);
      for (const k of Object.keys(p.partition))
        if (k !== 'compute' && k !== 'memory')
          fail(`${at}.partition.${k}`, 'unknown field (compute, memory)');
    }
    if (p.gpu && p.labels?.['gpu-type']) pools.add(p.labels['gpu-type']);
  });
  if (f.workloads === undefined) return;
  if (!Array.isArray(f.workloads)) fail('workloads', 'must be a list');
  const known = new Set([
    'namespace',
    'name',
    'kind',
    'count',
    'gpus',
    'pool',
    'cpu',
    'memory',
    'image',
    'labels',
    'annotations',
  ]);
  f.workloads.forEach((w: unknown, i: number) => {
    const at = `workloads[${i}]`;
    if (!isObject(w)) fail(at, 'must be a map');
    const wl = w as Record<string, any>;
    for (const k of Object.keys(wl))
      if (!known.has(k))
        fail(`${at}.${k}`, `unknown field (${[...known].join(', ')})`);
    const ns = wl.namespace;
    if (isObject(ns)) {
      if (typeof ns.name !== 'string' || !DNS_LABEL.test(ns.name))
        fail(`${at}.namespace.name`, 'must be a DNS label (a-z, 0-9, -)');
      stringMap(ns.labels, `${at}.namespace.labels`);
      stringMap(ns.annotations, `${at}.namespace.annotations`);
    } else if (typeof ns !== 'string' || !DNS_LABEL.test(ns)) {
      fail(
        `${at}.namespace`,
        'must be a DNS label (a-z, 0-9, -) or a map with name, labels, annotations',
      );
    }
    if (
      typeof wl.name !== 'string' ||
      !DNS_LABEL.test(wl.name) ||
      wl.name.length > 52
    )
      fail(
        `${at}.name`,
        'must be a DNS label (a-z, 0-9, -) of at most 52 characters',
      );
    oneOf(wl.kind, `${at}.kind`, WORKLOAD_KINDS);
    if (wl.count !== undefined) positiveInt(wl.count, `${at}.count`, true);
    positiveInt(wl.gpus, `${at}.gpus`);
    if (typeof wl.pool !== 'string' || !wl.pool)
      fail(`${at}.pool`, 'must be the gpu-type of a GPU node pool');
    if (!pools.has(wl.pool))
      fail(
        `${at}.pool`,
        `no GPU node pool is labelled gpu-type "${wl.pool}" (known: ${[
          ...pools,
        ].join(', ')})`,
      );
    quantity(wl.cpu, `${at}.cpu`);
    quantity(wl.memory, `${at}.memory`);
    if (wl.image !== undefined && (typeof wl.image !== 'string' || !wl.image))
      fail(`${at}.image`, 'must be a non-empty string');
    stringMap(wl.labels, `${at}.labels`);
    stringMap(wl.annotations, `${at}.annotations`);
  });
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
    const compute = pool.partition?.compute ?? 'spx';
    const gpus = gpu
      ? (pool.gpusPerNode ?? 8) * PARTITIONS_PER_GPU[compute]
      : 0;
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
        if (pool.partition) {
          Object.assign(labels, {
            'amd.com/compute-partitioning-supported': 'true',
            'amd.com/memory-partitioning-supported': 'true',
            [PARTITION_LABEL]: `${compute}_${pool.partition.memory ?? 'nps1'}`,
          });
        }
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
