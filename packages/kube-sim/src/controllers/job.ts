/**
 * The Job controller (batch/v1): creates pods from the template (respecting
 * parallelism, completions, Indexed completion mode and suspend), counts
 * succeeded/failed pods, retries failures with exponential back-off up to
 * backoffLimit, enforces activeDeadlineSeconds, and finishes with the
 * 1.31+ condition pairs (SuccessCriteriaMet + Complete, FailureTarget +
 * Failed). Pods go through the API write path, so a namespace's
 * ResourceQuota refuses them just as it refuses the real controller: the Job
 * stays admitted, gets a FailedCreate event with the quota error, and
 * creation is retried until quota frees. Finished jobs with
 * ttlSecondsAfterFinished are deleted with their pods.
 */
import { keyOf, R } from '../api/resources';
import { Cluster } from '../cluster';
import { clone } from '../patch';
import { StatusError } from '../status';
import { StoredObject } from '../types';
import { timestamp } from '../util';

const COMPONENT = 'job-controller';
const INDEX_KEY = 'batch.kubernetes.io/job-completion-index';

interface JobMemory {
  counted: Set<string>;
  startedAt?: number;
  finishedAt?: number;
  lastFailureAt?: number;
  retryCreateAt?: number;
  createFailures: number;
  namespace: string;
}

function condition(type: string, reason: string, message: string) {
  const now = timestamp();
  return {
    type,
    status: 'True',
    reason,
    message,
    lastProbeTime: now,
    lastTransitionTime: now,
  };
}

function hasCondition(job: StoredObject, type: string): boolean {
  return (job.status?.conditions ?? []).some(
    (c: any) => c.type === type && c.status === 'True',
  );
}

/** "0-2,4" from [0,1,2,4]. */
export function formatIndexes(indexes: number[]): string {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(j > i ? `${sorted[i]}-${sorted[j]}` : `${sorted[i]}`);
    i = j;
  }
  return parts.join(',');
}

export class JobController {
  private readonly memory = new Map<string, JobMemory>();

  constructor(private readonly cluster: Cluster) {
    cluster.store.subscribe(keyOf(R.jobs), e => {
      if (e.type === 'DELETED') this.memory.delete(e.object.metadata.uid);
    });
    // Quota may have freed when a pod ends or goes: retry refused creations now.
    cluster.store.subscribe(keyOf(R.pods), e => {
      const ended =
        e.type === 'DELETED' ||
        (['Succeeded', 'Failed'].includes(e.object.status?.phase) &&
          e.previous?.status?.phase !== e.object.status?.phase);
      if (!ended) return;
      for (const mem of this.memory.values()) {
        if (mem.namespace === e.namespace) mem.retryCreateAt = undefined;
      }
    });
  }

  tick(): void {
    for (const job of [...this.cluster.store.iterate(keyOf(R.jobs))]) {
      try {
        this.sync(job);
      } catch (e) {
        if (!(e instanceof StatusError)) throw e;
      }
    }
  }

  private pods(job: StoredObject): StoredObject[] {
    const { store } = this.cluster;
    const key = keyOf(R.pods);
    return store
      .dependents(job.metadata.uid)
      .filter(([k]) => k === key)
      .map(([k, ns, name]) => store.get(k, ns, name))
      .filter((p): p is StoredObject => !!p)
      .filter(p =>
        (p.metadata.ownerReferences ?? []).some(
          r => r.uid === job.metadata.uid && r.controller,
        ),
      );
  }

