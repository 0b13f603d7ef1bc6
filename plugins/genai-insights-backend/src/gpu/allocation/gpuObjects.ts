/*
 * The cluster's objects as the GPU allocation reads them: nodes, running and pending pods, Kueue
 * workloads. Each function takes one object as the API served it and returns its view, or
 * undefined when the object is not counted; a malformed object throws, and the reader skips it.
 */
import type { GpuWorkloadKind } from '@genai-portal/plugin-genai-insights-common';
import type { V1Namespace, V1Node, V1Pod } from '@kubernetes/client-node';
// client-node's quantity parser, which its package index does not re-export.
import { quantityToScalar } from '@kubernetes/client-node/dist/util.js';
import {
  GPU_POOL_LABEL,
  GPU_RESOURCE,
  TEAM_LABEL,
  isJobPod,
  podRequest,
} from '../../cluster/podIntervals';
import type { GpuNodeInfo, GpuPodInfo, PendingGpuInfo } from '../types';

/** The label the AMD GPU operator's node labeller puts the card model in. */
export const GPU_PRODUCT_LABEL = 'amd.com/gpu.product-name';
/** The node label naming a GPU node's pool, unless configured otherwise. */
export const DEFAULT_POOL_LABEL = 'gpu-type';
/** The playground's labels (its environments/manifests.ts, jobs/manifests.ts, inference). */
export const ENVIRONMENT_LABEL = 'genai-playground.io/environment';
export const OWNER_LABEL = 'genai-playground.io/owner';
export const JOB_ID_LABEL = 'genai-playground.io/job-id';
export const INFERENCE_MODEL_LABEL = 'genai-playground.io/inference-model';
export const COMPONENT_LABEL = 'app.kubernetes.io/component';
export const MODEL_SERVER = 'model-server';
/** The namespace annotation OpenShift (and the playground) puts the project's requester in. */
export const REQUESTER_ANNOTATION = 'openshift.io/requester';
/** The scheduling gate Kueue holds the pods it manages with, until their workload is admitted. */
export const KUEUE_ADMISSION_GATE = 'kueue.x-k8s.io/admission';

/** A catalog entity name: what a label value or a requester must be to become a ref. */
const ENTITY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

type Labels = Record<string, string>;

/** A map of strings, or {} when the field is absent or not one. */
function stringMap(value: unknown): Labels {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  const out: Labels = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'string') out[k] = v;
  }
  return out;
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A time as client-node hands it over (a Date, or a string untyped), as ISO. */
export function isoOf(value: unknown): string | undefined {
  let ms: number;
  if (value instanceof Date) ms = value.getTime();
  else if (typeof value === 'string') ms = Date.parse(value);
  else return undefined;
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** A count of GPUs as a quantity: a whole number of at least zero, else it throws. */
export function gpuCount(quantity: unknown): number {
  if (quantity === undefined || quantity === null) return 0;
  if (typeof quantity !== 'string' && typeof quantity !== 'number') {
    throw new Error(`not a quantity: ${JSON.stringify(quantity)}`);
  }
  const value = Number(quantityToScalar(String(quantity)));
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`not a GPU count: ${quantity}`);
  }
  return value;
}

/** What a pod asks of GPUs, validated: a whole number of at least zero. */
function podGpus(pod: V1Pod): number {
  const value = podRequest(pod, GPU_RESOURCE);
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`not a GPU count: ${value}`);
  }
  return value;
}

/** `AMD_Instinct_MI355X` as `AMD Instinct MI355X`. */
export function readableModel(productName: string | undefined): string {
  return (productName ?? '').replace(/_/g, ' ').trim();
}

/** A GPU node (allocatable `amd.com/gpu` above zero, else capacity), or undefined. */
export function toGpuNode(
  node: V1Node,
  poolLabel: string,
): GpuNodeInfo | undefined {
  const name = nonEmptyString(node.metadata?.name);
  if (!name) throw new Error('a node without a name');
  const allocatable = stringMap(node.status?.allocatable);
  const capacity = stringMap(node.status?.capacity);
  const gpus =
    gpuCount(allocatable[GPU_RESOURCE]) || gpuCount(capacity[GPU_RESOURCE]);
  if (gpus <= 0) return undefined;
  const labels = stringMap(node.metadata?.labels);
  return {
    name,
    pool: labels[poolLabel] ?? '',
    gpuModel: readableModel(labels[GPU_PRODUCT_LABEL]),
    capacity: gpus,
  };
}

