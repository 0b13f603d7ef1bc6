/**
 * ResourceQuota: how much of each quota resource an object uses (the quota
 * evaluators), the admission check that refuses a create with 403 Forbidden
 * and the API server's exact "exceeded quota" message, and the usage
 * computation the quota controller writes to `status.used`.
 */
import { keyOf, ResourceDef, R } from '../api/resources';
import {
  addQuantities,
  formatQuantity,
  parseQuantity,
  Quantity,
  quantityValue,
} from '../quantity';
import {
  isTerminal,
  podLimits,
  podRequests,
  ResourceMap,
} from '../podResources';
import { ObjectStore } from '../store/ObjectStore';
import { KubeObject } from '../types';

const COMPUTE = ['cpu', 'memory', 'ephemeral-storage'];

function one(): Quantity {
  return { value: 1, format: 'DecimalSI' };
}

/** Quota usage of one object (pod, PVC, service, or any counted kind). */
export function usageOf(def: ResourceDef, obj: KubeObject): ResourceMap {
  const count = `count/${def.plural}${def.group ? `.${def.group}` : ''}`;
  const usage: ResourceMap = {};
  switch (def.kind) {
    case 'Pod': {
      // Terminal pods use nothing, as in the pod quota evaluator.
      if (isTerminal(obj)) return usage;
      usage.pods = one();
      usage[count] = one();
      const requests = podRequests(obj);
      const limits = podLimits(obj);
      for (const [res, q] of Object.entries(requests)) {
        usage[`requests.${res}`] = q;
        if (COMPUTE.includes(res)) usage[res] = q;
      }
      for (const [res, q] of Object.entries(limits)) {
        if (COMPUTE.includes(res)) usage[`limits.${res}`] = q;
      }
      return usage;
    }
    case 'PersistentVolumeClaim': {
      usage.persistentvolumeclaims = one();
      usage[count] = one();
      const storage = obj.spec?.resources?.requests?.storage;
      if (storage !== undefined) {
        const q = parseQuantity(storage);
        usage['requests.storage'] = q;
        const sc = obj.spec?.storageClassName;
        if (sc) {
          usage[`${sc}.storageclass.storage.k8s.io/requests.storage`] = q;
          usage[`${sc}.storageclass.storage.k8s.io/persistentvolumeclaims`] =
            one();
        }
      }
      return usage;
    }
    case 'Service': {
      usage.services = one();
      usage[count] = one();
      if (obj.spec?.type === 'LoadBalancer')
        usage['services.loadbalancers'] = one();
      if (obj.spec?.type === 'NodePort' || obj.spec?.type === 'LoadBalancer') {
        usage['services.nodeports'] = {
          value: (obj.spec?.ports ?? []).length,
          format: 'DecimalSI',
        };
      }
      return usage;
    }
    case 'Secret':
    case 'ConfigMap':
    case 'ResourceQuota':
      usage[def.plural] = one();
      usage[count] = one();
      return usage;
    default:
      usage[count] = one();
      return usage;
  }
}

/** Which stored resources a quota resource name is computed from. */
function sourcesFor(resource: string): ResourceDef[] {
  if (resource.startsWith('count/')) {
    const [plural, ...group] = resource.slice('count/'.length).split('.');
    const g = group.join('.');
    return Object.values(R).filter(d => d.plural === plural && d.group === g);
  }
  if (resource === 'services' || resource.startsWith('services.'))
    return [R.services];
  if (resource === 'secrets') return [R.secrets];
  if (resource === 'configmaps') return [R.configmaps];
  if (resource === 'resourcequotas') return [R.resourcequotas];
  if (resource === 'persistentvolumeclaims' || resource.includes('storage')) {
    return resource === 'requests.ephemeral-storage' ||
      resource === 'limits.ephemeral-storage' ||
      resource === 'ephemeral-storage'
      ? [R.pods]
      : [R.persistentvolumeclaims];
  }
  return [R.pods];
}

