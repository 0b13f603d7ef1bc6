import type {
  CheckContext,
  ComplianceCheck,
} from '@genai-portal/plugin-genai-insights-node';
import type { CheckFailure } from '@genai-portal/plugin-genai-insights-common';
import {
  COMPONENT_LABEL,
  GPU_RESOURCE,
  JOB_ID_LABEL,
  failure,
  labelsOf,
  list,
  objectsOf,
  record,
  requestsGpu,
  type Json,
} from './util';

type Pool = CheckContext['pools'][number];

/** The reference architecture's pools, used when the context names none. */
export const DEFAULT_POOLS: Pool[] = [
  {
    name: 'mi355x',
    nodeLabel: 'gpu-type',
    nodeLabelValue: 'mi355x',
    workloadType: 'inference',
  },
  {
    name: 'mi300x',
    nodeLabel: 'gpu-type',
    nodeLabelValue: 'mi300x',
    workloadType: 'blueprint',
  },
];

/**
 * The workload type of a pod from the labels the playground puts on it: model servers
 * (`app.kubernetes.io/component: model-server`) are `inference`, blueprint jobs
 * (`blueprint-worker`, or a `genai-playground.io/job-id` label) are `blueprint`.
 */
export function workloadTypeOf(pod: unknown): string | undefined {
  const labels = labelsOf(pod);
  if (labels[COMPONENT_LABEL] === 'model-server') return 'inference';
  if (
    labels[COMPONENT_LABEL] === 'blueprint-worker' ||
    typeof labels[JOB_ID_LABEL] === 'string'
  ) {
    return 'blueprint';
  }
  return undefined;
}

function poolsOf(context: CheckContext): Pool[] {
  const pools = list(record(context).pools).filter(
    p =>
      typeof p.nodeLabel === 'string' && typeof p.nodeLabelValue === 'string',
  ) as Pool[];
  return pools.length > 0 ? pools : DEFAULT_POOLS;
}

/** True when every required node-affinity term pins the pod to one of the pools. */
function affinityPins(spec: Json, pools: Pool[]): boolean {
  const terms = list(
    record(
      record(record(spec.affinity).nodeAffinity)
        .requiredDuringSchedulingIgnoredDuringExecution,
    ).nodeSelectorTerms,
  );
  if (terms.length === 0) return false;
  return terms.every(term =>
    list(term.matchExpressions).some(
      expression =>
        expression.operator === 'In' &&
        Array.isArray(expression.values) &&
        expression.values.length > 0 &&
        expression.values.every((value: unknown) =>
          pools.some(
            p => p.nodeLabel === expression.key && p.nodeLabelValue === value,
          ),
        ),
    ),
  );
}

function tolerates(spec: Json): boolean {
  return list(spec.tolerations).some(
    t =>
      (t.key === GPU_RESOURCE &&
        (t.operator === undefined ||
          t.operator === 'Exists' ||
          t.operator === 'Equal')) ||
      ((t.key === undefined || t.key === '') && t.operator === 'Exists'),
  );
}

function podFailures(pod: Json, allPools: Pool[]): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const spec = record(pod.spec);
  const type = workloadTypeOf(pod);
  const ofType = allPools.filter(p => p.workloadType === type);
  const expected = ofType.length > 0 ? ofType : allPools;
  const what =
    ofType.length > 0
      ? `the ${type} pool (${expected.map(p => p.name).join(', ')})`
      : `a GPU pool (${expected.map(p => p.name).join(', ')})`;

  const nodeSelector = record(spec.nodeSelector);
  const pinned =
    expected.some(p => nodeSelector[p.nodeLabel] === p.nodeLabelValue) ||
    affinityPins(spec, expected);
  if (!pinned) {
    const label = expected[0].nodeLabel;
    const value = nodeSelector[label];
    const wanted = expected
      .filter(p => p.nodeLabel === label)
      .map(p => `'${p.nodeLabelValue}'`)
      .join(' or ');
    failures.push(
      failure(
        pod,
        'Pod',
        `spec.nodeSelector.${label}`,
        value === undefined
          ? `is missing, and no required node affinity selects ${what}`
          : `is '${String(value)}', not ${wanted}: the pod is not on ${what}`,
      ),
    );
  }
  if (!tolerates(spec)) {
    failures.push(
      failure(
        pod,
        'Pod',
        'spec.tolerations',
        `has no toleration for the ${GPU_RESOURCE} taint`,
      ),
    );
  }
  return failures;
}

/** GPU pods on the pool of their workload type, tolerating the GPU nodes' taint. */
export const gpuPoolPlacementCheck: ComplianceCheck = {
  id: 'gpu-pool-placement',
  title: 'GPU workloads on the right pool',
  severity: 'high',
  category: 'gpu',
  looksAt:
    'every Pod requesting amd.com/gpu: a nodeSelector or required node affinity selecting the pool of its workload type (inference on MI355X, blueprint jobs on MI300X) and a toleration for amd.com/gpu',
  remediation:
    "Select the pool's node label in the pod template (nodeSelector gpu-type: mi355x for model servers, mi300x for blueprint jobs) and add the toleration {key: amd.com/gpu, operator: Exists, effect: NoSchedule}.",
  appliesTo(objects) {
    return objectsOf(objects).pods.some(pod => requestsGpu(pod.spec));
  },
  evaluate(objects, context) {
    const pools = poolsOf(context);
    return objectsOf(objects)
      .pods.filter(pod => requestsGpu(pod.spec))
      .flatMap(pod => podFailures(pod, pools));
  },
};
