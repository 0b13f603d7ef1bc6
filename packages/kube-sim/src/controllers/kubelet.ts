/**
 * The kubelets of all simulated nodes. A bound pod goes Pending
 * (ContainerCreating) → Running → Succeeded/Failed, or restarts per its
 * restartPolicy, with the container statuses, conditions, IPs and events a
 * real kubelet reports. What a pod does is asked by the pod itself:
 * annotation `kube-sim.genai.io/run-seconds` (or env KUBE_SIM_RUN_SECONDS)
 * and `kube-sim.genai.io/exit` = succeed | fail | oom | image-pull-backoff
 * (or env KUBE_SIM_EXIT); without them a container runs until deleted.
 * Images containing `does-not-exist` never pull.
 */
import crypto from 'node:crypto';
import { keyOf, R } from '../api/resources';
import { Cluster, PodRuntime } from '../cluster';
import { clone } from '../patch';
import { isTerminal } from '../podResources';
import { StoredObject } from '../types';
import { timestamp } from '../util';
import { upsertCondition } from './scheduler';

export const RUN_SECONDS_ANNOTATION = 'kube-sim.genai.io/run-seconds';
export const EXIT_ANNOTATION = 'kube-sim.genai.io/exit';

export type ExitMode = 'succeed' | 'fail' | 'oom' | 'image-pull-backoff';

export interface PodBehaviour {
  runSeconds?: number;
  exit: ExitMode;
  pullFails: boolean;
}

export function behaviourOf(pod: StoredObject): PodBehaviour {
  const env = new Map<string, string>();
  for (const c of pod.spec?.containers ?? []) {
    for (const e of c.env ?? [])
      if (e?.value !== undefined && !env.has(e.name))
        env.set(e.name, String(e.value));
  }
  const annotations = pod.metadata.annotations ?? {};
  const exitText = annotations[EXIT_ANNOTATION] ?? env.get('KUBE_SIM_EXIT');
  const exit: ExitMode = (
    ['succeed', 'fail', 'oom', 'image-pull-backoff'] as const
  ).includes(exitText as ExitMode)
    ? (exitText as ExitMode)
    : 'succeed';
  const secondsText =
    annotations[RUN_SECONDS_ANNOTATION] ?? env.get('KUBE_SIM_RUN_SECONDS');
  let runSeconds =
    secondsText !== undefined && secondsText !== ''
      ? Number(secondsText)
      : undefined;
  if (runSeconds !== undefined && !Number.isFinite(runSeconds))
    runSeconds = undefined;
  // An exit mode on its own means "do that straight away".
  if (runSeconds === undefined && exitText && exit !== 'image-pull-backoff')
    runSeconds = 1;
  const pullFails =
    exit === 'image-pull-backoff' ||
    [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].some(
      c => String(c.image ?? '').includes('does-not-exist'),
    );
  return { runSeconds, exit, pullFails };
}

const EXITS: Record<string, { exitCode: number; reason: string }> = {
  succeed: { exitCode: 0, reason: 'Completed' },
  fail: { exitCode: 1, reason: 'Error' },
  oom: { exitCode: 137, reason: 'OOMKilled' },
};

function hex(text: string, length = 64): string {
  return crypto
    .createHash('sha256')
    .update(text)
    .digest('hex')
    .slice(0, length);
}

export class Kubelet {
  private readonly active = new Set<string>();
  private readonly ipCounters = new Map<string, number>();

  constructor(private readonly cluster: Cluster) {
    const { store } = cluster;
    for (const pod of store.iterate(keyOf(R.pods))) this.track(pod);
    store.subscribe(keyOf(R.pods), e => {
      if (e.type === 'DELETED') {
        this.active.delete(`${e.namespace}/${e.object.metadata.name}`);
        cluster.runtime.delete(e.object.metadata.uid);
      } else this.track(e.object);
    });
  }

  private track(pod: StoredObject) {
    const ref = `${pod.metadata.namespace}/${pod.metadata.name}`;
    if (
      pod.spec?.nodeName &&
      (!isTerminal(pod) || pod.metadata.deletionTimestamp)
    )
      this.active.add(ref);
    else this.active.delete(ref);
  }

