/**
 * The pods/eviction subresource (what `kubectl drain` uses): an eviction
 * that would take a PodDisruptionBudget below its minimum is refused with
 * 429 TooManyRequests, otherwise the pod is deleted gracefully and the
 * budget's disruptionsAllowed goes down at once, as the API server does.
 */
import { matchesSelector } from '../selectors';
import { StatusError } from '../status';
import { Api, DeleteOptions } from './rest';
import { keyOf, R, ResourceDef } from './resources';

export function evict(
  api: Api,
  def: ResourceDef,
  namespace: string,
  name: string,
  options: DeleteOptions,
): void {
  const pod = api.get(def, namespace, name);
  const terminal = ['Succeeded', 'Failed'].includes(pod.status?.phase);
  if (!terminal && !pod.metadata.deletionTimestamp) {
    const budgets = api.store
      .list(keyOf(R.pdbs), namespace)
      .filter(pdb => matchesSelector(pdb.spec?.selector, pod.metadata.labels));
    for (const pdb of budgets) {
      const allowed = pdb.status?.disruptionsAllowed ?? 0;
      if (allowed < 1) {
        throw new StatusError(
          429,
          'TooManyRequests',
          "Cannot evict pod as it would violate the pod's disruption budget.",
          {
            causes: [
              {
                reason: 'DisruptionBudget',
                message: `The disruption budget ${pdb.metadata.name} needs ${
                  pdb.status?.desiredHealthy ?? 0
                } healthy pods and has ${
                  pdb.status?.currentHealthy ?? 0
                } currently`,
              },
            ],
          },
        );
      }
    }
    for (const pdb of budgets) {
      api.writeStatus(R.pdbs, pdb, {
        ...pdb.status,
        disruptionsAllowed: (pdb.status?.disruptionsAllowed ?? 1) - 1,
        disruptedPods: {
          ...(pdb.status?.disruptedPods ?? {}),
          [name]: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
        },
      });
    }
  }
  api.delete(def, namespace, name, {
    gracePeriodSeconds: options.gracePeriodSeconds,
    preconditions: options.preconditions,
  });
}