  private remember(job: StoredObject, pods: StoredObject[]): JobMemory {
    let mem = this.memory.get(job.metadata.uid);
    if (!mem) {
      mem = {
        counted: new Set(),
        createFailures: 0,
        namespace: job.metadata.namespace ?? '',
      };
      // After a restart, pods already reflected in the stored counts stay counted.
      const done = pods.filter(
        p => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed',
      );
      if (
        (job.status?.succeeded ?? 0) + (job.status?.failed ?? 0) >=
        done.length
      ) {
        done.forEach(p => mem!.counted.add(p.metadata.uid));
      }
      if (job.status?.startTime)
        mem.startedAt = Date.parse(job.status.startTime);
      if (job.status?.completionTime)
        mem.finishedAt = Date.parse(job.status.completionTime);
      this.memory.set(job.metadata.uid, mem);
    }
    return mem;
  }

  private event(
    job: StoredObject,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
  ) {
    this.cluster.events.record(job, type, reason, message, COMPONENT);
  }

  private sync(job: StoredObject) {
    const { cluster } = this;
    if (job.metadata.deletionTimestamp) return;
    const pods = this.pods(job);
    const mem = this.remember(job, pods);
    const spec = job.spec ?? {};
    const status = clone(job.status ?? {});
    const finished =
      hasCondition(job, 'Complete') || hasCondition(job, 'Failed');

    if (finished) {
      const ttl = spec.ttlSecondsAfterFinished;
      if (ttl !== undefined && ttl !== null) {
        const finishedAt = mem.finishedAt ?? Date.now();
        mem.finishedAt = finishedAt;
        if (cluster.simSecondsSince(finishedAt) >= ttl) {
          cluster.api.delete(
            R.jobs,
            job.metadata.namespace ?? '',
            job.metadata.name,
            {
              propagationPolicy: 'Background',
              preconditions: { uid: job.metadata.uid },
            },
          );
        }
      }
      return;
    }

    // Count newly finished pods once; succeeded/failed never go down.
    let succeeded = status.succeeded ?? 0;
    let failed = status.failed ?? 0;
    for (const p of pods) {
      const phase = p.status?.phase;
      if (
        (phase === 'Succeeded' || phase === 'Failed') &&
        !mem.counted.has(p.metadata.uid)
      ) {
        mem.counted.add(p.metadata.uid);
        if (phase === 'Succeeded') succeeded++;
        else {
          failed++;
          mem.lastFailureAt = Date.now();
        }
      }
    }
    const active = pods.filter(
      p =>
        !['Succeeded', 'Failed'].includes(p.status?.phase) &&
        !p.metadata.deletionTimestamp,
    );
    const terminating = pods.filter(
      p =>
        p.metadata.deletionTimestamp &&
        !['Succeeded', 'Failed'].includes(p.status?.phase),
    );
    const indexed = spec.completionMode === 'Indexed';
    const succeededIndexes = indexed
      ? pods
          .filter(p => p.status?.phase === 'Succeeded')
          .map(p => Number(p.metadata.annotations?.[INDEX_KEY]))
      : [];
    if (indexed && status.completedIndexes) {
      for (const part of String(status.completedIndexes).split(',')) {
        const [a, b] = part.split('-').map(Number);
        for (let i = a; i <= (b ?? a); i++) succeededIndexes.push(i);
      }
    }

    status.conditions = (status.conditions ?? []).map((c: any) => ({ ...c }));
    const setCondition = (c: any) => {
      status.conditions = status.conditions.filter(
        (x: any) => x.type !== c.type,
      );
      status.conditions.push(c);
    };

    // Suspension deletes active pods and stops the clock.
    if (spec.suspend) {
      for (const p of active) this.deletePod(job, p);
      if (!hasCondition(job, 'Suspended')) {
        setCondition(condition('Suspended', 'JobSuspended', 'Job suspended'));
        this.event(job, 'Normal', 'Suspended', 'Job suspended');
      }
      delete status.startTime;
      mem.startedAt = undefined;
      this.write(
        job,
        status,
        0,
        0,
        succeeded,
        failed,
        terminating.length + active.length,
        succeededIndexes,
      );
      return;
    }
    if (hasCondition(job, 'Suspended')) {
      const now = timestamp();
      setCondition({
        type: 'Suspended',
        status: 'False',
        reason: 'JobResumed',
        message: 'Job resumed',
        lastProbeTime: now,
        lastTransitionTime: now,
      });
      this.event(job, 'Normal', 'Resumed', 'Job resumed');
    }
    if (!status.startTime) {
      mem.startedAt = Date.now();
      status.startTime = timestamp(mem.startedAt);
    }
    mem.startedAt ??= Date.parse(status.startTime);

    const restarts = active.reduce(
      (n, p) =>
        n +
        (p.status?.containerStatuses ?? []).reduce(
          (m: number, c: any) => m + (c.restartCount ?? 0),
          0,
        ),
      0,
    );
    const backoffLimit = spec.backoffLimit ?? 6;
    let failure: [string, string] | undefined;
    if (failed + restarts > backoffLimit) {
      failure = [
        'BackoffLimitExceeded',
        'Job has reached the specified backoff limit',
      ];
    } else if (
      spec.activeDeadlineSeconds &&
      cluster.simSecondsSince(mem.startedAt) >= spec.activeDeadlineSeconds
    ) {
      failure = [
        'DeadlineExceeded',
        'Job was active longer than specified deadline',
      ];
    }
    if (failure) {
      for (const p of active) this.deletePod(job, p);
      setCondition(condition('FailureTarget', failure[0], failure[1]));
      setCondition(condition('Failed', failure[0], failure[1]));
      mem.finishedAt = Date.now();
      this.event(job, 'Warning', failure[0], failure[1]);
      this.write(
        job,
        status,
        0,
        0,
        succeeded,
        failed,
        terminating.length + active.length,
        succeededIndexes,
      );
      return;
    }

    const completions: number | null = spec.completions ?? null;
    const parallelism: number = spec.parallelism ?? 1;
    let complete: boolean;
    if (indexed) {
      complete =
        completions !== null &&
        new Set(succeededIndexes.filter(i => i < completions)).size >=
          completions;
    } else if (completions !== null) {
      complete = succeeded >= completions;
    } else {
      // Work-queue jobs finish when one pod succeeded and none is left running.
      complete = succeeded > 0 && active.length === 0;
    }
    if (complete) {
      for (const p of active) this.deletePod(job, p);
      setCondition(
        condition(
          'SuccessCriteriaMet',
          'CompletionsReached',
          'Reached expected number of succeeded pods',
        ),
      );
      setCondition(
        condition(
          'Complete',
          'CompletionsReached',
          'Reached expected number of succeeded pods',
        ),
      );
      mem.finishedAt = Date.now();
      status.completionTime = timestamp(mem.finishedAt);
      this.event(job, 'Normal', 'Completed', 'Job completed');
      this.write(
        job,
        status,
        0,
        0,
        succeeded,
        failed,
        terminating.length,
        succeededIndexes,
      );
      return;
    }

    // Failed pods are replaced after 10s, 20s, 40s ... (capped at 6 minutes).
    const backoff = failed > 0 ? Math.min(360, 10 * 2 ** (failed - 1)) : 0;
    const waiting =
      mem.lastFailureAt !== undefined &&
      cluster.simSecondsSince(mem.lastFailureAt) < backoff;
    const throttled =
      mem.retryCreateAt !== undefined && Date.now() < mem.retryCreateAt;
    let activeCount = active.length;
    if (!waiting && !throttled) {
      if (indexed) {
        const busy = new Set(
          active.map(p => Number(p.metadata.annotations?.[INDEX_KEY])),
        );
        const done = new Set(succeededIndexes);
        for (
          let i = 0;
          i < (completions ?? 0) && activeCount < parallelism;
          i++
        ) {
          if (busy.has(i) || done.has(i)) continue;
          if (!this.createPod(job, mem, i)) break;
          activeCount++;
        }
      } else {
        let want = Math.min(parallelism, (completions ?? 0) - succeeded);
        if (completions === null) want = succeeded > 0 ? 0 : parallelism;
        while (activeCount < want) {
          if (!this.createPod(job, mem)) break;
          activeCount++;
        }
        for (const p of active.slice(Math.max(0, want))) {
          this.deletePod(job, p);
          activeCount--;
        }
      }
    }
    const ready = active.filter(p =>
      (p.status?.conditions ?? []).some(
        (c: any) => c.type === 'Ready' && c.status === 'True',
      ),
    ).length;
    this.write(
      job,
      status,
      activeCount,
      ready,
      succeeded,
      failed,
      terminating.length,
      succeededIndexes,
    );
  }