  tick(): void {
    const { store } = this.cluster;
    for (const ref of [...this.active]) {
      const [ns, name] = ref.split('/');
      const pod = store.get(keyOf(R.pods), ns, name);
      if (!pod) {
        this.active.delete(ref);
        continue;
      }
      if (this.sync(pod)) this.active.delete(ref);
    }
  }

  private node(pod: StoredObject) {
    return this.cluster.store.get(keyOf(R.nodes), '', pod.spec?.nodeName ?? '');
  }

  private event(
    pod: StoredObject,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
  ) {
    this.cluster.events.record(
      pod,
      type,
      reason,
      message,
      'kubelet',
      pod.spec?.nodeName,
    );
  }

  /**
   * Advances one pod; returns true when nothing more will happen to it until
   * it changes (a server that runs until deleted, a pull that never works),
   * so idle pods cost nothing per tick. Any change to the pod re-tracks it.
   */
  private sync(pod: StoredObject): boolean {
    const { cluster } = this;
    if (pod.metadata.deletionTimestamp) {
      if (!isTerminal(pod)) {
        for (const c of pod.spec?.containers ?? [])
          this.event(pod, 'Normal', 'Killing', `Stopping container ${c.name}`);
      }
      cluster.store.remove(
        keyOf(R.pods),
        pod.metadata.namespace ?? '',
        pod.metadata.name,
      );
      return true;
    }
    const uid = pod.metadata.uid;
    let rt = cluster.runtime.get(uid);
    if (!rt) {
      rt = this.recover(pod);
      cluster.runtime.set(uid, rt);
      if (rt.state === 'creating') {
        this.writeStatus(pod, rt);
        for (const c of pod.spec?.containers ?? [])
          this.event(pod, 'Normal', 'Pulling', `Pulling image "${c.image}"`);
        return false;
      }
    }
    const behaviour = behaviourOf(pod);
    const now = Date.now();
    switch (rt.state) {
      case 'creating':
        if (behaviour.pullFails) {
          rt.state = 'pull-failed';
          rt.since = now;
          rt.reason = 'ErrImagePull';
          for (const c of pod.spec?.containers ?? []) {
            this.event(
              pod,
              'Warning',
              'Failed',
              `Failed to pull image "${c.image}": rpc error: code = NotFound desc = failed to pull and unpack image "${c.image}": not found`,
            );
          }
          this.event(pod, 'Warning', 'Failed', 'Error: ErrImagePull');
        } else {
          this.start(pod, rt, now);
        }
        this.writeStatus(pod, rt);
        return false;
      case 'pull-failed':
        if (
          rt.reason === 'ErrImagePull' &&
          cluster.simSecondsSince(rt.since) >= 1
        ) {
          rt.reason = 'ImagePullBackOff';
          for (const c of pod.spec?.containers ?? []) {
            this.event(
              pod,
              'Normal',
              'BackOff',
              `Back-off pulling image "${c.image}"`,
            );
          }
          this.event(pod, 'Warning', 'Failed', 'Error: ImagePullBackOff');
          this.writeStatus(pod, rt);
        }
        return rt.reason === 'ImagePullBackOff';
      case 'running': {
        if (behaviour.runSeconds === undefined) return true;
        const ran = cluster.simSecondsSince(rt.startedAt!);
        if (ran < behaviour.runSeconds) return false;
        const exit = EXITS[behaviour.exit] ?? EXITS.succeed;
        rt.exitCode = exit.exitCode;
        rt.reason = exit.reason;
        rt.finishedAt = now;
        rt.ranSeconds = behaviour.runSeconds;
        const policy = pod.spec?.restartPolicy ?? 'Always';
        const restart =
          policy === 'Always' ||
          (policy === 'OnFailure' && exit.exitCode !== 0);
        if (restart) {
          rt.state = 'backoff';
          rt.since = now;
          this.event(
            pod,
            'Warning',
            'BackOff',
            `Back-off restarting failed container ${pod.spec?.containers?.[0]?.name} in pod ${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`,
          );
        } else {
          rt.state = 'terminated';
          rt.since = now;
        }
        this.writeStatus(pod, rt);
        return rt.state === 'terminated';
      }
      case 'backoff': {
        // CrashLoopBackOff: 10s, 20s, 40s ... capped at 5 minutes.
        const delay = Math.min(300, 10 * 2 ** rt.restarts);
        if (cluster.simSecondsSince(rt.since) < delay) return false;
        rt.restarts++;
        rt.previousRanSeconds =
          (rt.previousRanSeconds ?? 0) + (rt.ranSeconds ?? 0);
        this.start(pod, rt, now);
        this.writeStatus(pod, rt);
        return false;
      }
      default:
        return true;
    }
  }

