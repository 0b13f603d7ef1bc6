/**
 * The scheduler: binds pending pods to nodes that pass the default filter
 * plugins kube-sim models (NodeUnschedulable, TaintToleration, NodeAffinity
 * with nodeSelector, NodeResourcesFit including amd.com/gpu), preferring the
 * least allocated node. A pod that fits nowhere stays Pending with
 * PodScheduled=False/Unschedulable and a FailedScheduling event worded like
 * the real scheduler's; it is retried when capacity frees (a pod ends or is
 * deleted, a node changes) and every 30 simulated seconds otherwise.
 */
import { keyOf, R } from '../api/resources';
import { Cluster } from '../cluster';
import { clone } from '../patch';
import { quantityValue } from '../quantity';
import { GPU, isTerminal, podRequests } from '../podResources';
import { matchesNodeSelectorTerm } from '../selectors';
import { KubeObject, StoredObject } from '../types';
import { timestamp } from '../util';

export const GPU_IDS_ANNOTATION = 'kube-sim.genai.io/gpu-ids';

interface NodeState {
  node: StoredObject;
  allocatable: Record<string, number>;
  used: Record<string, number>;
  pods: number;
  gpuIds: Set<number>;
}

export function tolerates(tolerations: any[] | undefined, taint: any): boolean {
  return (tolerations ?? []).some(t => {
    if (t.effect && t.effect !== taint.effect) return false;
    if (t.operator === 'Exists') return !t.key || t.key === taint.key;
    return t.key === taint.key && (t.value ?? '') === (taint.value ?? '');
  });
}

export function matchesNodeAffinity(
  pod: KubeObject,
  node: KubeObject,
): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries<string>(pod.spec?.nodeSelector ?? {})) {
    if (labels[k] !== v) return false;
  }
  const required =
    pod.spec?.affinity?.nodeAffinity
      ?.requiredDuringSchedulingIgnoredDuringExecution;
  const terms: any[] = required?.nodeSelectorTerms ?? [];
  if (
    required &&
    !terms.some(t =>
      matchesNodeSelectorTerm(t, labels, node.metadata.name ?? ''),
    )
  ) {
    return false;
  }
  return true;
}

export function gpuIdsOf(pod: KubeObject): number[] {
  const text = pod.metadata.annotations?.[GPU_IDS_ANNOTATION];
  return text ? text.split(',').filter(Boolean).map(Number) : [];
}

/**
 * OpenShift's scheduler profiles (the Scheduler resource's spec.profile):
 * `LowNodeUtilization` (the default) spreads pods, scoring the least
 * allocated node best; `HighNodeUtilization` packs them, scoring the most
 * allocated node best (NodeResourcesFit MostAllocated), as GPU clusters are
 * often run to keep whole nodes free for 8-GPU pods. Both score cpu and
 * memory, like the real plugin's default resources.
 */
export type SchedulerProfile = 'LowNodeUtilization' | 'HighNodeUtilization';

export class Scheduler {
  private readonly pending = new Set<string>();
  private dirty = true;
  private lastFullRetry = 0;
  private rotate = 0;
  /** Last FailedScheduling message per pod uid, and when it was reported. */
  private readonly reported = new Map<
    string,
    { message: string; at: number }
  >();

  constructor(
    private readonly cluster: Cluster,
    private readonly profile: SchedulerProfile = 'LowNodeUtilization',
  ) {
    const { store } = cluster;
    for (const pod of store.iterate(keyOf(R.pods))) this.track(pod);
    store.subscribe(keyOf(R.pods), e => {
      const ref = `${e.namespace}/${e.object.metadata.name}`;
      if (e.type === 'DELETED') {
        this.pending.delete(ref);
        this.reported.delete(e.object.metadata.uid);
        if (e.object.spec?.nodeName) this.dirty = true;
        return;
      }
      if (e.previous && !isTerminal(e.previous) && isTerminal(e.object))
        this.dirty = true;
      this.track(e.object);
    });
    store.subscribe(keyOf(R.nodes), () => {
      this.dirty = true;
    });
  }