/** Current usage in `namespace` for the given quota resources. */
export function computeUsed(
  store: ObjectStore,
  namespace: string,
  resources: string[],
): ResourceMap {
  const used: ResourceMap = {};
  const defs = new Set<ResourceDef>();
  for (const r of resources) for (const d of sourcesFor(r)) defs.add(d);
  const wanted = new Set(resources);
  for (const def of defs) {
    for (const obj of store.iterate(keyOf(def), namespace)) {
      if (obj.metadata.deletionTimestamp && def.kind !== 'Pod') continue;
      for (const [res, q] of Object.entries(usageOf(def, obj))) {
        if (wanted.has(res)) used[res] = addQuantities(used[res], q);
      }
    }
  }
  return used;
}

function pretty(map: Record<string, string>): string {
  return Object.keys(map)
    .sort()
    .map(k => `${k}=${map[k]}`)
    .join(',');
}

const fmt = (q: Quantity | undefined) =>
  q ? formatQuantity(q.value, q.format) : '0';

/**
 * Admission of a new object against the namespace's quotas. Returns the
 * reason to refuse it (the part after `is forbidden: `), or undefined.
 */
export function checkQuota(
  store: ObjectStore,
  def: ResourceDef,
  obj: KubeObject,
  namespace: string,
): string | undefined {
  const quotas = store.list(keyOf(R.resourcequotas), namespace);
  if (quotas.length === 0) return undefined;
  const requested = usageOf(def, obj);
  for (const quota of quotas) {
    const hard: Record<string, string> = quota.spec?.hard ?? {};
    const relevant = Object.keys(hard).filter(r => requested[r] !== undefined);
    // Compute resources tracked by the quota must be specified by every container.
    if (def.kind === 'Pod') {
      const missing = missingCompute(obj, Object.keys(hard));
      if (missing)
        return `failed quota: ${quota.metadata.name}: must specify ${missing}`;
    }
    if (relevant.length === 0) continue;
    const used = computeUsed(store, namespace, relevant);
    const exceeded = relevant.filter(
      r =>
        (used[r]?.value ?? 0) + requested[r].value >
        quantityValue(hard[r]) + 1e-9,
    );
    if (exceeded.length > 0) {
      const req: Record<string, string> = {};
      const usedOut: Record<string, string> = {};
      const limited: Record<string, string> = {};
      for (const r of exceeded) {
        req[r] = fmt(requested[r]);
        usedOut[r] = fmt(used[r]);
        const h = parseQuantity(hard[r]);
        limited[r] = formatQuantity(h.value, h.format);
      }
      return `exceeded quota: ${quota.metadata.name}, requested: ${pretty(
        req,
      )}, used: ${pretty(usedOut)}, limited: ${pretty(limited)}`;
    }
  }
  return undefined;
}

function missingCompute(pod: KubeObject, hard: string[]): string | undefined {
  const checks: Array<[string, 'requests' | 'limits', string]> = [];
  for (const h of hard) {
    if (h === 'cpu' || h === 'requests.cpu')
      checks.push(['requests.cpu', 'requests', 'cpu']);
    if (h === 'memory' || h === 'requests.memory')
      checks.push(['requests.memory', 'requests', 'memory']);
    if (h === 'limits.cpu') checks.push(['limits.cpu', 'limits', 'cpu']);
    if (h === 'limits.memory')
      checks.push(['limits.memory', 'limits', 'memory']);
  }
  const parts: string[] = [];
  const seen = new Set<string>();
  for (const [name, field, res] of checks.sort((a, b) =>
    a[0].localeCompare(b[0]),
  )) {
    if (seen.has(name)) continue;
    seen.add(name);
    const containers = [
      ...(pod.spec?.initContainers ?? []),
      ...(pod.spec?.containers ?? []),
    ]
      .filter(c => c?.resources?.[field]?.[res] === undefined)
      .map(c => c.name);
    if (containers.length) parts.push(`${name} for: ${containers.join(',')}`);
  }
  return parts.length ? parts.join('; ') : undefined;
}

/** status.hard and status.used as the quota controller would write them. */
export function quotaStatus(store: ObjectStore, quota: KubeObject) {
  const hard: Record<string, string> = quota.spec?.hard ?? {};
  const used = computeUsed(
    store,
    quota.metadata.namespace ?? '',
    Object.keys(hard),
  );
  const usedOut: Record<string, string> = {};
  for (const r of Object.keys(hard)) usedOut[r] = fmt(used[r]);
  return { hard: { ...hard }, used: usedOut };
}