  private start(pod: StoredObject, rt: PodRuntime, now: number) {
    rt.state = 'running';
    rt.since = now;
    rt.startedAt = now;
    rt.finishedAt = undefined;
    if (rt.restarts === 0) {
      for (const c of pod.spec?.containers ?? []) {
        this.event(
          pod,
          'Normal',
          'Pulled',
          `Successfully pulled image "${c.image}" in 1.204s (1.204s including waiting). Image size: 512000000 bytes.`,
        );
      }
    }
    for (const c of pod.spec?.containers ?? []) {
      this.event(pod, 'Normal', 'Created', `Created container: ${c.name}`);
      this.event(pod, 'Normal', 'Started', `Started container ${c.name}`);
    }
  }

  /** Rebuilds runtime state from a stored pod (after a restart of kube-sim). */
  private recover(pod: StoredObject): PodRuntime {
    const cs = pod.status?.containerStatuses?.[0];
    const running = cs?.state?.running?.startedAt;
    if (pod.status?.phase === 'Running' && running) {
      return {
        state: 'running',
        since: Date.parse(running),
        startedAt: Date.parse(running),
        restarts: cs.restartCount ?? 0,
      };
    }
    return { state: 'creating', since: Date.now(), restarts: 0 };
  }

  private podIp(pod: StoredObject): string {
    if (pod.status?.podIP) return pod.status.podIP;
    const node = this.node(pod);
    const cidr: string = node?.spec?.podCIDR ?? '10.128.0.0/23';
    const [a, b, c] = cidr.split('/')[0].split('.').map(Number);
    const n = (this.ipCounters.get(cidr) ?? 0) + 1;
    this.ipCounters.set(cidr, n);
    const offset = (n % 500) + 2;
    return `${a}.${b}.${c + (offset >> 8)}.${offset & 255}`;
  }

