import type {
  JobStatus,
  JobClusterEvent,
  JobPod,
} from '@genai-portal/plugin-genai-playground-common';
import type { CoreV1Event, V1Job, V1Pod } from '@kubernetes/client-node';
import type { JobRecord } from './JobStore';

/** The cluster's view of one job: its Job (if it exists), its pods and events about them. */
export interface ClusterState {
  job?: V1Job;
  pods: V1Pod[];
  /** Events of the Job and its pods; undefined when they were not read. */
  events?: CoreV1Event[];
}

/** What the record should say, from the cluster's view; undefined: nothing to change. */
export interface Observation {
  status: JobStatus;
  reason?: string | null;
  statusMessage?: string | null;
  startedAt?: string;
  finishedAt?: string;
}

export interface Problem {
  reason: string;
  message: string;
}

const INDEX_ANNOTATION = 'batch.kubernetes.io/job-completion-index';

function iso(value: Date | string | undefined): string | undefined {
  if (!value) return undefined;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function condition(job: V1Job, type: string) {
  return job.status?.conditions?.find(
    c => c.type === type && c.status === 'True',
  );
}

/**
 * The pods the Job's controller made: in the Job's namespace, with the Job (by uid) as their
 * controller. Anyone who may create pods can copy a job's labels onto a pod of their own, to
 * make it look started, running or failed, or to stretch its GPU-seconds: such pods are not the
 * job's. Without the Job, no pod can be told to be its own.
 */
export function podsOwnedBy(job: V1Job | undefined, pods: V1Pod[]): V1Pod[] {
  const uid = job?.metadata?.uid;
  if (!uid) return [];
  return pods.filter(
    p =>
      p.metadata?.namespace === job.metadata?.namespace &&
      (p.metadata?.ownerReferences ?? []).some(
        r => r.controller === true && r.kind === 'Job' && r.uid === uid,
      ),
  );
}

/** The earliest time a pod of the job was bound to a node and started by its kubelet. */
export function earliestPodStart(pods: V1Pod[]): string | undefined {
  const starts = pods
    .filter(p => p.spec?.nodeName && p.status?.startTime)
    .map(p => iso(p.status!.startTime)!)
    .filter(Boolean)
    .sort();
  return starts[0];
}

const PULL_REASONS = new Set([
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
]);
const WAITING_PROBLEMS = new Set([
  ...PULL_REASONS,
  'CrashLoopBackOff',
  'CreateContainerConfigError',
  'CreateContainerError',
]);

/**
 * The most telling problem of the job's pods, from their container statuses and conditions:
 * OOMKilled over an image that cannot be pulled over another failed exit over a pod the
 * scheduler cannot place.
 */
export function podProblem(pods: V1Pod[]): Problem | undefined {
  const found: Array<Problem & { rank: number }> = [];
  for (const pod of pods) {
    const name = pod.metadata?.name ?? '?';
    for (const c of pod.status?.containerStatuses ?? []) {
      const terminated = c.state?.terminated ?? c.lastState?.terminated;
      if (terminated?.reason === 'OOMKilled') {
        found.push({
          rank: 0,
          reason: 'OOMKilled',
          message: `pod ${name}: container ${c.name} ran out of memory and was killed (OOMKilled, exit code ${terminated.exitCode})`,
        });
      } else if (terminated && terminated.exitCode !== 0) {
        found.push({
          rank: 2,
          reason: 'Error',
          message: `pod ${name}: container ${c.name} exited with code ${
            terminated.exitCode
          }${terminated.reason ? ` (${terminated.reason})` : ''}`,
        });
      }
      const waiting = c.state?.waiting;
      if (waiting?.reason && WAITING_PROBLEMS.has(waiting.reason)) {
        const pull = PULL_REASONS.has(waiting.reason);
        found.push({
          rank: pull ? 1 : 2,
          reason: pull ? 'ImagePullBackOff' : waiting.reason,
          message: `pod ${name}: container ${c.name}: ${waiting.reason}${
            waiting.message ? `: ${waiting.message}` : ''
          }`,
        });
      }
    }
    const scheduled = pod.status?.conditions?.find(
      c => c.type === 'PodScheduled',
    );
    if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
      found.push({
        rank: 3,
        reason: 'FailedScheduling',
        message: `waiting for GPUs: pod ${name} cannot be scheduled: ${
          scheduled.message ?? 'no node fits'
        }`,
      });
    }
  }
  found.sort((a, b) => a.rank - b.rank);
  return found[0] && { reason: found[0].reason, message: found[0].message };
}

/** `exceeded quota: q, requested: r, used: u, limited: l` in words that name each part. */
export function describeExceededQuota(message: string): string | undefined {
  const match = message.match(
    /exceeded quota: ([^,]+), requested: (.+?), used: (.+?), limited: (.+)$/,
  );
  if (!match) return undefined;
  const [, quota, requested, used, limited] = match;
  return `exceeded quota ${quota}: requested ${requested}, used ${used}, limited ${limited}`;
}

