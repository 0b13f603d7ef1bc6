import type {
  EnvironmentObjects,
  KubeObject,
} from '@genai-portal/plugin-genai-insights-node';
import type { CheckFailure } from '@genai-portal/plugin-genai-insights-common';

/*
 * Helpers that read Kubernetes objects as the API serves them, without trusting any field to be
 * there or to have its type: checks run over whatever the cluster holds.
 */

/** The name failures show for an object without one. */
export const UNNAMED = '(unnamed)';

export const GPU_RESOURCE = 'amd.com/gpu';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const COMPONENT_LABEL = 'app.kubernetes.io/component';
export const JOB_ID_LABEL = 'genai-playground.io/job-id';
export const COST_CENTER_ANNOTATION = 'genai-playground.io/cost-center';
export const BUDGET_ANNOTATION = 'genai-playground.io/budget';
export const EXPIRES_AT_ANNOTATION = 'genai-playground.io/expires-at';

export type Json = Record<string, any>;

export function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value when it is an object, else an empty one. */
export function record(value: unknown): Json {
  return isRecord(value) ? value : {};
}

/** The value's object entries when it is an array, else none. */
export function list(value: unknown): Json[] {
  return Array.isArray(value) ? value.map(record) : [];
}

export function nameOf(object: unknown): string {
  const name = record(record(object).metadata).name;
  return typeof name === 'string' && name ? name : UNNAMED;
}

export function kindOf(object: unknown, fallback: string): string {
  const kind = record(object).kind;
  return typeof kind === 'string' && kind ? kind : fallback;
}

export function labelsOf(object: unknown): Json {
  return record(record(record(object).metadata).labels);
}

export function annotationsOf(object: unknown): Json {
  return record(record(record(object).metadata).annotations);
}

/** How a message names a value found: `is missing`, `is 'latest'`, `is false`. */
export function found(value: unknown): string {
  if (value === undefined || value === null) return 'is missing';
  if (typeof value === 'string') return `is '${value}'`;
  try {
    return `is ${JSON.stringify(value)}`;
  } catch {
    return `is ${String(value)}`;
  }
}

/** A failure of one object, its kind defaulting to the list it came from. */
export function failure(
  object: unknown,
  fallbackKind: string,
  fieldPath: string,
  message: string,
): CheckFailure {
  return {
    kind: kindOf(object, fallbackKind),
    name: nameOf(object),
    fieldPath,
    message,
  };
}

/** A failure of the environment as a whole: something missing from its namespace. */
export function namespaceFailure(
  objects: EnvironmentObjects,
  fieldPath: string,
  message: string,
): CheckFailure {
  return failure(record(objects).namespace, 'Namespace', fieldPath, message);
}

/** The lists of an environment, each an array whatever was passed. */
export function objectsOf(objects: EnvironmentObjects) {
  const o = record(objects);
  return {
    namespace: record(o.namespace) as KubeObject,
    pods: list(o.pods) as KubeObject[],
    deployments: list(o.deployments) as KubeObject[],
    statefulSets: list(o.statefulSets) as KubeObject[],
    jobs: list(o.jobs) as KubeObject[],
    networkPolicies: list(o.networkPolicies) as KubeObject[],
    resourceQuotas: list(o.resourceQuotas) as KubeObject[],
    limitRanges: list(o.limitRanges) as KubeObject[],
    podDisruptionBudgets: list(o.podDisruptionBudgets) as KubeObject[],
  };
}

/** A container of a pod spec, with the path of the list it is in. */
export interface ContainerAt {
  container: Json;
  /** `spec.containers[1]`, `spec.template.spec.initContainers[0]`. */
  path: string;
}

const CONTAINER_LISTS = [
  'initContainers',
  'containers',
  'ephemeralContainers',
] as const;

/**
 * Every container of a pod spec at `specPath`: init, regular and ephemeral ones (`only` narrows
 * the lists).
 */
export function containersOf(
  podSpec: unknown,
  specPath: string,
  only: ReadonlyArray<(typeof CONTAINER_LISTS)[number]> = CONTAINER_LISTS,
): ContainerAt[] {
  const spec = record(podSpec);
  return only.flatMap(key =>
    list(spec[key]).map((container, i) => ({
      container,
      path: `${specPath}.${key}[${i}]`,
    })),
  );
}

/** True when a quantity is a positive amount (`1`, `500m`); false for `0`, missing, odd ones. */
export function positiveQuantity(value: unknown): boolean {
  if (typeof value === 'number') return value > 0;
  if (typeof value !== 'string') return false;
  const amount = parseFloat(value);
  return Number.isFinite(amount) && amount > 0;
}

/** True when some container of the pod spec requests or is limited to `amd.com/gpu`. */
export function requestsGpu(podSpec: unknown): boolean {
  return containersOf(podSpec, 'spec').some(({ container }) => {
    const resources = record(container.resources);
    return (
      positiveQuantity(record(resources.requests)[GPU_RESOURCE]) ||
      positiveQuantity(record(resources.limits)[GPU_RESOURCE])
    );
  });
}

/** True when a policy or PDB selector is `{}` (or missing): it selects every pod. */
export function selectsEverything(selector: unknown): boolean {
  const s = record(selector);
  return (
    Object.keys(record(s.matchLabels)).length === 0 &&
    list(s.matchExpressions).length === 0
  );
}

/** True when a label selector matches the labels (a missing selector matches nothing). */
export function selectorMatches(selector: unknown, labels: Json): boolean {
  if (!isRecord(selector)) return false;
  const matchLabels = record(selector.matchLabels);
  for (const [key, value] of Object.entries(matchLabels)) {
    if (labels[key] !== value) return false;
  }
  for (const expression of list(selector.matchExpressions)) {
    const key = String(expression.key);
    const values = Array.isArray(expression.values) ? expression.values : [];
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    switch (expression.operator) {
      case 'In':
        if (!has || !values.includes(labels[key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** The policy types of a NetworkPolicy, defaulted as Kubernetes does when unset. */
export function policyTypesOf(policy: unknown): string[] {
  const spec = record(record(policy).spec);
  if (Array.isArray(spec.policyTypes)) {
    return spec.policyTypes.filter(
      (t: unknown): t is string => typeof t === 'string',
    );
  }
  return Array.isArray(spec.egress) ? ['Ingress', 'Egress'] : ['Ingress'];
}

/** A `from`/`to` list of a rule (`_from` too, as some clients write it). */
export function peersOf(rule: Json, key: 'from' | 'to'): Json[] | undefined {
  const peers = key === 'from' ? rule.from ?? rule._from : rule.to;
  return Array.isArray(peers) ? peers.map(record) : undefined;
}