  private track(pod: StoredObject) {
    const ref = `${pod.metadata.namespace}/${pod.metadata.name}`;
    if (
      !pod.spec?.nodeName &&
      !isTerminal(pod) &&
      !pod.metadata.deletionTimestamp
    ) {
      if (!this.pending.has(ref)) {
        this.pending.add(ref);
        this.dirty = true;
      }
    } else {
      this.pending.delete(ref);
    }
  }

  private nodeStates(): NodeState[] {
    const { store } = this.cluster;
    const states = new Map<string, NodeState>();
    for (const node of store.list(keyOf(R.nodes))) {
      const allocatable: Record<string, number> = {};
      for (const [res, q] of Object.entries<string>(
        node.status?.allocatable ?? {},
      )) {
        allocatable[res] = quantityValue(q);
      }
      states.set(node.metadata.name, {
        node,
        allocatable,
        used: {},
        pods: 0,
        gpuIds: new Set(),
      });
    }
    for (const pod of store.iterate(keyOf(R.pods))) {
      const state = pod.spec?.nodeName && states.get(pod.spec.nodeName);
      if (!state || isTerminal(pod)) continue;
      state.pods++;
      for (const [res, q] of Object.entries(podRequests(pod))) {
        state.used[res] = (state.used[res] ?? 0) + q.value;
      }
      for (const id of gpuIdsOf(pod)) state.gpuIds.add(id);
    }
    return [...states.values()];
  }

  /** Filter plugins in the default profile's order; returns the reasons a node is unfit. */
  private filter(
    pod: StoredObject,
    requests: Record<string, number>,
    s: NodeState,
  ): string[] {
    const node = s.node;
    if (
      node.spec?.unschedulable &&
      !tolerates(pod.spec?.tolerations, {
        key: 'node.kubernetes.io/unschedulable',
        effect: 'NoSchedule',
      })
    ) {
      return ['node(s) were unschedulable'];
    }
    for (const taint of node.spec?.taints ?? []) {
      if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute')
        continue;
      if (!tolerates(pod.spec?.tolerations, taint)) {
        return [
          `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`,
        ];
      }
    }
    if (!matchesNodeAffinity(pod, node))
      return ["node(s) didn't match Pod's node affinity/selector"];
    const reasons: string[] = [];
    if (s.pods + 1 > (s.allocatable.pods ?? 110)) reasons.push('Too many pods');
    for (const [res, want] of Object.entries(requests)) {
      if (want <= 0) continue;
      const free = (s.allocatable[res] ?? 0) - (s.used[res] ?? 0);
      if (want > free + 1e-9) reasons.push(`Insufficient ${res}`);
    }
    return reasons;
  }

  tick(): void {
    if (this.pending.size === 0) return;
    const now = Date.now();
    const retryAll = now - this.lastFullRetry >= this.cluster.realMs(30);
    if (!this.dirty && !retryAll) return;
    this.dirty = false;
    if (retryAll) this.lastFullRetry = now;
    const { store } = this.cluster;
    const pods = [...this.pending]
      .map(ref => {
        const [ns, name] = ref.split('/');
        return store.get(keyOf(R.pods), ns, name);
      })
      .filter((p): p is StoredObject => !!p && !p.spec?.nodeName)
      .sort(
        (a, b) =>
          (b.spec?.priority ?? 0) - (a.spec?.priority ?? 0) ||
          a.metadata.creationTimestamp!.localeCompare(
            b.metadata.creationTimestamp!,
          ) ||
          a.metadata.name.localeCompare(b.metadata.name),
      );
    const states = this.nodeStates();
    if (states.length === 0) return;
    const deadline = Date.now() + 100; // keep the API responsive under a burst
    for (const pod of pods) {
      if (Date.now() > deadline) {
        this.dirty = true;
        break;
      }
      this.schedule(pod, states);
    }
  }