/** The Job's and its pods' events, newest last. */
export function eventsOf(
  events: CoreV1Event[],
  kubernetesName: string,
): CoreV1Event[] {
  const at = (e: CoreV1Event) =>
    iso(e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp) ?? '';
  return events
    .filter(e => {
      const name = e.involvedObject?.name ?? '';
      return (
        (e.involvedObject?.kind === 'Job' && name === kubernetesName) ||
        (e.involvedObject?.kind === 'Pod' &&
          name.startsWith(`${kubernetesName}-`))
      );
    })
    .sort((a, b) => at(a).localeCompare(at(b)));
}

/**
 * What events tell that pods cannot: the quota refused to admit the Job's pods (a FailedCreate
 * on the Job, which the Job controller keeps retrying), or what happened to pods that are gone.
 */
export function eventProblem(
  events: CoreV1Event[],
  kubernetesName: string,
  options: { missingPods: boolean; podsGone: boolean },
): Problem | undefined {
  const ours = eventsOf(events, kubernetesName);
  // The Job controller retries a refused create: its latest create event tells how it stands.
  const lastCreate = [...ours]
    .reverse()
    .find(
      e =>
        e.involvedObject?.kind === 'Job' &&
        (e.reason === 'FailedCreate' || e.reason === 'SuccessfulCreate'),
    );
  if (lastCreate?.reason === 'FailedCreate' && options.missingPods) {
    const message = lastCreate.message ?? '';
    const quota = describeExceededQuota(message);
    return quota
      ? {
          reason: 'ExceededQuota',
          message: `the environment's quota refused the job's pods: ${quota}`,
        }
      : { reason: 'FailedCreate', message };
  }
  if (!options.podsGone) return undefined;
  for (const e of [...ours].reverse()) {
    if (e.type !== 'Warning' || e.involvedObject?.kind !== 'Pod') continue;
    const message = e.message ?? '';
    if (e.reason === 'FailedScheduling') {
      return {
        reason: 'FailedScheduling',
        message: `pod ${e.involvedObject.name} could not be scheduled: ${message}`,
      };
    }
    if (
      e.reason === 'Failed' &&
      /ImagePullBackOff|ErrImagePull|pull/i.test(message)
    ) {
      return {
        reason: 'ImagePullBackOff',
        message: `pod ${e.involvedObject.name}: ${message}`,
      };
    }
  }
  return undefined;
}

/** Reasons only events tell. */
const EVENT_REASONS = new Set(['ExceededQuota', 'FailedCreate']);

const POD_REASONS = new Set([
  'OOMKilled',
  'ImagePullBackOff',
  'FailedScheduling',
  'Error',
  'ExceededQuota',
  'CrashLoopBackOff',
  'CreateContainerConfigError',
]);

/**
 * What the record should say about a job, given the cluster's view. The Job's conditions decide
 * the end (Complete, Failed); pods decide Running; pods and events explain a wait or a failure.
 */
