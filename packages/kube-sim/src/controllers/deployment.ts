/**
 * Deployment and ReplicaSet controllers (apps/v1). A Deployment owns one
 * ReplicaSet per pod template, named `<deployment>-<pod-template-hash>`; the
 * current one is scaled to spec.replicas and older ones to zero (a rollout
 * without surge pacing). A ReplicaSet keeps spec.replicas pods named
 * `<replicaset>-<random>`. Both report the status fields and conditions
 * clients wait on (readyReplicas, availableReplicas, Available, Progressing).
 */
import { keyOf, R } from '../api/resources';
import { Cluster } from '../cluster';
import { clone } from '../patch';
import { isTerminal } from '../podResources';
import { StatusError } from '../status';
import { StoredObject } from '../types';
import { fnv32a, safeEncode, timestamp } from '../util';

const isReady = (p: StoredObject) =>
  (p.status?.conditions ?? []).some(
    (c: any) => c.type === 'Ready' && c.status === 'True',
  );

function owned(
  cluster: Cluster,
  owner: StoredObject,
  key: string,
): StoredObject[] {
  return cluster.store
    .dependents(owner.metadata.uid)
    .filter(([k]) => k === key)
    .map(([k, ns, name]) => cluster.store.get(k, ns, name))
    .filter(
      (o): o is StoredObject =>
        !!o &&
        (o.metadata.ownerReferences ?? []).some(
          r => r.uid === owner.metadata.uid && r.controller,
        ),
    );
}

function cond(
  type: string,
  status: string,
  reason: string,
  message: string,
  previous?: any,
) {
  const now = timestamp();
  return {
    type,
    status,
    lastUpdateTime: now,
    lastTransitionTime:
      previous && previous.status === status
        ? previous.lastTransitionTime
        : now,
    reason,
    message,
  };
}

export function templateHash(template: unknown): string {
  return safeEncode(fnv32a(JSON.stringify(template)));
}

export class DeploymentController {
  constructor(private readonly cluster: Cluster) {}

  tick(): void {
    for (const d of [...this.cluster.store.iterate(keyOf(R.deployments))]) {
      try {
        this.sync(d);
      } catch (e) {
        if (!(e instanceof StatusError)) throw e;
      }
    }
  }