/** The namespaces' labels and annotations, by name. */
export interface NamespaceMeta {
  labels: Labels;
  annotations: Labels;
}

export function namespaceMetas(
  namespaces: V1Namespace[],
): Map<string, NamespaceMeta> {
  const out = new Map<string, NamespaceMeta>();
  for (const ns of namespaces) {
    const name = nonEmptyString(ns?.metadata?.name);
    if (!name) continue;
    out.set(name, {
      labels: stringMap(ns.metadata?.labels),
      annotations: stringMap(ns.metadata?.annotations),
    });
  }
  return out;
}

const NO_NAMESPACE: NamespaceMeta = { labels: {}, annotations: {} };

/** A label value as a ref of this kind, when it can name an entity. */
function refOf(kind: 'group' | 'user', name: string | undefined) {
  return name && ENTITY_NAME.test(name) ? `${kind}:default/${name}` : undefined;
}

/** The team, environment and owner: the pod's labels, else its namespace's. */
function attribution(labels: Labels, ns: NamespaceMeta) {
  const team = refOf('group', labels[TEAM_LABEL] ?? ns.labels[TEAM_LABEL]);
  const environment = nonEmptyString(
    labels[ENVIRONMENT_LABEL] ?? ns.labels[ENVIRONMENT_LABEL],
  );
  const owner =
    refOf('user', labels[OWNER_LABEL] ?? ns.labels[OWNER_LABEL]) ??
    refOf('user', ns.annotations[REQUESTER_ANNOTATION]);
  return { team, environment, owner };
}

/** What the pod runs: a job's pod, a model server's replica, or something else. */
export function workloadKind(pod: V1Pod, labels: Labels): GpuWorkloadKind {
  if (labels[JOB_ID_LABEL] || isJobPod(pod)) return 'job';
  if (labels[COMPONENT_LABEL] === MODEL_SERVER) return 'inference';
  return 'other';
}

/** The identity every pod must have to be counted. */
function podIdentity(pod: V1Pod) {
  const uid = nonEmptyString(pod.metadata?.uid);
  const name = nonEmptyString(pod.metadata?.name);
  const namespace = nonEmptyString(pod.metadata?.namespace);
  if (!uid || !name || !namespace) {
    throw new Error('a pod without a uid, name or namespace');
  }
  return { uid, name, namespace };
}

/** A running pod holding GPUs of a GPU node, or undefined. */
export function toGpuPod(
  pod: V1Pod,
  nodes: Map<string, GpuNodeInfo>,
  namespaces: Map<string, NamespaceMeta>,
): GpuPodInfo | undefined {
  const { uid, name, namespace } = podIdentity(pod);
  if (pod.status?.phase !== 'Running') return undefined;
  const node = nodes.get(nonEmptyString(pod.spec?.nodeName) ?? '');
  if (!node) return undefined;
  const gpus = podGpus(pod);
  if (gpus === 0) return undefined;
  const labels = stringMap(pod.metadata?.labels);
  const { team, environment, owner } = attribution(
    labels,
    namespaces.get(namespace) ?? NO_NAMESPACE,
  );
  const jobId = nonEmptyString(labels[JOB_ID_LABEL]);
  const model = nonEmptyString(labels[INFERENCE_MODEL_LABEL]);
  const startedAt = isoOf(pod.status?.startTime);
  return {
    uid,
    namespace,
    pod: name,
    node: node.name,
    gpus,
    kind: workloadKind(pod, labels),
    ...(team ? { team } : {}),
    ...(environment ? { environment } : {}),
    ...(owner ? { owner } : {}),
    ...(jobId ? { jobId } : {}),
    ...(model ? { model } : {}),
    pool: node.pool,
    ...(startedAt ? { startedAt } : {}),
  };
}

/** The message of a condition of this type, from a typed or a raw list of conditions. */
function conditionOf(
  conditions: unknown,
  type: string,
): { status?: string; message?: string } | undefined {
  if (!Array.isArray(conditions)) return undefined;
  const found = conditions.find(
    c => c && typeof c === 'object' && (c as { type?: unknown }).type === type,
  ) as { status?: unknown; message?: unknown } | undefined;
  if (!found) return undefined;
  return {
    status: nonEmptyString(found.status),
    message: nonEmptyString(found.message),
  };
}

