/**
 * A pod's effective resource requests and limits, computed as the scheduler
 * and quota do: the larger of the sum over app containers and the largest
 * init container, plus pod overhead.
 */
import { Quantity, parseQuantity, addQuantities, isQuantity } from './quantity';
import { KubeObject } from './types';

export type ResourceMap = Record<string, Quantity>;

function containerSum(
  containers: any[] | undefined,
  field: 'requests' | 'limits',
): ResourceMap {
  const out: ResourceMap = {};
  for (const c of containers ?? []) {
    for (const [res, q] of Object.entries<string>(
      c?.resources?.[field] ?? {},
    )) {
      if (isQuantity(q)) out[res] = addQuantities(out[res], parseQuantity(q));
    }
  }
  return out;
}

function podTotal(pod: KubeObject, field: 'requests' | 'limits'): ResourceMap {
  const total = containerSum(pod.spec?.containers, field);
  for (const c of pod.spec?.initContainers ?? []) {
    for (const [res, q] of Object.entries<string>(
      c?.resources?.[field] ?? {},
    )) {
      if (!isQuantity(q)) continue;
      const v = parseQuantity(q);
      if (!total[res] || total[res].value < v.value) total[res] = v;
    }
  }
  for (const [res, q] of Object.entries<string>(pod.spec?.overhead ?? {})) {
    if (isQuantity(q)) total[res] = addQuantities(total[res], parseQuantity(q));
  }
  return total;
}

export function podRequests(pod: KubeObject): ResourceMap {
  return podTotal(pod, 'requests');
}

export function podLimits(pod: KubeObject): ResourceMap {
  return podTotal(pod, 'limits');
}

export const GPU = 'amd.com/gpu';

/** Number of AMD GPUs the pod asks for. */
export function podGpus(pod: KubeObject): number {
  return podRequests(pod)[GPU]?.value ?? 0;
}

export function isTerminal(pod: KubeObject): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}
