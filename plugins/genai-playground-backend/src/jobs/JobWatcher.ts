import type { LoggerService } from '@backstage/backend-plugin-api';
import { stringifyError } from '@backstage/errors';
import {
  Watch,
  type KubernetesObject,
  type V1Job,
  type V1Pod,
} from '@kubernetes/client-node';
import type { KubernetesClient } from '../kubernetes/KubernetesClient';
import type { JobsConfig } from './config';
import { isJobOf, type JobReconciler } from './JobReconciler';
import type { JobStore } from './JobStore';
import { JOB_ID_LABEL, JOB_SELECTOR } from './manifests';
import { podsOwnedBy } from './observe';

export interface JobWatcherOptions {
  store: JobStore;
  kube: KubernetesClient;
  reconciler: JobReconciler;
  config: Pick<JobsConfig, 'watch'>;
  logger: LoggerService;
}

type Mode = 'cache' | 'fresh';

interface WatchEnd {
  /** Why the watch ended: the server closed it (resume), or it must be listed afresh. */
  relist: boolean;
  detail: string;
}

const MAX_BACKOFF_MS = 30_000;

function jobIdOf(object: KubernetesObject | undefined): string | undefined {
  return object?.metadata?.labels?.[JOB_ID_LABEL];
}

/** Objects of every namespace come in: namespace and name tell them apart, never labels. */
function keyOf(object: KubernetesObject | undefined): string {
  return `${object?.metadata?.namespace ?? ''}/${object?.metadata?.name ?? ''}`;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise(resolve => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Keeps job records in step with the cluster. One session lists the portal's Jobs and their pods
 * in every namespace (label `app.kubernetes.io/managed-by=genai-playground-portal` with a job id),
 * reconciles every unfinished record against that list, then watches both from the list's
 * resourceVersion, reconciling each job its events touch; every `resyncSeconds` it reads each
 * unfinished job afresh (events included: a quota refusal of the Job's pods is only an event). A
 * watch the server closes resumes from the last resourceVersion seen (bookmarks included); a 410
 * Expired, an error or a dropped connection lists again. Reconciling is idempotent, so a session
 * that starts after a crash (or overlaps a read) records each end once.
 *
 * Run by one replica: the plugin runs sessions as a global scheduled task.
 */
export class JobWatcher {
  readonly #options: JobWatcherOptions;
  /** By job id, then namespace/name: anyone may label a Job or pod with a job's id. */
  readonly #jobs = new Map<string, Map<string, V1Job>>();
  readonly #pods = new Map<string, Map<string, V1Pod>>();
  readonly #queued = new Map<string, Mode>();
  readonly #running = new Map<string, Promise<void>>();

  constructor(options: JobWatcherOptions) {
    this.#options = options;
  }

  /**
   * Runs one session until `durationMs` has passed or `signal` aborts, then waits for the
   * reconciles it started.
   */
  async runSession(options: {
    signal: AbortSignal;
    durationMs: number;
  }): Promise<void> {
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    options.signal.addEventListener('abort', onAbort, { once: true });
    if (options.signal.aborted) stop.abort();
    const timer = setTimeout(() => stop.abort(), options.durationMs);
    const resync = setInterval(() => {
      this.#resync().catch(error =>
        this.#options.logger.warn(
          `Job resync failed: ${stringifyError(error)}`,
        ),
      );
    }, this.#options.config.watch.resyncSeconds * 1000);
    let backoffMs = 500;
    try {
      while (!stop.signal.aborted) {
        try {
          const versions = await this.#list();
          await this.#reconcileUnfinished();
          backoffMs = 500;
          let end: WatchEnd;
          do {
            end = await this.#watchBoth(versions, stop.signal);
            if (!end.relist && !stop.signal.aborted) {
              this.#options.logger.debug(
                `Job watch closed (${end.detail}); resuming`,
              );
            }
          } while (!end.relist && !stop.signal.aborted);
          if (!stop.signal.aborted) {
            this.#options.logger.info(
              `Job watch ended (${end.detail}); listing again`,
            );
          }
        } catch (error) {
          if (stop.signal.aborted) break;
          this.#options.logger.warn(
            `Job watch failed: ${stringifyError(
              error,
            )}; retrying in ${backoffMs} ms`,
          );
          await sleep(backoffMs, stop.signal);
          backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
        }
      }
    } finally {
      clearTimeout(timer);
      clearInterval(resync);
      options.signal.removeEventListener('abort', onAbort);
      await this.idle();
    }
  }

  /** Resolves when every reconcile started so far has finished. */
  async idle(): Promise<void> {
    while (this.#running.size > 0) {
      await Promise.all([...this.#running.values()]);
    }
  }

  /** Lists Jobs and pods afresh; returns the resourceVersions to watch from. */
  async #list(): Promise<{ jobs: string; pods: string }> {
    const { kube } = this.#options;
    const [jobs, pods] = await Promise.all([
      kube.call('list the Jobs of blueprint jobs', ({ batch }) =>
        batch.listJobForAllNamespaces({ labelSelector: JOB_SELECTOR }),
      ),
      kube.call('list the pods of blueprint jobs', ({ core }) =>
        core.listPodForAllNamespaces({ labelSelector: JOB_SELECTOR }),
      ),
    ]);
    this.#jobs.clear();
    this.#pods.clear();
    for (const job of jobs.items) this.#putJob(job);
    for (const pod of pods.items) this.#putPod(pod);
    return {
      jobs: jobs.metadata?.resourceVersion ?? '',
      pods: pods.metadata?.resourceVersion ?? '',
    };
  }

  /** After a list: every unfinished record against what the cluster has. */
  async #reconcileUnfinished() {
    for (const record of await this.#options.store.listUnfinished()) {
      this.#schedule(record.id, 'cache');
    }
  }

  async #resync() {
    for (const record of await this.#options.store.listUnfinished()) {
      this.#schedule(record.id, 'fresh');
    }
  }

  #putJob(job: V1Job) {
    return this.#put(this.#jobs, job);
  }

  #putPod(pod: V1Pod) {
    return this.#put(this.#pods, pod);
  }

  #put<T extends KubernetesObject>(
    byId: Map<string, Map<string, T>>,
    object: T,
  ) {
    const id = jobIdOf(object);
    if (!id) return undefined;
    let objects = byId.get(id);
    if (!objects) {
      objects = new Map();
      byId.set(id, objects);
    }
    objects.set(keyOf(object), object);
    return id;
  }

  /** Watches Jobs and pods until one of the watches ends; both are stopped then. */
  async #watchBoth(
    versions: { jobs: string; pods: string },
    signal: AbortSignal,
  ): Promise<WatchEnd> {
    const both = new AbortController();
    const onAbort = () => both.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      return await Promise.race([
        this.#watch(
          '/apis/batch/v1/jobs',
          versions,
          'jobs',
          (type, object) => {
            const job = object as V1Job;
            const id = type === 'DELETED' ? jobIdOf(job) : this.#putJob(job);
            if (!id) return;
            if (type === 'DELETED') this.#jobs.get(id)?.delete(keyOf(job));
            this.#schedule(id, 'cache');
          },
          both.signal,
        ),
        this.#watch(
          '/api/v1/pods',
          versions,
          'pods',
          (type, object) => {
            const pod = object as V1Pod;
            const id = type === 'DELETED' ? jobIdOf(pod) : this.#putPod(pod);
            if (!id) return;
            if (type === 'DELETED') this.#pods.get(id)?.delete(keyOf(pod));
            this.#schedule(id, 'cache');
          },
          both.signal,
        ),
      ]);
    } finally {
      both.abort();
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** One watch from versions[key]; keeps versions[key] at the last resourceVersion seen. */
  #watch(
    path: string,
    versions: { jobs: string; pods: string },
    key: 'jobs' | 'pods',
    onChange: (type: string, object: KubernetesObject) => void,
    signal: AbortSignal,
  ): Promise<WatchEnd> {
    return new Promise<WatchEnd>(resolve => {
      let settled = false;
      let controller: AbortController | undefined;
      const end = (result: WatchEnd) => {
        if (settled) return;
        settled = true;
        controller?.abort();
        resolve(result);
      };
      signal.addEventListener(
        'abort',
        () => end({ relist: false, detail: 'stopped' }),
        { once: true },
      );
      new Watch(this.#options.kube.kubeConfig)
        .watch(
          path,
          {
            labelSelector: JOB_SELECTOR,
            resourceVersion: versions[key],
            allowWatchBookmarks: true,
            timeoutSeconds: this.#options.config.watch.timeoutSeconds,
          },
          (type, object) => {
            if (type === 'ERROR') {
              const status = object as { code?: number; message?: string };
              end({
                relist: true,
                detail: `${key}: ${status.code ?? ''} ${
                  status.message ?? 'error event'
                }`.trim(),
              });
              return;
            }
            const version = (object as KubernetesObject)?.metadata
              ?.resourceVersion;
            if (version) versions[key] = version;
            if (type === 'BOOKMARK') return;
            onChange(type, object as KubernetesObject);
          },
          error => {
            if (error) {
              end({
                relist: true,
                detail: `${key}: ${(error as Error).message ?? error}`,
              });
            } else {
              end({ relist: false, detail: `${key}: closed by the server` });
            }
          },
        )
        .then(c => {
          controller = c;
          if (settled) c.abort();
        })
        .catch(error =>
          end({ relist: true, detail: `${key}: ${stringifyError(error)}` }),
        );
    });
  }

  /** Reconciles a job once whatever reconcile of it runs now has finished. */
  #schedule(id: string, mode: Mode) {
    const queued = this.#queued.get(id);
    if (queued) {
      if (mode === 'fresh') this.#queued.set(id, 'fresh');
      return;
    }
    this.#queued.set(id, mode);
    const previous = this.#running.get(id) ?? Promise.resolve();
    const next = previous
      .then(async () => {
        const how = this.#queued.get(id) ?? mode;
        this.#queued.delete(id);
        await this.#reconcileOne(id, how);
      })
      .catch(error =>
        this.#options.logger.warn(
          `Could not bring job ${id} in step with the cluster: ${stringifyError(
            error,
          )}`,
        ),
      )
      .finally(() => {
        if (this.#running.get(id) === next) this.#running.delete(id);
      });
    this.#running.set(id, next);
  }

  async #reconcileOne(id: string, mode: Mode) {
    const { store, reconciler } = this.#options;
    const record = await store.get(id);
    if (!record || !['Pending', 'Running'].includes(record.status)) return;
    // Only the record's own Job, and the pods its controller made, speak for the job.
    const job = this.#jobs
      .get(id)
      ?.get(`${record.namespace}/${record.kubernetesName}`);
    const pods = podsOwnedBy(job, [...(this.#pods.get(id)?.values() ?? [])]);
    if (
      mode === 'fresh' ||
      !isJobOf(job, record) ||
      this.#needsEvents(job, pods)
    ) {
      // Gone from the list (or never there), or only events can tell: read the cluster itself.
      await reconciler.refresh(record);
      return;
    }
    await reconciler.reconcile(record, { job, pods });
  }

  /**
   * Events explain a failure whose pods are gone, and a Job short of pods (the quota refuses
   * them: a FailedCreate on the Job is all there is to see).
   */
  #needsEvents(job: V1Job, pods: V1Pod[]): boolean {
    const failed = job.status?.conditions?.some(
      c => c.type === 'Failed' && c.status === 'True',
    );
    if (failed) return true;
    if (job.spec?.suspend) return false;
    const present = pods.filter(
      p => p.status?.phase !== 'Failed' && !p.metadata?.deletionTimestamp,
    ).length;
    return present < (job.spec?.parallelism ?? 1);
  }
}
