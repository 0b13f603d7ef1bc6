import type {
  ComplianceCheck,
  EnvironmentObjects,
  KubeObject,
} from '@genai-portal/plugin-genai-insights-node';
import { failure, labelsOf, objectsOf, record, selectorMatches } from './util';

function replicated(objects: EnvironmentObjects) {
  const { deployments, statefulSets } = objectsOf(objects);
  return [
    ...deployments.map(o => ({ object: o, kind: 'Deployment' })),
    ...statefulSets.map(o => ({ object: o, kind: 'StatefulSet' })),
  ].filter(({ object }) => {
    const replicas = record(object.spec).replicas;
    return typeof replicas === 'number' && replicas > 1;
  });
}

/** The pods' labels of a workload: its template's. */
function podLabels(workload: KubeObject) {
  return labelsOf(record(record(workload.spec).template));
}

/** A PodDisruptionBudget for every Deployment and StatefulSet with more than one replica. */
export const pdbForReplicasCheck: ComplianceCheck = {
  id: 'pdb-for-replicas',
  title: 'PodDisruptionBudget for replicated workloads',
  severity: 'low',
  category: 'reliability',
  looksAt:
    'every Deployment and StatefulSet with replicas > 1: a PodDisruptionBudget whose selector matches its pod template labels',
  remediation:
    "Add a PodDisruptionBudget (maxUnavailable: 1) whose selector matches the workload's pod labels, so node drains keep it serving.",
  appliesTo(objects) {
    return replicated(objects).length > 0;
  },
  evaluate(objects) {
    const { podDisruptionBudgets } = objectsOf(objects);
    return replicated(objects)
      .filter(
        ({ object }) =>
          !podDisruptionBudgets.some(pdb =>
            selectorMatches(record(pdb.spec).selector, podLabels(object)),
          ),
      )
      .map(({ object, kind }) =>
        failure(
          object,
          kind,
          'spec.replicas',
          `is ${
            record(object.spec).replicas
          }, and no PodDisruptionBudget selects its pods`,
        ),
      );
  },
};
