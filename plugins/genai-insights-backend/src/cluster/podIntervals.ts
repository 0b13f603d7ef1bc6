import type { PodInterval } from '@genai-portal/plugin-genai-insights-common';
import type { V1Container, V1Namespace, V1Pod } from '@kubernetes/client-node';
// client-node's quantity parser, which its package index does not re-export.
import { quantityToScalar } from '@kubernetes/client-node/dist/util.js';

/*
 * The labels and annotations the playground puts on what it makes (its
 * src/environments/manifests.ts and src/jobs/manifests.ts).
 */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'genai-playground-portal';
export const TEAM_LABEL = 'genai-playground.io/team';
export const GPU_POOL_LABEL = 'genai-playground.io/gpu-pool';
/** An annotation on namespaces, a label on jobs' objects. */
export const COST_CENTER_KEY = 'genai-playground.io/cost-center';
export const GPU_RESOURCE = 'amd.com/gpu';

/** The selector of the playground's namespaces. */
export const PLAYGROUND_NAMESPACES = `${MANAGED_BY_LABEL}=${MANAGED_BY}`;

const GI = 2 ** 30;

/** A time client-node hands over as a Date (or, untyped, as a string), as ISO. */
function isoOf(value: Date | string | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** True when the pod belongs to a Job: those are counted by the feed's job records. */
export function isJobPod(pod: V1Pod): boolean {
  return (pod.metadata?.ownerReferences ?? []).some(o => o.kind === 'Job');
}

/**
 * What a container asks for of a resource. The API server defaults a request to the limit when
 * only the limit is set; this reads the limit in that case too, whoever served the pod.
 */
function request(container: V1Container, resource: string): number {
  const quantity =
    container.resources?.requests?.[resource] ??
    container.resources?.limits?.[resource];
  return quantity === undefined ? 0 : Number(quantityToScalar(quantity));
}

/**
 * The pod's effective request of a resource, as the scheduler counts it: the sum over its
 * containers, or the largest init container's if that is more, plus the pod's overhead.
 */
export function podRequest(pod: V1Pod, resource: string): number {
  const spec = pod.spec;
  if (!spec) return 0;
  const sum = (spec.containers ?? []).reduce(
    (total, c) => total + request(c, resource),
    0,
  );
  const init = Math.max(
    0,
    ...(spec.initContainers ?? []).map(c => request(c, resource)),
  );
  const overhead = spec.overhead?.[resource];
  return (
    Math.max(sum, init) +
    (overhead === undefined ? 0 : Number(quantityToScalar(overhead)))
  );
}

/** When a finished pod's last container ended. */
function finishedAt(pod: V1Pod): string | undefined {
  let latest: string | undefined;
  for (const status of pod.status?.containerStatuses ?? []) {
    const at = isoOf(status.state?.terminated?.finishedAt);
    if (at && (!latest || at > latest)) latest = at;
  }
  return latest;
}

/**
 * A pod of a playground namespace as a PodInterval: from its start to its end (absent while it
 * runs), with its effective GPU, CPU (cores) and memory (GiB) requests. Undefined for what is
 * not counted here: pods not started, pods of jobs, pods requesting nothing, and pods whose
 * namespace names no team. The environment is the namespace; team, pool and cost center come
 * from the pod's labels, else the namespace's.
 */
export function toPodInterval(
  pod: V1Pod,
  namespace: V1Namespace,
  options: {
    nodeLabels?: Record<string, string>;
    /** The end of a pod that finished without saying when. */
    now: Date;
  },
): PodInterval | undefined {
  const id = pod.metadata?.uid;
  const start = isoOf(pod.status?.startTime);
  if (!id || !start || isJobPod(pod)) return undefined;
  const podLabels = pod.metadata?.labels ?? {};
  const nsLabels = namespace.metadata?.labels ?? {};
  const nsAnnotations = namespace.metadata?.annotations ?? {};
  const team = podLabels[TEAM_LABEL] ?? nsLabels[TEAM_LABEL];
  if (!team) return undefined;
  const gpus = podRequest(pod, GPU_RESOURCE);
  const cpu = podRequest(pod, 'cpu');
  const memoryGi = podRequest(pod, 'memory') / GI;
  if (gpus === 0 && cpu === 0 && memoryGi === 0) return undefined;
  const phase = pod.status?.phase;
  const finished = phase === 'Succeeded' || phase === 'Failed';
  let end: string | undefined;
  if (finished) {
    end = finishedAt(pod) ?? options.now.toISOString();
    if (end < start) end = start;
  }
  return {
    id,
    environmentId: pod.metadata?.namespace ?? namespace.metadata?.name ?? '',
    // The playground labels the team's name; teams are groups of the default namespace.
    team: `group:default/${team}`,
    costCenter:
      podLabels[COST_CENTER_KEY] ??
      nsAnnotations[COST_CENTER_KEY] ??
      nsLabels[COST_CENTER_KEY] ??
      '',
    pool: podLabels[GPU_POOL_LABEL] ?? nsLabels[GPU_POOL_LABEL] ?? '',
    gpus,
    cpu,
    memoryGi,
    start,
    ...(end ? { end } : {}),
    ...(options.nodeLabels ? { nodeLabels: options.nodeLabels } : {}),
  };
}