  private sync(d: StoredObject) {
    if (d.metadata.deletionTimestamp) return;
    const { api } = this.cluster;
    const ns = d.metadata.namespace ?? '';
    const hash = templateHash(d.spec?.template);
    const rsName = `${d.metadata.name}-${hash}`;
    const sets = owned(this.cluster, d, keyOf(R.replicasets));
    const replicas = d.spec?.paused ? undefined : d.spec?.replicas ?? 1;
    let current = sets.find(
      rs => rs.metadata.labels?.['pod-template-hash'] === hash,
    );
    const revision = String(
      Math.max(
        0,
        ...sets.map(rs =>
          Number(
            rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0,
          ),
        ),
      ) + (current ? 0 : 1),
    );
    if (!current && replicas !== undefined) {
      const template = clone(d.spec?.template ?? {});
      template.metadata ??= {};
      template.metadata.labels = {
        ...template.metadata.labels,
        'pod-template-hash': hash,
      };
      const selector = clone(d.spec?.selector ?? {});
      selector.matchLabels = {
        ...selector.matchLabels,
        'pod-template-hash': hash,
      };
      current = api.create(
        R.replicasets,
        ns,
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          metadata: {
            name: rsName,
            labels: template.metadata.labels,
            annotations: {
              'deployment.kubernetes.io/desired-replicas': String(replicas),
              'deployment.kubernetes.io/max-replicas': String(replicas + 1),
              'deployment.kubernetes.io/revision': revision,
            },
            ownerReferences: [
              {
                apiVersion: 'apps/v1',
                kind: 'Deployment',
                name: d.metadata.name,
                uid: d.metadata.uid,
                controller: true,
                blockOwnerDeletion: true,
              },
            ],
          },
          spec: {
            replicas: 0,
            selector,
            template,
            minReadySeconds: d.spec?.minReadySeconds ?? 0,
          },
        },
        { internal: true },
      );
    }
    for (const rs of sets) {
      const want =
        rs === current || rs.metadata.name === current?.metadata.name
          ? replicas
          : 0;
      if (want !== undefined && rs.spec?.replicas !== want)
        this.scale(d, rs, want);
    }
    if (
      current &&
      replicas !== undefined &&
      current.spec?.replicas !== replicas &&
      !sets.includes(current)
    ) {
      this.scale(d, current, replicas);
    }
    const all = owned(this.cluster, d, keyOf(R.replicasets));
    const sum = (f: (rs: StoredObject) => number) =>
      all.reduce((n, rs) => n + f(rs), 0);
    const newRs = all.find(rs => rs.metadata.name === rsName);
    const status: any = {
      observedGeneration: d.metadata.generation,
      replicas: sum(rs => rs.status?.replicas ?? 0),
      updatedReplicas: newRs?.status?.replicas ?? 0,
      readyReplicas: sum(rs => rs.status?.readyReplicas ?? 0),
      availableReplicas: sum(rs => rs.status?.availableReplicas ?? 0),
    };
    const want = d.spec?.replicas ?? 1;
    const unavailable = Math.max(0, want - status.availableReplicas);
    if (unavailable > 0) status.unavailableReplicas = unavailable;
    for (const k of [
      'replicas',
      'updatedReplicas',
      'readyReplicas',
      'availableReplicas',
    ]) {
      if (!status[k]) delete status[k];
    }
    const maxUnavailable = resolvePercent(
      d.spec?.strategy?.rollingUpdate?.maxUnavailable ?? '25%',
      want,
      false,
    );
    const prev = (t: string) =>
      (d.status?.conditions ?? []).find((c: any) => c.type === t);
    const available = (status.availableReplicas ?? 0) >= want - maxUnavailable;
    const done =
      (status.updatedReplicas ?? 0) === want &&
      (status.availableReplicas ?? 0) >= want &&
      (status.replicas ?? 0) === want;
    status.conditions = [
      available
        ? cond(
            'Available',
            'True',
            'MinimumReplicasAvailable',
            'Deployment has minimum availability.',
            prev('Available'),
          )
        : cond(
            'Available',
            'False',
            'MinimumReplicasUnavailable',
            'Deployment does not have minimum availability.',
            prev('Available'),
          ),
      done
        ? cond(
            'Progressing',
            'True',
            'NewReplicaSetAvailable',
            `ReplicaSet "${rsName}" has successfully progressed.`,
            prev('Progressing'),
          )
        : cond(
            'Progressing',
            'True',
            'ReplicaSetUpdated',
            `ReplicaSet "${rsName}" is progressing.`,
            prev('Progressing'),
          ),
    ];
    // Keep condition timestamps stable while nothing changes, to avoid write churn.
    for (const c of status.conditions) {
      const p = prev(c.type);
      if (
        p &&
        p.status === c.status &&
        p.reason === c.reason &&
        p.message === c.message
      ) {
        c.lastUpdateTime = p.lastUpdateTime;
      }
    }
    if (
      d.metadata.annotations?.['deployment.kubernetes.io/revision'] !==
      (newRs?.metadata.annotations?.['deployment.kubernetes.io/revision'] ??
        revision)
    ) {
      const updated = clone(d);
      updated.metadata.annotations = {
        ...updated.metadata.annotations,
        'deployment.kubernetes.io/revision':
          newRs?.metadata.annotations?.['deployment.kubernetes.io/revision'] ??
          revision,
      };
      api.writeStatus(
        R.deployments,
        api.writeObject(R.deployments, updated),
        status,
      );
      return;
    }
    api.writeStatus(R.deployments, d, status);
  }

  private scale(d: StoredObject, rs: StoredObject, replicas: number) {
    const from = rs.spec?.replicas ?? 0;
    const updated = clone(rs);
    updated.spec.replicas = replicas;
    updated.metadata.annotations = {
      ...updated.metadata.annotations,
      'deployment.kubernetes.io/desired-replicas': String(
        d.spec?.replicas ?? 1,
      ),
    };
    this.cluster.api.writeObject(R.replicasets, updated);
    this.cluster.events.record(
      d,
      'Normal',
      'ScalingReplicaSet',
      `Scaled ${replicas > from ? 'up' : 'down'} replica set ${
        rs.metadata.name
      } from ${from} to ${replicas}`,
      'deployment-controller',
    );
  }
}