export function observe(
  record: JobRecord,
  state: ClusterState,
  options: { now: Date; submitGraceSeconds: number },
): Observation | undefined {
  const { job, pods, events } = state;
  const now = options.now.toISOString();
  const startedAt = record.startedAt ?? earliestPodStart(pods);

  if (!job) {
    if (record.cancelRequestedAt) {
      return {
        status: 'Cancelled',
        startedAt,
        finishedAt: record.cancelRequestedAt,
      };
    }
    if (!record.kubernetesUid) {
      const age =
        (options.now.getTime() - new Date(record.submittedAt).getTime()) / 1000;
      if (age < options.submitGraceSeconds) return undefined;
      return {
        status: 'Failed',
        reason: 'SubmitFailed',
        statusMessage:
          'the Job was never created on the cluster: the submit did not finish (the cluster was unreachable); submit again',
        finishedAt: now,
      };
    }
    return {
      status: 'Failed',
      reason: 'JobDeleted',
      statusMessage:
        'the Job was deleted from the cluster before the portal saw it end',
      startedAt,
      finishedAt: now,
    };
  }

  if (record.cancelRequestedAt && job.metadata?.deletionTimestamp) {
    return {
      status: 'Cancelled',
      startedAt,
      finishedAt: record.cancelRequestedAt,
    };
  }

  const complete = condition(job, 'Complete');
  if (complete) {
    return {
      status: 'Succeeded',
      reason: null,
      statusMessage: complete.message ?? null,
      startedAt: startedAt ?? iso(job.status?.startTime),
      finishedAt:
        iso(job.status?.completionTime) ??
        iso(complete.lastTransitionTime) ??
        now,
    };
  }

  const failed = condition(job, 'Failed');
  if (failed) {
    const fromPods =
      podProblem(pods) ??
      (events
        ? eventProblem(events, job.metadata?.name ?? '', {
            missingPods: true,
            podsGone: pods.length === 0,
          })
        : undefined) ??
      (record.reason && POD_REASONS.has(record.reason)
        ? { reason: record.reason, message: record.statusMessage ?? '' }
        : undefined);
    const jobReason = failed.reason ?? 'Failed';
    const jobMessage = `the Job failed: ${jobReason}${
      failed.message ? ` (${failed.message})` : ''
    }`;
    return {
      status: 'Failed',
      reason: fromPods?.reason ?? jobReason,
      statusMessage: fromPods?.message
        ? `${fromPods.message}; ${jobMessage}`
        : jobMessage,
      startedAt,
      finishedAt: iso(failed.lastTransitionTime) ?? now,
    };
  }

  if (job.spec?.suspend) {
    return {
      status: 'Pending',
      reason: 'Suspended',
      statusMessage: record.queue
        ? `suspended: waiting for Kueue to admit it from queue ${record.queue}`
        : 'suspended',
    };
  }

  const active = pods.filter(
    p =>
      !['Succeeded', 'Failed'].includes(p.status?.phase ?? '') &&
      !p.metadata?.deletionTimestamp,
  ).length;
  const succeeded = pods.filter(p => p.status?.phase === 'Succeeded').length;
  const problem =
    podProblem(pods) ??
    (events
      ? eventProblem(events, job.metadata?.name ?? '', {
          missingPods: active + succeeded < record.pods,
          podsGone: false,
        })
      : undefined);
  const running =
    pods.some(p => p.status?.phase === 'Running') ||
    (job.status?.ready ?? 0) > 0;
  // Without events (a watch update), a reason only events tell is kept as it is.
  const keep =
    !problem &&
    !events &&
    record.reason !== undefined &&
    EVENT_REASONS.has(record.reason);
  if (running) {
    return {
      status: 'Running',
      ...(keep
        ? {}
        : {
            reason: problem?.reason ?? null,
            statusMessage: problem?.message ?? null,
          }),
      startedAt: startedAt ?? now,
    };
  }
  if (keep) return { status: 'Pending' };
  if (problem) {
    return {
      status: 'Pending',
      reason: problem.reason,
      statusMessage: problem.message,
    };
  }
  if (pods.length > 0) {
    const scheduled = pods.filter(p => p.spec?.nodeName).length;
    return {
      status: 'Pending',
      reason: null,
      statusMessage: `starting: ${scheduled} of ${record.pods} pod${
        record.pods === 1 ? '' : 's'
      } scheduled`,
    };
  }
  return undefined;
}

/** (end - start) x GPUs x pods, in seconds, to the millisecond. */
export function gpuSecondsBetween(
  record: Pick<JobRecord, 'gpus' | 'pods'>,
  startedAt: string | undefined,
  finishedAt: string,
): number {
  if (!startedAt) return 0;
  const seconds = Math.max(
    0,
    (new Date(finishedAt).getTime() - new Date(startedAt).getTime()) / 1000,
  );
  return Math.round(seconds * record.gpus * record.pods * 1000) / 1000;
}

/** The pods as the job page shows them. */
export function toJobPods(pods: V1Pod[]): JobPod[] {
  return pods
    .map(pod => {
      const c = pod.status?.containerStatuses?.[0];
      const terminated = c?.state?.terminated;
      const out: JobPod = {
        name: pod.metadata?.name ?? '',
        phase: pod.metadata?.deletionTimestamp
          ? 'Terminating'
          : pod.status?.phase ?? 'Unknown',
        restarts: c?.restartCount ?? 0,
        containers: (pod.spec?.containers ?? []).map(x => x.name),
      };
      const index = pod.metadata?.annotations?.[INDEX_ANNOTATION];
      if (index !== undefined) out.index = Number(index);
      if (pod.spec?.nodeName) out.node = pod.spec.nodeName;
      const started = iso(pod.status?.startTime);
      if (started) out.startedAt = started;
      const finished = iso(terminated?.finishedAt);
      if (finished) out.finishedAt = finished;
      const reason =
        terminated?.reason ??
        c?.state?.waiting?.reason ??
        (pod.status?.conditions?.find(
          x => x.type === 'PodScheduled' && x.status === 'False',
        )?.reason ||
          undefined);
      if (reason) out.reason = reason;
      if (terminated) out.exitCode = terminated.exitCode;
      return out;
    })
    .sort(
      (a, b) =>
        (a.index ?? 0) - (b.index ?? 0) ||
        (a.startedAt ?? '').localeCompare(b.startedAt ?? '') ||
        a.name.localeCompare(b.name),
    );
}

/** Events as the job page shows them. */
export function toJobEvents(
  events: CoreV1Event[],
  kubernetesName: string,
): JobClusterEvent[] {
  return eventsOf(events, kubernetesName).map(e => {
    const out: JobClusterEvent = {
      type: e.type ?? 'Normal',
      reason: e.reason ?? '',
      message: e.message ?? '',
      object: `${e.involvedObject?.kind}/${e.involvedObject?.name}`,
      count: e.count ?? 1,
    };
    const first = iso(e.firstTimestamp ?? e.eventTime);
    const last = iso(e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp);
    if (first) out.firstSeen = first;
    if (last) out.lastSeen = last;
    return out;
  });
}
