/**
 * Status for PodDisruptionBudgets (the disruption controller's arithmetic)
 * and HorizontalPodAutoscalers (current/desired replicas of the target; no
 * metrics pipeline is simulated, so they never scale).
 */
import { keyOf, R } from '../api/resources';
import { Cluster } from '../cluster';
import { isTerminal } from '../podResources';
import { matchesSelector } from '../selectors';
import { timestamp } from '../util';

function resolve(
  value: string | number | undefined,
  total: number,
  roundUp: boolean,
): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return value;
  if (!value.endsWith('%')) return Number(value);
  const raw = (Number(value.slice(0, -1)) * total) / 100;
  return roundUp ? Math.ceil(raw) : Math.floor(raw);
}

export class PolicyController {
  constructor(private readonly cluster: Cluster) {}

  tick(): void {
    const { store, api } = this.cluster;
    for (const pdb of [...store.iterate(keyOf(R.pdbs))]) {
      const pods = [
        ...store.iterate(keyOf(R.pods), pdb.metadata.namespace),
      ].filter(
        p =>
          !isTerminal(p) &&
          !p.metadata.deletionTimestamp &&
          matchesSelector(pdb.spec?.selector, p.metadata.labels),
      );
      const expected = pods.length;
      const healthy = pods.filter(p =>
        (p.status?.conditions ?? []).some(
          (c: any) => c.type === 'Ready' && c.status === 'True',
        ),
      ).length;
      const minAvailable = resolve(pdb.spec?.minAvailable, expected, true);
      const maxUnavailable = resolve(pdb.spec?.maxUnavailable, expected, true);
      const desired =
        minAvailable ??
        (maxUnavailable !== undefined
          ? Math.max(0, expected - maxUnavailable)
          : expected);
      const allowed = Math.max(0, healthy - desired);
      const prev = (pdb.status?.conditions ?? []).find(
        (c: any) => c.type === 'DisruptionAllowed',
      );
      const ok = allowed > 0;
      api.writeStatus(R.pdbs, pdb, {
        observedGeneration: pdb.metadata.generation,
        disruptionsAllowed: allowed,
        currentHealthy: healthy,
        desiredHealthy: desired,
        expectedPods: expected,
        conditions: [
          {
            type: 'DisruptionAllowed',
            status: ok ? 'True' : 'False',
            reason: ok ? 'SufficientPods' : 'InsufficientPods',
            message: '',
            observedGeneration: pdb.metadata.generation,
            lastTransitionTime:
              prev && prev.status === (ok ? 'True' : 'False')
                ? prev.lastTransitionTime
                : timestamp(),
          },
        ],
      });
    }
    for (const hpa of [...store.iterate(keyOf(R.hpas))]) {
      const ref = hpa.spec?.scaleTargetRef ?? {};
      const def = ref.kind === 'ReplicaSet' ? R.replicasets : R.deployments;
      const target = ref.name
        ? store.get(keyOf(def), hpa.metadata.namespace ?? '', ref.name)
        : undefined;
      const current = target?.status?.replicas ?? 0;
      const min = hpa.spec?.minReplicas ?? 1;
      const max = hpa.spec?.maxReplicas ?? min;
      const desired = Math.min(
        max,
        Math.max(min, target?.spec?.replicas ?? current),
      );
      api.writeStatus(R.hpas, hpa, {
        ...hpa.status,
        currentReplicas: current,
        desiredReplicas: desired,
      });
    }
  }
}