  private write(
    job: StoredObject,
    status: any,
    active: number,
    ready: number,
    succeeded: number,
    failed: number,
    terminating: number,
    succeededIndexes: number[],
  ) {
    const out: any = { ...status };
    for (const [k, v] of Object.entries({ active, succeeded, failed })) {
      if (v > 0) out[k] = v;
      else delete out[k];
    }
    out.ready = ready;
    out.terminating = terminating;
    out.uncountedTerminatedPods = {};
    if (job.spec?.completionMode === 'Indexed') {
      const text = formatIndexes(
        succeededIndexes.filter(i => Number.isInteger(i)),
      );
      if (text) out.completedIndexes = text;
    }
    if (!out.conditions?.length) delete out.conditions;
    this.cluster.api.writeStatus(R.jobs, job, out);
  }

  private deletePod(job: StoredObject, pod: StoredObject) {
    this.cluster.api.delete(
      R.pods,
      pod.metadata.namespace ?? '',
      pod.metadata.name,
      { propagationPolicy: 'Background' },
    );
    this.event(
      job,
      'Normal',
      'SuccessfulDelete',
      `Deleted pod: ${pod.metadata.name}`,
    );
  }

  private createPod(
    job: StoredObject,
    mem: JobMemory,
    index?: number,
  ): boolean {
    const template = clone(job.spec?.template ?? {});
    const name = job.metadata.name;
    const metadata: any = {
      ...(template.metadata ?? {}),
      generateName: index === undefined ? `${name}-` : `${name}-${index}-`,
      ownerReferences: [
        {
          apiVersion: 'batch/v1',
          kind: 'Job',
          name,
          uid: job.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    };
    delete metadata.name;
    const spec: any = template.spec ?? {};
    if (index !== undefined) {
      metadata.annotations = {
        ...metadata.annotations,
        [INDEX_KEY]: String(index),
      };
      metadata.labels = { ...metadata.labels, [INDEX_KEY]: String(index) };
      spec.hostname = `${name}-${index}`;
      for (const c of [
        ...(spec.containers ?? []),
        ...(spec.initContainers ?? []),
      ]) {
        c.env = [
          {
            name: 'JOB_COMPLETION_INDEX',
            valueFrom: {
              fieldRef: { fieldPath: `metadata.annotations['${INDEX_KEY}']` },
            },
          },
          ...(c.env ?? []),
        ];
      }
    }
    try {
      const pod = this.cluster.api.create(
        R.pods,
        job.metadata.namespace ?? '',
        { apiVersion: 'v1', kind: 'Pod', metadata, spec },
        { internal: true },
      );
      this.event(
        job,
        'Normal',
        'SuccessfulCreate',
        `Created pod: ${pod.metadata.name}`,
      );
      mem.retryCreateAt = undefined;
      mem.createFailures = 0;
      return true;
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
      this.event(
        job,
        'Warning',
        'FailedCreate',
        `Error creating: ${e.message}`,
      );
      // The controller's rate-limited requeue: 1s, 2s, 4s ... up to 30s.
      mem.createFailures++;
      mem.retryCreateAt =
        Date.now() + Math.min(30_000, 1000 * 2 ** (mem.createFailures - 1));
      return false;
    }
  }
}
