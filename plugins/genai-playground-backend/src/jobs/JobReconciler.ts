import type { LoggerService } from '@backstage/backend-plugin-api';
import { TERMINAL_JOB_STATUSES } from '@genai-portal/plugin-genai-playground-common';
import type { CoreV1Event, V1Job, V1Pod } from '@kubernetes/client-node';
import {
  isStatus,
  type KubernetesClient,
} from '../kubernetes/KubernetesClient';
import type { JobsConfig } from './config';
import type { JobRecord, JobStore } from './JobStore';
import { JOB_ID_LABEL } from './manifests';
import {
  gpuSecondsBetween,
  observe,
  podsOwnedBy,
  type ClusterState,
} from './observe';

export interface JobReconcilerOptions {
  store: JobStore;
  kube: KubernetesClient;
  config: Pick<JobsConfig, 'submitGraceSeconds'>;
  logger: LoggerService;
  clock?: { now(): Date };
}

/**
 * Whether the Job is the record's: in its namespace, under its name, with its id label, and its
 * uid once the submit recorded one (a Job made by hand with the same labels is not).
 */
export function isJobOf(
  job: V1Job | undefined,
  record: Pick<
    JobRecord,
    'id' | 'namespace' | 'kubernetesName' | 'kubernetesUid'
  >,
): job is V1Job {
  return (
    job !== undefined &&
    job.metadata?.namespace === record.namespace &&
    job.metadata?.name === record.kubernetesName &&
    job.metadata?.labels?.[JOB_ID_LABEL] === record.id &&
    (!record.kubernetesUid || job.metadata?.uid === record.kubernetesUid)
  );
}

/**
 * Brings a job's record in step with the cluster: the one place that turns what the cluster
 * says (the Job, its pods, their events) into status changes. The store applies a change only
 * to a job that has not ended, so observing an end twice (after a restart, by a second watcher,
 * or a read racing the watcher) records it, and its GPU-seconds, once.
 */
export class JobReconciler {
  readonly #options: JobReconcilerOptions;
  readonly #clock: { now(): Date };

  constructor(options: JobReconcilerOptions) {
    this.#options = options;
    this.#clock = options.clock ?? { now: () => new Date() };
  }

  /** Applies the cluster's view; returns the record as it is afterwards. */
  async reconcile(
    current: JobRecord,
    state: ClusterState,
  ): Promise<JobRecord | undefined> {
    if (TERMINAL_JOB_STATUSES.includes(current.status)) return current;
    const now = this.#clock.now();
    const uid = state.job?.metadata?.uid;
    let record = current;
    if (!record.kubernetesUid && uid) {
      // A submit that made the Job but stopped before recording it (a restart): adopt it.
      await this.#options.store.markCreated(record.id, uid, now.toISOString());
      record = { ...record, kubernetesUid: uid };
    }
    const observation = observe(record, state, {
      now,
      submitGraceSeconds: this.#options.config.submitGraceSeconds,
    });
    if (!observation) return record;
    const ended = TERMINAL_JOB_STATUSES.includes(observation.status);
    const finishedAt = observation.finishedAt ?? now.toISOString();
    const updated = await this.#options.store.apply(record.id, {
      ...observation,
      ...(ended
        ? {
            finishedAt,
            gpuSeconds: gpuSecondsBetween(
              record,
              observation.startedAt,
              finishedAt,
            ),
          }
        : {}),
      ...(observation.status === 'Cancelled'
        ? {
            cancelledBy: record.cancelRequestedBy,
            actor: record.cancelRequestedBy,
          }
        : {}),
      now: now.toISOString(),
    });
    if (updated && updated.status !== record.status) {
      this.#options.logger.info(
        `Job ${record.id} (${record.namespace}/${record.kubernetesName}): ${
          record.status
        } -> ${updated.status}${updated.reason ? ` (${updated.reason})` : ''}`,
      );
    }
    return updated ?? (await this.#options.store.get(record.id));
  }

  /** Reads the cluster's view of one job: its Job, its pods and (optionally) the events. */
  async read(
    record: JobRecord,
    options: { events: boolean },
  ): Promise<ClusterState> {
    const { kube } = this.#options;
    const { namespace, kubernetesName } = record;
    const [job, pods, events] = await Promise.all([
      kube
        .call(`read Job ${namespace}/${kubernetesName}`, ({ batch }) =>
          batch.readNamespacedJob({ namespace, name: kubernetesName }),
        )
        .catch(error => {
          if (isStatus(error, 404)) return undefined;
          throw kube.toBackstageError(`read the Job of ${record.id}`, error);
        }) as Promise<V1Job | undefined>,
      kube
        .call(`list pods of Job ${namespace}/${kubernetesName}`, ({ core }) =>
          core.listNamespacedPod({
            namespace,
            labelSelector: `${JOB_ID_LABEL}=${record.id}`,
          }),
        )
        .then(list => list.items as V1Pod[])
        .catch(error => {
          if (isStatus(error, 404)) return [] as V1Pod[];
          throw kube.toBackstageError(`list the pods of ${record.id}`, error);
        }),
      options.events
        ? kube
            .call(`list events in ${namespace}`, ({ core }) =>
              core.listNamespacedEvent({ namespace }),
            )
            .then(list => list.items as CoreV1Event[])
            .catch(error => {
              if (isStatus(error, 404)) return [] as CoreV1Event[];
              throw kube.toBackstageError(
                `list the events of ${record.id}`,
                error,
              );
            })
        : Promise.resolve(undefined),
    ]);
    // A Job of the same name that is not this job's (made by hand, say) is not its Job.
    const ours = isJobOf(job, record) ? job : undefined;
    return { job: ours, pods: podsOwnedBy(ours, pods), events };
  }

  /** Reads the cluster and applies what it says. */
  async refresh(record: JobRecord): Promise<JobRecord | undefined> {
    const state = await this.read(record, { events: true });
    return this.reconcile(record, state);
  }
}