  private schedule(pod: StoredObject, states: NodeState[]) {
    const requests: Record<string, number> = {};
    for (const [res, q] of Object.entries(podRequests(pod)))
      requests[res] = q.value;
    const reasons = new Map<string, number>();
    let best: NodeState | undefined;
    let bestScore = -Infinity;
    // Like percentageOfNodesToScore: stop once enough feasible nodes were seen.
    const enough = Math.max(100, Math.ceil(states.length * 0.1));
    let feasible = 0;
    const start = this.rotate++ % states.length;
    for (let i = 0; i < states.length && feasible < enough; i++) {
      const s = states[(start + i) % states.length];
      const why = this.filter(pod, requests, s);
      if (why.length) {
        for (const r of why) reasons.set(r, (reasons.get(r) ?? 0) + 1);
        continue;
      }
      feasible++;
      // LeastAllocated (or MostAllocated) over cpu and memory; ties go to
      // the first node by name.
      const frac = (res: string) =>
        s.allocatable[res]
          ? 1 - ((s.used[res] ?? 0) + (requests[res] ?? 0)) / s.allocatable[res]
          : 0;
      const free = frac('cpu') + frac('memory');
      const score = this.profile === 'HighNodeUtilization' ? -free : free;
      if (
        score > bestScore + 1e-9 ||
        (Math.abs(score - bestScore) <= 1e-9 &&
          best &&
          s.node.metadata.name < best.node.metadata.name)
      ) {
        best = s;
        bestScore = score;
      }
    }
    if (best) this.bind(pod, best, requests);
    else this.unschedulable(pod, states.length, reasons);
  }

  private bind(
    pod: StoredObject,
    s: NodeState,
    requests: Record<string, number>,
  ) {
    const gpus = requests[GPU] ?? 0;
    const ids: number[] = [];
    const total = s.allocatable[GPU] ?? 0;
    for (let id = 0; id < total && ids.length < gpus; id++)
      if (!s.gpuIds.has(id)) ids.push(id);
    ids.forEach(id => s.gpuIds.add(id));
    s.pods++;
    for (const [res, v] of Object.entries(requests))
      s.used[res] = (s.used[res] ?? 0) + v;
    const nodeName = s.node.metadata.name;
    const updated = clone(pod);
    updated.spec.nodeName = nodeName;
    if (ids.length) {
      updated.metadata.annotations = {
        ...updated.metadata.annotations,
        [GPU_IDS_ANNOTATION]: ids.join(','),
      };
    }
    updated.status = {
      ...updated.status,
      conditions: upsertCondition(updated.status?.conditions, {
        type: 'PodScheduled',
        status: 'True',
      }),
    };
    const bound = this.cluster.api.writeObject(R.pods, updated);
    this.reported.delete(pod.metadata.uid);
    this.cluster.events.record(
      bound,
      'Normal',
      'Scheduled',
      `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${nodeName}`,
      'default-scheduler',
    );
  }

  private unschedulable(
    pod: StoredObject,
    total: number,
    reasons: Map<string, number>,
  ) {
    const parts = [...reasons].map(([r, n]) => `${n} ${r}`).sort();
    const message = `0/${total} nodes are available: ${parts.join(', ')}.`;
    // A retry that fails the same way is reported again (the event's count
    // goes up) only on the periodic retry, not on every cluster change.
    const last = this.reported.get(pod.metadata.uid);
    if (
      last?.message === message &&
      Date.now() - last.at < this.cluster.realMs(30)
    )
      return;
    this.reported.set(pod.metadata.uid, { message, at: Date.now() });
    const status = {
      ...clone(pod.status),
      conditions: upsertCondition(pod.status?.conditions, {
        type: 'PodScheduled',
        status: 'False',
        reason: 'Unschedulable',
        message,
      }),
    };
    const updated = this.cluster.api.writeStatus(R.pods, pod, status);
    this.cluster.events.record(
      updated,
      'Warning',
      'FailedScheduling',
      message,
      'default-scheduler',
    );
  }
}

/** Sets a condition, keeping lastTransitionTime when the status did not change. */
export function upsertCondition(
  conditions: any[] | undefined,
  condition: Record<string, unknown>,
): any[] {
  const list = (conditions ?? []).map(c => ({ ...c }));
  const i = list.findIndex(c => c.type === condition.type);
  const now = timestamp();
  if (i >= 0) {
    const same = list[i].status === condition.status;
    list[i] = {
      ...condition,
      lastProbeTime: null,
      lastTransitionTime: same ? list[i].lastTransitionTime : now,
    };
  } else {
    list.push({ ...condition, lastProbeTime: null, lastTransitionTime: now });
  }
  return list;
}
