import type {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import type { ResourcePermission } from '@backstage/plugin-permission-common';
import {
  isImageFromAllowedRegistry,
  jobCancelPermission,
  jobCreatePermission,
  jobReadPermission,
  parseQuantity,
  TERMINAL_JOB_STATUSES,
  type Job,
  type JobStatus,
  type JobWithDetails,
  type submitJobRequestSchema,
} from '@genai-portal/plugin-genai-playground-common';
import type { V1Job } from '@kubernetes/client-node';
import { createHash, randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { z } from 'zod';
import type { EnvironmentRecord } from '../environments/EnvironmentStore';
import type { EnvironmentStore } from '../environments/EnvironmentStore';
import { toEnvironment } from '../environments/EnvironmentService';
import { GPU_RESOURCE, QUOTA_NAME } from '../environments/manifests';
import { toGroupRef, toUserRef } from '../environments/TeamDirectory';
import {
  isStatus,
  statusOf,
  type KubernetesClient,
} from '../kubernetes/KubernetesClient';
import type { PermissionGate } from '../permissions/PermissionGate';
import type { QuotaService } from '../quota/QuotaService';
import { actorOf } from '../lib/actorOf';
import type { JobsConfig } from './config';
import type { JobReconciler } from './JobReconciler';
import type { JobRecord, JobStore, NewJob } from './JobStore';
import {
  JOB_CONTAINER,
  JOB_ID_LABEL,
  jobManifest,
  kubernetesJobName,
} from './manifests';
import { openPodLog } from './openPodLog';
import { EndedJobDetails } from './EndedJobDetails';
import { describeExceededQuota, toJobEvents, toJobPods } from './observe';

/** A submit request after the schema filled its defaults. */
export type SubmitJobInput = z.output<typeof submitJobRequestSchema>;

export interface JobServiceOptions {
  store: JobStore;
  environments: EnvironmentStore;
  kube: KubernetesClient;
  quota: QuotaService;
  /** How the service asks the permission policy: job permissions are decided on environments. */
  gate: PermissionGate;
  reconciler: JobReconciler;
  config: JobsConfig;
  /** Name of the cluster environments (and so jobs) are on. */
  cluster: string;
  logger: LoggerService;
  clock?: { now(): Date };
  /** For tests: the ids new jobs get. */
  newId?: () => string;
}

type Options = { credentials: BackstageCredentials };

/** The result of a submit: the job, and whether this call made it. */
export interface SubmitResult {
  job: Job;
  created: boolean;
}

const ALL_ENVIRONMENT_STATUSES: EnvironmentRecord['status'][] = [
  'creating',
  'ready',
  'failed',
  'deleting',
  'deleted',
];

/** Job ids: a letter and 11 lower-case letters or digits (a DNS label once prefixed). */
export function newJobId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(11);
  let id = 'j';
  for (const b of bytes) id += alphabet[b % alphabet.length];
  return id;
}

/** The public shape of a record. */
export function toJob(record: JobRecord): Job {
  const {
    kubernetesUid: _u,
    cancelRequestedAt: _a,
    cancelRequestedBy: _b,
    requestHash: _h,
    ...job
  } = record;
  return job;
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .filter(k => (value as Record<string, unknown>)[k] !== undefined)
      .map(
        k =>
          `${JSON.stringify(k)}:${stableJson(
            (value as Record<string, unknown>)[k],
          )}`,
      )
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

function imageName(image: string): string {
  const path = image.split('@')[0];
  const last = path.slice(path.lastIndexOf('/') + 1).split(':')[0];
  const cleaned = last
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return cleaned.length >= 2 ? cleaned : 'job';
}

/**
 * Blueprint GPU jobs: checks a request against the environment (it exists, is ready and
 * belongs to the caller's team), the configured bounds and the environment's quota headroom,
 * creates the Kubernetes Job once per idempotency key, and reads, follows the logs of and
 * cancels jobs. The watcher keeps the records in step with the cluster.
 */
export class JobService {
  readonly #options: JobServiceOptions;
  readonly #clock: { now(): Date };
  readonly #newId: () => string;
  readonly #gate: PermissionGate;
  readonly #ended: EndedJobDetails;

  static create(options: JobServiceOptions) {
    return new JobService(options);
  }

  private constructor(options: JobServiceOptions) {
    this.#options = options;
    this.#clock = options.clock ?? { now: () => new Date() };
    this.#newId = options.newId ?? newJobId;
    this.#gate = options.gate;
    this.#ended = new EndedJobDetails(() => this.#clock.now().getTime());
  }

  // ---------------------------------------------------------------- submit

  /**
   * Submits a job. Everything is checked before anything is made; the same idempotency key
   * (from the same user) returns the job the first call made, finishing its submit if that was
   * cut short.
   */
  async submit(
    request: SubmitJobInput,
    { credentials }: Options,
  ): Promise<SubmitResult> {
    const owner = actorOf(credentials);
    const { idempotencyKey, ...rest } = request;
    const requestHash = createHash('sha256')
      .update(stableJson(rest))
      .digest('hex');

    if (idempotencyKey) {
      const existing = await this.#options.store.getByIdempotencyKey(
        owner,
        idempotencyKey,
      );
      if (existing) {
        return this.#replay(existing, requestHash, credentials);
      }
    }

    const environment = await this.#environmentFor(request, credentials);
    const maxRuntimeHours = this.#checkBounds(request, environment);
    await this.#checkSecrets(request, environment);
    const preflight = await this.#preflight(request, environment);

    const id = this.#newId();
    const now = this.#clock.now().toISOString();
    const newJob: NewJob = {
      id,
      name: request.name ?? imageName(request.image),
      environmentId: environment.id,
      namespace: environment.namespace,
      cluster: environment.cluster,
      team: environment.team,
      owner,
      costCenter: environment.costCenter,
      gpuPool: request.gpuPool,
      kubernetesName: kubernetesJobName(id),
      image: request.image,
      env: request.env ?? [],
      gpus: request.gpus,
      pods: request.pods,
      cpu: request.cpu,
      memoryGi: request.memoryGi,
      maxRuntimeHours,
      retries: request.retries,
      status: 'Pending',
      reason: preflight.reason,
      statusMessage: preflight.message,
      submittedAt: now,
      requestHash,
    };
    if (request.command) newJob.command = request.command;
    if (request.args) newJob.args = request.args;
    const priorityClass =
      request.priorityClass ?? this.#options.config.defaultPriorityClass;
    if (priorityClass) newJob.priorityClass = priorityClass;
    if (request.queue) newJob.queue = request.queue;
    if (request.description) newJob.description = request.description;
    if (idempotencyKey) newJob.idempotencyKey = idempotencyKey;

    const inserted = await this.#options.store.insert(newJob, {
      at: now,
      status: 'Pending',
      reason: preflight.reason,
      message: `submitted: ${preflight.message}`,
      actor: owner,
    });
    if (!inserted.inserted) {
      // A concurrent request with the same key won the race: its job is the job.
      return this.#replay(inserted.job, requestHash, credentials);
    }
    const job = await this.#createInCluster(inserted.job, environment, {
      removeOnRefusal: true,
    });
    return { job: toJob(job), created: true };
  }

  async #replay(
    existing: JobRecord,
    requestHash: string,
    credentials: BackstageCredentials,
  ): Promise<SubmitResult> {
    if (existing.requestHash && existing.requestHash !== requestHash) {
      throw new ConflictError(
        `Idempotency-Key ${existing.idempotencyKey} was used for another request (job ${existing.id}); use a new key for a new job`,
      );
    }
    await this.#gate.requireOnId(
      jobReadPermission,
      existing.environmentId,
      credentials,
    );
    if (
      existing.kubernetesUid ||
      TERMINAL_JOB_STATUSES.includes(existing.status)
    ) {
      return { job: toJob(existing), created: false };
    }
    // The first call stopped before the cluster confirmed the Job: finish it now.
    const environment = await this.#options.environments.get(
      existing.environmentId,
    );
    if (!environment) {
      return { job: toJob(existing), created: false };
    }
    const job = await this.#createInCluster(existing, environment, {
      removeOnRefusal: false,
    });
    return { job: toJob(job), created: false };
  }

  /** The environment of the request, if it exists, is ready and the caller may use it. */
  async #environmentFor(
    request: SubmitJobInput,
    credentials: BackstageCredentials,
  ): Promise<EnvironmentRecord> {
    const environment = await this.#options.environments.get(
      request.environment,
    );
    if (!environment || environment.status === 'deleted') {
      throw new InputError(
        `Invalid request: environment: there is no environment '${request.environment}'`,
      );
    }
    // The policy decides: members of the environment's team and admins.
    await this.#gate
      .requireOnId(jobCreatePermission, environment.id, credentials)
      .catch(error => {
        if (!(error instanceof NotAllowedError)) throw error;
        throw new NotAllowedError(
          `environment: ${environment.id} belongs to ${
            environment.team
          }; ${actorOf(credentials)} may not run jobs in it (${
            jobCreatePermission.name
          })`,
        );
      });
    if (environment.status !== 'ready') {
      throw new InputError(
        `Invalid request: environment: ${environment.id} is ${environment.status}; jobs run only in a ready environment`,
      );
    }
    return environment;
  }

  /** The configured bounds; returns the runtime the job gets. */
  #checkBounds(request: SubmitJobInput, environment: EnvironmentRecord) {
    const { config } = this.#options;
    if (!config.allowedPools.includes(request.gpuPool)) {
      throw new InputError(
        `Invalid request: gpuPool: jobs may run on ${config.allowedPools.join(
          ', ',
        )}; ${request.gpuPool} is not allowed here`,
      );
    }
    if (request.gpuPool !== environment.gpuPool) {
      throw new InputError(
        `Invalid request: gpuPool: environment ${environment.id} holds GPUs on ${environment.gpuPool}, not ${request.gpuPool}`,
      );
    }
    if (!isImageFromAllowedRegistry(request.image, config.allowedRegistries)) {
      throw new InputError(
        `Invalid request: image: ${
          request.image
        } is not from an allowed registry (${config.allowedRegistries.join(
          ', ',
        )})`,
      );
    }
    const maxRuntimeHours =
      request.maxRuntimeHours ?? config.defaultRuntimeHours;
    if (maxRuntimeHours > config.maxRuntimeHours) {
      throw new InputError(
        `Invalid request: maxRuntimeHours: ${maxRuntimeHours} is above the maximum of ${config.maxRuntimeHours} hours`,
      );
    }
    if (request.pods > config.maxPods) {
      throw new InputError(
        `Invalid request: pods: a job may run at most ${config.maxPods} pods; this asks for ${request.pods}`,
      );
    }
    if (request.retries > config.maxRetries) {
      throw new InputError(
        `Invalid request: retries: at most ${config.maxRetries}; this asks for ${request.retries}`,
      );
    }
    if (
      request.priorityClass &&
      !config.priorityClasses.includes(request.priorityClass)
    ) {
      throw new InputError(
        `Invalid request: priorityClass: ${
          request.priorityClass
        } is not one of ${
          config.priorityClasses.join(', ') || '(none configured)'
        }`,
      );
    }
    return maxRuntimeHours;
  }

  /** Secrets the env refers to must be in the environment's namespace. */
  async #checkSecrets(request: SubmitJobInput, environment: EnvironmentRecord) {
    const { kube } = this.#options;
    const refs = (request.env ?? [])
      .map((v, i) => ({ i, ref: v.valueFrom?.secretKeyRef }))
      .filter(r => r.ref);
    for (const { i, ref } of refs) {
      const secret = await kube
        .call(`read Secret ${environment.namespace}/${ref!.name}`, ({ core }) =>
          core.readNamespacedSecret({
            namespace: environment.namespace,
            name: ref!.name,
          }),
        )
        .catch(error => {
          if (isStatus(error, 404)) return undefined;
          throw kube.toBackstageError(
            `read Secret ${ref!.name} of ${environment.id}`,
            error,
          );
        });
      if (!secret) {
        throw new InputError(
          `Invalid request: env.${i}.valueFrom.secretKeyRef.name: there is no Secret ${
            ref!.name
          } in environment ${environment.id}`,
        );
      }
      const keys = [
        ...Object.keys(secret.data ?? {}),
        ...Object.keys(secret.stringData ?? {}),
      ];
      if (!keys.includes(ref!.key)) {
        throw new InputError(
          `Invalid request: env.${i}.valueFrom.secretKeyRef.key: Secret ${
            ref!.name
          } has no key ${ref!.key}`,
        );
      }
    }
  }

  /**
   * The environment's quota headroom against the request (refused when it cannot fit), then the
   * pool's free GPUs (accepted, but queued, when they are short). GPUs "in use" are what the
   * quota counts or what the environment's unfinished jobs hold, whichever is more: a job just
   * submitted holds its GPUs before its pods exist.
   */
  async #preflight(
    request: SubmitJobInput,
    environment: EnvironmentRecord,
  ): Promise<{ reason?: string; message: string }> {
    const { kube, quota, store } = this.#options;
    const total = request.gpus * request.pods;
    const asked = `this job asks for ${total}${
      request.pods > 1 ? ` (${request.pods} pods x ${request.gpus})` : ''
    }`;
    const resourceQuota = await kube
      .call(
        `read ResourceQuota ${environment.namespace}/${QUOTA_NAME}`,
        ({ core }) =>
          core.readNamespacedResourceQuota({
            namespace: environment.namespace,
            name: QUOTA_NAME,
          }),
      )
      .catch(error => {
        if (isStatus(error, 404)) return undefined;
        throw kube.toBackstageError(
          `read the quota of ${environment.id}`,
          error,
        );
      });
    const key = `requests.${GPU_RESOURCE}`;
    const hard =
      parseQuantity(
        resourceQuota?.status?.hard?.[key] ?? resourceQuota?.spec?.hard?.[key],
      ) ?? environment.quota.gpus;
    const used = parseQuantity(resourceQuota?.status?.used?.[key]) ?? 0;
    const reserved = (
      await store.list({
        environmentId: environment.id,
        statuses: ['Pending', 'Running'],
        limit: 10_000,
      })
    ).reduce((sum, j) => sum + j.gpus * j.pods, 0);
    const inUse = Math.max(used, reserved);
    if (total > hard - inUse) {
      throw new InputError(
        `Invalid request: gpus: refused: the quota allows ${hard} GPUs (${inUse} in use) in environment ${environment.id} (ResourceQuota ${QUOTA_NAME}); ${asked}`,
      );
    }
    const pool = (await quota.getPoolUsage({ fresh: true })).find(
      p => p.pool === request.gpuPool,
    );
    const allocatable = pool?.allocatable ?? 0;
    const free = pool?.free ?? 0;
    if (total > allocatable) {
      throw new InputError(
        `Invalid request: gpus: pool ${request.gpuPool} has ${allocatable} GPUs in all; ${asked}`,
      );
    }
    if (total > free) {
      return {
        reason: 'Queued',
        message: `queued: waiting for ${total - free} GPUs (pool ${
          request.gpuPool
        } has ${free} of ${allocatable} free)`,
      };
    }
    return {
      message: `admitted by the quota (${
        inUse + total
      } of ${hard} GPUs); pool ${
        request.gpuPool
      } has ${free} of ${allocatable} GPUs free`,
    };
  }

  /**
   * Creates the Job (or finds the one an earlier attempt made). A refusal by the cluster removes
   * the record of a fresh submit, so nothing is left half made; an unreachable cluster leaves it
   * "submitting", for a retry with the same key (or the watcher) to settle.
   */
  async #createInCluster(
    record: JobRecord,
    environment: EnvironmentRecord,
    options: { removeOnRefusal: boolean },
  ): Promise<JobRecord> {
    const { kube, store, config } = this.#options;
    const manifest = jobManifest(record, environment, config);
    const what = `create Job ${record.namespace}/${record.kubernetesName}`;
    let created: V1Job;
    try {
      created = await kube.call(what, ({ batch }) =>
        batch.createNamespacedJob({
          namespace: record.namespace,
          body: manifest,
        }),
      );
    } catch (error) {
      if (isStatus(error, 409)) {
        const existing = await kube.call(
          `read Job ${record.namespace}/${record.kubernetesName}`,
          ({ batch }) =>
            batch.readNamespacedJob({
              namespace: record.namespace,
              name: record.kubernetesName,
            }),
        );
        if (existing.metadata?.labels?.[JOB_ID_LABEL] !== record.id) {
          throw new ConflictError(
            `a Job ${record.kubernetesName} that is not job ${record.id} exists in ${record.namespace}`,
          );
        }
        created = existing;
      } else {
        const status = statusOf(error);
        if (status && options.removeOnRefusal) {
          await store.remove(record.id);
        }
        if (status?.code === 403 && /exceeded quota/.test(status.message)) {
          throw new InputError(
            `Invalid request: gpus: refused by the cluster: ${
              describeExceededQuota(status.message) ?? status.message
            }`,
          );
        }
        throw kube.toBackstageError(`create the Job of ${record.id}`, error);
      }
    }
    const now = this.#clock.now().toISOString();
    await store.markCreated(record.id, created.metadata?.uid ?? '', now);
    return (await store.get(record.id))!;
  }

  // ---------------------------------------------------------------- read

  async list(
    query: {
      environment?: string;
      team?: string;
      owner?: string;
      statuses?: JobStatus[];
      limit?: number;
    },
    { credentials }: Options,
  ): Promise<Job[]> {
    const mayRead = await this.#gate.predicate(jobReadPermission, credentials);
    const records = await this.#options.store.list({
      environmentId: query.environment,
      team: query.team ? toGroupRef(query.team)?.ref ?? query.team : undefined,
      owner: query.owner ? toUserRef(query.owner) : undefined,
      statuses: query.statuses,
      limit: query.limit,
    });
    const environmentIds = [...new Set(records.map(r => r.environmentId))];
    const environments = new Map(
      (
        await this.#options.environments.list({
          ids: environmentIds,
          statuses: ALL_ENVIRONMENT_STATUSES,
        })
      ).map(e => [e.id, toEnvironment(e)]),
    );
    return records
      .filter(r => {
        const environment = environments.get(r.environmentId);
        return environment !== undefined && mayRead(environment);
      })
      .map(toJob);
  }

  /**
   * A job with its timeline, and its pods and events live from the cluster. A job that has not
   * ended is brought in step with the cluster on the way (the watcher does so anyway; a read does
   * not wait for it).
   */
  async get(id: string, { credentials }: Options): Promise<JobWithDetails> {
    const loaded = await this.#load(id, jobReadPermission, credentials);
    const { record, details } = await this.#withClusterDetails(loaded);
    const timeline = await this.#options.store.listTimeline(id);
    return { ...toJob(record), ...details, timeline };
  }

  /**
   * The job's events and pods from the cluster, and its record brought in step on the way; an
   * ended job's are reused for a few seconds (EndedJobDetails says why and how late they may be).
   */
  async #withClusterDetails(loaded: JobRecord): Promise<{
    record: JobRecord;
    details: Pick<JobWithDetails, 'events' | 'podDetails' | 'clusterError'>;
  }> {
    const ended = TERMINAL_JOB_STATUSES.includes(loaded.status);
    const kept = ended ? this.#ended.get(loaded) : undefined;
    if (kept) return { record: loaded, details: kept };
    try {
      const state = await this.#options.reconciler.read(loaded, {
        events: true,
      });
      const record =
        (await this.#options.reconciler.reconcile(loaded, state)) ?? loaded;
      const details = {
        events: toJobEvents(state.events ?? [], record.kubernetesName),
        podDetails: toJobPods(state.pods),
      };
      if (TERMINAL_JOB_STATUSES.includes(record.status)) {
        this.#ended.set(record, details);
      }
      return { record, details };
    } catch (error) {
      if (!(error instanceof ServiceUnavailableError)) throw error;
      return {
        record: loaded,
        details: { events: [], podDetails: [], clusterError: error.message },
      };
    }
  }

  /** The name of the pod whose logs are asked for: the one named, or the first (index 0). */
  async #podFor(record: JobRecord, pod: string | undefined): Promise<string> {
    // The pods the job's Job made: one that only carries its labels is someone else's.
    const { pods } = await this.#options.reconciler.read(record, {
      events: false,
    });
    const names = toJobPods(pods).map(p => p.name);
    if (pod) {
      if (!names.includes(pod)) {
        throw new NotFoundError(
          `job ${record.id} has no pod ${pod}${
            names.length ? ` (its pods: ${names.join(', ')})` : ''
          }`,
        );
      }
      return pod;
    }
    if (names.length === 0) {
      throw new NotFoundError(
        TERMINAL_JOB_STATUSES.includes(record.status)
          ? `job ${record.id} has no pods left: they go with the Job, ${
              this.#options.config.ttlSecondsAfterFinished
            } seconds after it ends`
          : `job ${record.id} has no pods yet (${record.status}${
              record.statusMessage ? `: ${record.statusMessage}` : ''
            })`,
      );
    }
    return names[0];
  }

  /** The logs of one pod of a job, as text. */
  async logs(
    id: string,
    query: { pod?: string; container?: string; tailLines?: number },
    { credentials }: Options,
  ): Promise<{ pod: string; text: string }> {
    const record = await this.#load(id, jobReadPermission, credentials);
    const pod = await this.#podFor(record, query.pod);
    const { kube } = this.#options;
    const text = await kube
      .call(`read the logs of ${record.namespace}/${pod}`, ({ core }) =>
        core.readNamespacedPodLog({
          namespace: record.namespace,
          name: pod,
          container: query.container ?? JOB_CONTAINER,
          tailLines: query.tailLines,
        }),
      )
      .catch(error => {
        const status = statusOf(error);
        if (status?.code === 400) {
          // Not started yet ("container ... is waiting to start"): not the caller's mistake.
          throw new ConflictError(
            `the logs of pod ${pod} cannot be read yet: ${status.message}`,
          );
        }
        throw kube.toBackstageError(`read the logs of ${pod}`, error);
      });
    return { pod, text: String(text ?? '') };
  }

  /**
   * Opens the logs of one pod of a job as a stream that follows the container until it ends, the
   * cluster closes it or `signal` aborts.
   */
  async followLogs(
    id: string,
    query: { pod?: string; container?: string; tailLines?: number },
    signal: AbortSignal,
    { credentials }: Options,
  ): Promise<{ pod: string; stream: Readable }> {
    const record = await this.#load(id, jobReadPermission, credentials);
    const pod = await this.#podFor(record, query.pod);
    const { kube } = this.#options;
    try {
      const stream = await openPodLog(
        kube.kubeConfig,
        record.namespace,
        pod,
        {
          container: query.container ?? JOB_CONTAINER,
          follow: true,
          tailLines: query.tailLines,
        },
        signal,
      );
      return { pod, stream };
    } catch (error) {
      const status = statusOf(error);
      if (status?.code === 400) {
        throw new ConflictError(
          `the logs of pod ${pod} cannot be read yet: ${status.message}`,
        );
      }
      if (status)
        throw kube.toBackstageError(`follow the logs of ${pod}`, error);
      throw new ServiceUnavailableError(
        `the cluster ${
          kube.clusterName
        } is not reachable: follow the logs of ${pod}: ${
          (error as Error).message
        }`,
      );
    }
  }

  // ---------------------------------------------------------------- cancel

  /**
   * Deletes the Job (its pods with it, by the propagation policy) and records who cancelled it.
   * Cancelling a job that has ended is a conflict; the answer says how it ended.
   */
  async cancel(
    id: string,
    request: { propagationPolicy: 'Background' | 'Foreground' },
    { credentials }: Options,
  ): Promise<Job> {
    const record = await this.#load(id, jobCancelPermission, credentials);
    if (TERMINAL_JOB_STATUSES.includes(record.status)) {
      throw new ConflictError(
        `job ${id} has ended (${record.status}); there is nothing to cancel`,
      );
    }
    const actor = actorOf(credentials);
    const now = this.#clock.now().toISOString();
    if (!(await this.#options.store.requestCancel(id, actor, now))) {
      const ended = (await this.#options.store.get(id))!;
      throw new ConflictError(
        `job ${id} has ended (${ended.status}); there is nothing to cancel`,
      );
    }
    const { kube } = this.#options;
    await kube
      .call(
        `delete Job ${record.namespace}/${record.kubernetesName}`,
        ({ batch }) =>
          batch.deleteNamespacedJob({
            namespace: record.namespace,
            name: record.kubernetesName,
            propagationPolicy: request.propagationPolicy,
            ...(record.kubernetesUid
              ? { body: { preconditions: { uid: record.kubernetesUid } } }
              : {}),
          }),
      )
      .catch(error => {
        // Gone already (or replaced by another Job of the name): nothing of this job is left.
        if (isStatus(error, 404) || isStatus(error, 409)) return undefined;
        throw kube.toBackstageError(`delete the Job of ${id}`, error);
      });
    const requested = (await this.#options.store.get(id))!;
    const cancelled = await this.#options.reconciler.reconcile(requested, {
      job: undefined,
      pods: [],
    });
    return toJob(cancelled ?? requested);
  }

  // ---------------------------------------------------------------- helpers

  async #load(
    id: string,
    permission: ResourcePermission<'genai-playground-environment'>,
    credentials: BackstageCredentials,
  ): Promise<JobRecord> {
    const record = await this.#options.store.get(id);
    if (!record) throw new NotFoundError(`no job ${id}`);
    // The rules look at the job's environment (its team and owner), not at the job.
    await this.#gate.loadIfAllowed(
      permission,
      record.environmentId,
      async () => {
        const environment = await this.#options.environments.get(
          record.environmentId,
        );
        return (
          environment && {
            record: environment,
            environment: toEnvironment(environment),
          }
        );
      },
      credentials,
    );
    return record;
  }
}