  private writeStatus(pod: StoredObject, rt: PodRuntime) {
    const node = this.node(pod);
    const hostIP = (node?.status?.addresses ?? []).find(
      (a: any) => a.type === 'InternalIP',
    )?.address;
    const status = clone(pod.status ?? {});
    const started = rt.startedAt ? timestamp(rt.startedAt) : undefined;
    status.startTime ??= timestamp(rt.since);
    if (hostIP) {
      status.hostIP = hostIP;
      status.hostIPs = [{ ip: hostIP }];
    }
    const containerStatus = (c: any, i: number) => {
      const id = `cri-o://${hex(
        `${pod.metadata.uid}/${c.name}/${rt.restarts}`,
      )}`;
      const base = {
        name: c.name,
        image: c.image,
        imageID:
          rt.state === 'creating' || rt.state === 'pull-failed'
            ? ''
            : `${String(c.image).split(':')[0]}@sha256:${hex(String(c.image))}`,
        restartCount: rt.restarts,
        started: rt.state === 'running',
        ready: rt.state === 'running',
      };
      const lastState =
        rt.restarts > 0 || rt.state === 'backoff'
          ? {
              terminated: {
                exitCode: rt.exitCode ?? 0,
                reason: rt.reason,
                startedAt: started,
                finishedAt: rt.finishedAt
                  ? timestamp(rt.finishedAt)
                  : undefined,
                containerID: id,
              },
            }
          : {};
      switch (rt.state) {
        case 'creating':
          return {
            ...base,
            state: { waiting: { reason: 'ContainerCreating' } },
            lastState: {},
          };
        case 'pull-failed':
          return {
            ...base,
            state: {
              waiting: {
                reason: rt.reason,
                message:
                  rt.reason === 'ErrImagePull'
                    ? `rpc error: code = NotFound desc = failed to pull and unpack image "${c.image}": not found`
                    : `Back-off pulling image "${c.image}"`,
              },
            },
            lastState: {},
          };
        case 'running':
          return {
            ...base,
            containerID: id,
            state: { running: { startedAt: started } },
            lastState: rt.restarts > 0 ? lastState : {},
          };
        case 'backoff':
          return {
            ...base,
            containerID: id,
            state: {
              waiting: {
                reason: 'CrashLoopBackOff',
                message: `back-off ${Math.min(
                  300,
                  10 * 2 ** rt.restarts,
                )}s restarting failed container=${c.name} pod=${
                  pod.metadata.name
                }_${pod.metadata.namespace}(${pod.metadata.uid})`,
              },
            },
            lastState,
          };
        default:
          return {
            ...base,
            containerID: id,
            state: {
              terminated: {
                exitCode: rt.exitCode ?? 0,
                reason: rt.reason,
                startedAt: started,
                finishedAt: rt.finishedAt
                  ? timestamp(rt.finishedAt)
                  : undefined,
                containerID: id,
              },
            },
            lastState: i >= 0 && rt.restarts > 0 ? lastState : {},
          };
      }
    };
    status.containerStatuses = (pod.spec?.containers ?? []).map(
      containerStatus,
    );
    if (pod.spec?.initContainers?.length) {
      status.initContainerStatuses = pod.spec.initContainers.map((c: any) => ({
        name: c.name,
        image: c.image,
        imageID: '',
        restartCount: 0,
        ready: true,
        started: false,
        state: {
          terminated: {
            exitCode: 0,
            reason: 'Completed',
            startedAt: status.startTime,
            finishedAt: status.startTime,
          },
        },
      }));
    }
    const ready = rt.state === 'running';
    const terminal = rt.state === 'terminated';
    let conditions = pod.status?.conditions;
    conditions = upsertCondition(conditions, {
      type: 'PodReadyToStartContainers',
      status: rt.state === 'creating' || terminal ? 'False' : 'True',
    });
    conditions = upsertCondition(conditions, {
      type: 'Initialized',
      status: 'True',
    });
    const notReady = terminal
      ? { reason: 'PodCompleted' }
      : {
          reason: 'ContainersNotReady',
          message: `containers with unready status: [${(
            pod.spec?.containers ?? []
          )
            .map((c: any) => c.name)
            .join(' ')}]`,
        };
    conditions = upsertCondition(
      conditions,
      ready
        ? { type: 'Ready', status: 'True' }
        : { type: 'Ready', status: 'False', ...notReady },
    );
    conditions = upsertCondition(
      conditions,
      ready
        ? { type: 'ContainersReady', status: 'True' }
        : { type: 'ContainersReady', status: 'False', ...notReady },
    );
    conditions = upsertCondition(conditions, {
      type: 'PodScheduled',
      status: 'True',
    });
    // The kubelet's order.
    const order = [
      'PodReadyToStartContainers',
      'Initialized',
      'Ready',
      'ContainersReady',
      'PodScheduled',
    ];
    status.conditions = [...conditions].sort((a: any, b: any) => {
      const ia = order.indexOf(a.type);
      const ib = order.indexOf(b.type);
      return (ia < 0 ? order.length : ia) - (ib < 0 ? order.length : ib);
    });
    if (rt.state === 'creating' || rt.state === 'pull-failed') {
      status.phase = 'Pending';
    } else if (terminal) {
      status.phase = rt.exitCode === 0 ? 'Succeeded' : 'Failed';
    } else {
      status.phase = 'Running';
    }
    if (status.phase !== 'Pending' || rt.state === 'pull-failed') {
      const ip = this.podIp(pod);
      status.podIP = ip;
      status.podIPs = [{ ip }];
    }
    this.cluster.api.writeStatus(R.pods, pod, status);
  }
}