function resolvePercent(
  value: string | number,
  total: number,
  roundUp: boolean,
): number {
  if (typeof value === 'number') return value;
  const pct = Number(String(value).replace('%', ''));
  const raw = (pct * total) / 100;
  return roundUp ? Math.ceil(raw) : Math.floor(raw);
}

export class ReplicaSetController {
  private readonly retryAt = new Map<string, number>();

  constructor(private readonly cluster: Cluster) {}

  tick(): void {
    for (const rs of [...this.cluster.store.iterate(keyOf(R.replicasets))]) {
      try {
        this.sync(rs);
      } catch (e) {
        if (!(e instanceof StatusError)) throw e;
      }
    }
  }

  private sync(rs: StoredObject) {
    if (rs.metadata.deletionTimestamp) return;
    const { api, events } = this.cluster;
    const ns = rs.metadata.namespace ?? '';
    const pods = owned(this.cluster, rs, keyOf(R.pods));
    const active = pods.filter(
      p => !isTerminal(p) && !p.metadata.deletionTimestamp,
    );
    const want = rs.spec?.replicas ?? 1;
    let failure: string | undefined;
    if (
      active.length < want &&
      Date.now() >= (this.retryAt.get(rs.metadata.uid) ?? 0)
    ) {
      for (let i = active.length; i < want; i++) {
        const template = clone(rs.spec?.template ?? {});
        const metadata = {
          ...(template.metadata ?? {}),
          generateName: `${rs.metadata.name}-`,
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              kind: 'ReplicaSet',
              name: rs.metadata.name,
              uid: rs.metadata.uid,
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        };
        try {
          const pod = api.create(
            R.pods,
            ns,
            { apiVersion: 'v1', kind: 'Pod', metadata, spec: template.spec },
            { internal: true },
          );
          active.push(pod);
          events.record(
            rs,
            'Normal',
            'SuccessfulCreate',
            `Created pod: ${pod.metadata.name}`,
            'replicaset-controller',
          );
        } catch (e) {
          if (!(e instanceof StatusError)) throw e;
          failure = `Error creating: ${e.message}`;
          events.record(
            rs,
            'Warning',
            'FailedCreate',
            failure,
            'replicaset-controller',
          );
          this.retryAt.set(rs.metadata.uid, Date.now() + 1000);
          break;
        }
      }
    } else if (active.length > want) {
      // Scale down the newest (least established) pods first.
      const victims = [...active]
        .sort(
          (a, b) =>
            (b.metadata.creationTimestamp ?? '').localeCompare(
              a.metadata.creationTimestamp ?? '',
            ) || b.metadata.name.localeCompare(a.metadata.name),
        )
        .slice(0, active.length - want);
      for (const p of victims) {
        api.delete(R.pods, ns, p.metadata.name, {
          propagationPolicy: 'Background',
        });
        events.record(
          rs,
          'Normal',
          'SuccessfulDelete',
          `Deleted pod: ${p.metadata.name}`,
          'replicaset-controller',
        );
      }
    }
    const current = owned(this.cluster, rs, keyOf(R.pods)).filter(
      p => !isTerminal(p) && !p.metadata.deletionTimestamp,
    );
    const ready = current.filter(isReady).length;
    const status: any = {
      replicas: current.length,
      fullyLabeledReplicas: current.length,
      readyReplicas: ready,
      availableReplicas: ready,
      observedGeneration: rs.metadata.generation,
    };
    for (const k of [
      'fullyLabeledReplicas',
      'readyReplicas',
      'availableReplicas',
    ])
      if (!status[k]) delete status[k];
    const prevFailure = (rs.status?.conditions ?? []).find(
      (c: any) => c.type === 'ReplicaFailure',
    );
    if (failure) {
      status.conditions = [
        {
          type: 'ReplicaFailure',
          status: 'True',
          lastTransitionTime: prevFailure?.lastTransitionTime ?? timestamp(),
          reason: 'FailedCreate',
          message: failure,
        },
      ];
    } else if (prevFailure && current.length < want) {
      status.conditions = rs.status.conditions;
    }
    api.writeStatus(R.replicasets, rs, status);
  }
}