/**
 * A pod waiting for GPUs (pending, asking for them, not bound to a node), or undefined. A pod
 * Kueue holds at its admission gate is left to its workload when `kueueCounted`.
 */
export function toPendingPod(
  pod: V1Pod,
  namespaces: Map<string, NamespaceMeta>,
  options: { poolLabel: string; kueueCounted: boolean },
): PendingGpuInfo | undefined {
  const { name, namespace } = podIdentity(pod);
  if (pod.status?.phase !== 'Pending' || pod.spec?.nodeName) return undefined;
  if (
    options.kueueCounted &&
    (pod.spec?.schedulingGates ?? []).some(
      g => g?.name === KUEUE_ADMISSION_GATE,
    )
  ) {
    return undefined;
  }
  const gpus = podGpus(pod);
  if (gpus === 0) return undefined;
  const since = isoOf(pod.metadata?.creationTimestamp);
  if (!since) throw new Error('a pod without a creation time');
  const labels = stringMap(pod.metadata?.labels);
  const { team } = attribution(
    labels,
    namespaces.get(namespace) ?? NO_NAMESPACE,
  );
  const pool = nonEmptyString(
    stringMap(pod.spec?.nodeSelector)[options.poolLabel] ??
      labels[GPU_POOL_LABEL],
  );
  const reason = conditionOf(pod.status?.conditions, 'PodScheduled')?.message;
  return {
    namespace,
    name,
    source: 'pod',
    ...(team ? { team } : {}),
    ...(pool ? { pool } : {}),
    gpus,
    since,
    ...(reason ? { reason } : {}),
  };
}

/** A Kueue Workload, as `kueue.x-k8s.io/v1beta1` serves it (raw JSON: nothing is trusted). */
export interface KueueWorkload {
  metadata?: {
    name?: unknown;
    namespace?: unknown;
    labels?: unknown;
    creationTimestamp?: unknown;
  };
  spec?: {
    podSets?: unknown;
  };
  status?: {
    conditions?: unknown;
  };
}

/**
 * A Kueue workload not admitted yet that asks for GPUs, or undefined. Its GPUs are the sum over
 * its pod sets of count × each pod's effective request; its pool the first pod set's node
 * selector (or gpu-pool label); its reason why quota is not reserved, else why not admitted.
 */
export function toPendingWorkload(
  workload: KueueWorkload,
  namespaces: Map<string, NamespaceMeta>,
  options: { poolLabel: string },
): PendingGpuInfo | undefined {
  const name = nonEmptyString(workload?.metadata?.name);
  const namespace = nonEmptyString(workload?.metadata?.namespace);
  if (!name || !namespace) {
    throw new Error('a workload without a name or namespace');
  }
  const conditions = workload.status?.conditions;
  const admitted = conditionOf(conditions, 'Admitted');
  if (admitted?.status === 'True') return undefined;
  if (conditionOf(conditions, 'Finished')?.status === 'True') return undefined;
  const podSets = workload.spec?.podSets;
  if (!Array.isArray(podSets)) throw new Error('a workload without pod sets');
  let gpus = 0;
  let pool: string | undefined;
  for (const podSet of podSets) {
    const count = podSet?.count ?? 1;
    if (!Number.isInteger(count) || count < 0) {
      throw new Error(`a pod set count of ${count}`);
    }
    const template = podSet?.template;
    if (!template || typeof template !== 'object') {
      throw new Error('a pod set without a template');
    }
    const perPod = podGpus({ spec: template.spec } as V1Pod);
    gpus += count * perPod;
    if (perPod > 0 && pool === undefined) {
      pool = nonEmptyString(
        stringMap(template.spec?.nodeSelector)[options.poolLabel] ??
          stringMap(template.metadata?.labels)[GPU_POOL_LABEL],
      );
    }
  }
  if (gpus === 0) return undefined;
  const since = isoOf(workload.metadata?.creationTimestamp);
  if (!since) throw new Error('a workload without a creation time');
  const { team } = attribution(
    stringMap(workload.metadata?.labels),
    namespaces.get(namespace) ?? NO_NAMESPACE,
  );
  const quota = conditionOf(conditions, 'QuotaReserved');
  const reason =
    (quota?.status === 'True' ? undefined : quota?.message) ??
    admitted?.message;
  return {
    namespace,
    name,
    source: 'kueue',
    ...(team ? { team } : {}),
    ...(pool ? { pool } : {}),
    gpus,
    since,
    ...(reason ? { reason } : {}),
  };
}
