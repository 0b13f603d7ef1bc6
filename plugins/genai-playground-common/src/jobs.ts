import { createPermission } from '@backstage/plugin-permission-common';
import { z } from 'zod';
import { DNS1123_LABEL, GPU_POOLS, type GpuPool } from './environment';
import { ENVIRONMENT_RESOURCE_TYPE } from './permissions';

/*
 * Blueprint GPU jobs: Kubernetes batch/v1 Jobs in a playground environment, on the MI300X pool by
 * default. The portal never schedules GPUs itself: the cluster's ResourceQuota (and Kueue, where it
 * is installed) admits the Job's pods.
 */

// ------------------------------------------------------------------ permissions

/**
 * Submit a job to an environment. Job permissions are permissions on the job's *environment*
 * (resource type `genai-playground-environment`, resourceRef = the environment id): whoever may
 * act on the environment may run jobs in it, so a policy decides jobs with the same team and
 * ownership rules (IS_IN_TEAM, IS_OWNER) as environments, and no second resource type has to be
 * kept in step.
 * @public
 */
export const jobCreatePermission = createPermission({
  name: 'genai-playground.job.create',
  attributes: { action: 'create' },
  resourceType: ENVIRONMENT_RESOURCE_TYPE,
});

/** Read jobs (records, events, logs) of an environment. @public */
export const jobReadPermission = createPermission({
  name: 'genai-playground.job.read',
  attributes: { action: 'read' },
  resourceType: ENVIRONMENT_RESOURCE_TYPE,
});

/** Cancel jobs of an environment. @public */
export const jobCancelPermission = createPermission({
  name: 'genai-playground.job.cancel',
  attributes: { action: 'delete' },
  resourceType: ENVIRONMENT_RESOURCE_TYPE,
});

/** @public */
export const genaiPlaygroundJobPermissions = [
  jobCreatePermission,
  jobReadPermission,
  jobCancelPermission,
];

// ------------------------------------------------------------------ request

/** GPUs of one MI300X (or MI355X) node: a pod asks for 1 to 8; 8 takes a whole node. @public */
export const GPUS_PER_NODE = 8;

/** The statuses of a job; the last three are terminal. @public */
export const JOB_STATUSES = [
  'Pending',
  'Running',
  'Succeeded',
  'Failed',
  'Cancelled',
] as const;
/** @public */
export type JobStatus = (typeof JOB_STATUSES)[number];
/** Statuses a job never leaves. @public */
export const TERMINAL_JOB_STATUSES: readonly JobStatus[] = [
  'Succeeded',
  'Failed',
  'Cancelled',
];

/** A container environment variable name (a C identifier, as most images expect). @public */
export const ENV_VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Variable names that must not carry a value in plain text: a name with KEY, TOKEN, SECRET,
 * PASSWORD, PASSWD or CREDENTIAL in it (HF_TOKEN, WANDB_API_KEY, DB_PASSWORD) takes its value
 * from a Secret of the environment (`valueFrom.secretKeyRef`).
 * @public
 */
export const SECRET_ENV_NAME = /KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL/i;

/**
 * Values that are secrets whatever the variable is called: tokens of Hugging Face, OpenAI-style
 * keys, GitHub tokens, AWS access key ids, PEM private keys.
 * @public
 */
export const SECRET_VALUE =
  /^(hf_[A-Za-z0-9]{20,}|sk-[A-Za-z0-9_-]{20,}|gh[pousr]_[A-Za-z0-9]{20,}|AKIA[0-9A-Z]{16})$|-----BEGIN [A-Z ]*PRIVATE KEY-----/;

/**
 * A container image reference: `[registry[:port]/]path[:tag][@digest]`, lower-case path.
 * The backend checks the registry against `genaiPlayground.jobs.allowedRegistries`.
 * @public
 */
export const IMAGE_REFERENCE =
  /^(?:[a-zA-Z0-9.-]+(?::[0-9]+)?\/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

/** A DNS-1123 subdomain (priority class names). @public */
export const DNS1123_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * One environment variable: a plain `value`, or a reference to a key of a Secret in the
 * environment's namespace. Secret-looking names and values must use the reference.
 * @public
 */
export const jobEnvVarSchema = z
  .object({
    name: z
      .string()
      .min(1)
      .max(128)
      .regex(ENV_VAR_NAME, 'must be a C identifier such as HF_HOME'),
    value: z.string().max(32_768).optional(),
    valueFrom: z
      .object({
        secretKeyRef: z.strictObject({
          name: z.string().min(1).max(253).regex(DNS1123_SUBDOMAIN),
          key: z
            .string()
            .min(1)
            .max(253)
            .regex(/^[-._a-zA-Z0-9]+$/),
        }),
      })
      .optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if ((v.value === undefined) === (v.valueFrom === undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: 'give either value or valueFrom.secretKeyRef',
      });
      return;
    }
    if (v.value !== undefined && SECRET_ENV_NAME.test(v.name)) {
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        message: `${v.name} looks like a secret: no secrets in plain text, reference a Secret of the environment with valueFrom.secretKeyRef`,
      });
    } else if (v.value !== undefined && SECRET_VALUE.test(v.value)) {
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        message:
          'the value looks like a token or key: no secrets in plain text, reference a Secret of the environment with valueFrom.secretKeyRef',
      });
    }
  });
/** @public */
export type JobEnvVar = z.infer<typeof jobEnvVarSchema>;

/**
 * What a developer submits. Hard bounds here hold everywhere; the configured maximum runtime,
 * allowed registries, pools and priority classes are checked by the backend.
 * @public
 */
export const submitJobRequestSchema = z.strictObject({
  /** The environment (its id, the namespace name) the job runs in. */
  environment: z.string().min(1).max(253),
  /** A display name; defaults to the image's name. */
  name: z
    .string()
    .min(2)
    .max(40)
    .regex(
      DNS1123_LABEL,
      'must be a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit',
    )
    .optional(),
  image: z
    .string()
    .min(1)
    .max(512)
    .regex(
      IMAGE_REFERENCE,
      'must be an image reference such as registry.example.com/team/trainer:1.0',
    ),
  /** The container's entrypoint, as a list of strings (not a shell line). */
  command: z.array(z.string().max(8192)).max(64).optional(),
  args: z.array(z.string().max(8192)).max(256).optional(),
  env: z.array(jobEnvVarSchema).max(100).optional(),
  /** amd.com/gpu per pod: 1 to 8; 8 is a whole node. */
  gpus: z.number().int().min(1).max(GPUS_PER_NODE),
  /** Pods running at once; more than one makes an Indexed Job (multi-node). */
  pods: z.number().int().min(1).max(64).default(1),
  /** CPU cores requested per pod (limits are twice as much). */
  cpu: z.number().min(0.5).max(256).default(8),
  /** Memory per pod in GiB (the limit is the same). */
  memoryGi: z.number().int().min(1).max(2048).default(64),
  /** activeDeadlineSeconds, in hours; defaults to the configured default runtime. */
  maxRuntimeHours: z.number().positive().optional(),
  /** backoffLimit: failed pods retried before the job fails. */
  retries: z.number().int().min(0).max(20).default(0),
  priorityClass: z.string().max(253).regex(DNS1123_SUBDOMAIN).optional(),
  gpuPool: z.enum(GPU_POOLS).default('mi300x'),
  /** A Kueue LocalQueue of the namespace: the Job is created suspended for Kueue to admit. */
  queue: z
    .string()
    .max(63)
    .regex(DNS1123_LABEL, 'must be the name of a Kueue LocalQueue')
    .optional(),
  /** The same key twice returns the same job (also taken from the Idempotency-Key header). */
  idempotencyKey: z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
    .optional(),
  description: z.string().max(500).optional(),
});
/** @public */
export type SubmitJobRequest = z.input<typeof submitJobRequestSchema>;

/** @public */
export const listJobsQuerySchema = z.object({
  environment: z.string().min(1).max(253).optional(),
  team: z.string().min(1).max(253).optional(),
  owner: z.string().min(1).max(253).optional(),
  /** One status or several, comma-separated: `Pending,Running`. */
  status: z
    .string()
    .regex(
      new RegExp(
        `^(${JOB_STATUSES.join('|')})(,(${JOB_STATUSES.join('|')}))*$`,
      ),
      `must be one or more of ${JOB_STATUSES.join(', ')}, comma-separated`,
    )
    .optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
/** @public */
export interface ListJobsQuery {
  environment?: string;
  team?: string;
  owner?: string;
  status?: JobStatus | JobStatus[];
  limit?: number;
}

/** @public */
export const jobLogsQuerySchema = z.object({
  /** Pod name; defaults to the job's first pod (index 0). */
  pod: z.string().min(1).max(253).optional(),
  container: z.string().min(1).max(63).optional(),
  tailLines: z.coerce.number().int().min(1).max(100_000).optional(),
  follow: z.enum(['true', 'false']).optional(),
});
/** @public */
export interface JobLogsQuery {
  pod?: string;
  container?: string;
  tailLines?: number;
}

/** @public */
export const cancelJobRequestSchema = z.strictObject({
  /** How the Job's pods go: Background (default) or Foreground. */
  propagationPolicy: z.enum(['Background', 'Foreground']).default('Background'),
});
/** @public */
export type CancelJobRequest = z.input<typeof cancelJobRequestSchema>;

// ------------------------------------------------------------------ records

/**
 * Why a job failed, or what it waits for. The cluster's own words: pod and container reasons
 * (OOMKilled, ImagePullBackOff, FailedScheduling), Job condition reasons (DeadlineExceeded,
 * BackoffLimitExceeded), and the portal's: ExceededQuota (the quota refused the Job's pods),
 * Suspended (waiting for Kueue), JobDeleted (the Job went before its end was seen).
 * @public
 */
export type JobReason =
  | 'OOMKilled'
  | 'ImagePullBackOff'
  | 'ErrImagePull'
  | 'FailedScheduling'
  | 'DeadlineExceeded'
  | 'BackoffLimitExceeded'
  | 'Error'
  | 'ExceededQuota'
  | 'FailedCreate'
  | 'Suspended'
  | 'Queued'
  | 'JobDeleted'
  | 'SubmitFailed'
  | (string & {});

/** A blueprint GPU job as the portal records it. @public */
export interface Job {
  /** The portal's id; the Kubernetes Job is named after it. */
  id: string;
  name: string;
  environmentId: string;
  namespace: string;
  cluster: string;
  /** Group entity ref of the environment's team. */
  team: string;
  /** User entity ref of whoever submitted it. */
  owner: string;
  costCenter: string;
  gpuPool: GpuPool;
  /** metadata.name of the Kubernetes Job. */
  kubernetesName: string;
  image: string;
  command?: string[];
  args?: string[];
  env: JobEnvVar[];
  /** GPUs per pod. */
  gpus: number;
  pods: number;
  cpu: number;
  memoryGi: number;
  maxRuntimeHours: number;
  retries: number;
  priorityClass?: string;
  queue?: string;
  description?: string;
  status: JobStatus;
  /** For Failed jobs, why; for Pending ones, what they wait for. */
  reason?: JobReason;
  statusMessage?: string;
  submittedAt: string;
  /** When its first pod started (GPUs bound). */
  startedAt?: string;
  finishedAt?: string;
  updatedAt: string;
  /** (end - start) x GPUs x pods, recorded once when the job ends. */
  gpuSeconds?: number;
  cancelledBy?: string;
  idempotencyKey?: string;
}

/** One step of a job's status timeline. @public */
export interface JobTimelineEntry {
  at: string;
  status: JobStatus;
  reason?: string;
  message?: string;
  /** Who caused it, for submit and cancel. */
  actor?: string;
}

/** A Kubernetes Event about the Job or one of its pods. @public */
export interface JobClusterEvent {
  type: string;
  reason: string;
  message: string;
  /** `Job/<name>` or `Pod/<name>`. */
  object: string;
  count: number;
  firstSeen?: string;
  lastSeen?: string;
}

/** A pod of the job. @public */
export interface JobPod {
  name: string;
  phase: string;
  /** The completion index of an Indexed Job's pod. */
  index?: number;
  node?: string;
  startedAt?: string;
  finishedAt?: string;
  /** Container state reason: ContainerCreating, ImagePullBackOff, OOMKilled, Completed, ... */
  reason?: string;
  exitCode?: number;
  restarts: number;
  containers: string[];
}

/** @public */
export interface JobWithDetails extends Job {
  timeline: JobTimelineEntry[];
  /** Live from the cluster while the Job exists; empty after it is gone. */
  events: JobClusterEvent[];
  /** The Job's pods, live from the cluster. */
  podDetails: JobPod[];
  /** Set when the cluster could not be read; the record is still returned. */
  clusterError?: string;
}

/** What the frontend and the scaffolder need to check a job request before sending it. @public */
export interface JobSettings {
  /** Image registries (and path prefixes) jobs may pull from. */
  allowedRegistries: string[];
  allowedPools: GpuPool[];
  defaultRuntimeHours: number;
  maxRuntimeHours: number;
  maxPods: number;
  maxRetries: number;
  priorityClasses: string[];
  defaultPriorityClass?: string;
}

/** GPU-seconds of a job so far: recorded for ended jobs, running time x GPUs for running ones. @public */
export function jobGpuSeconds(job: Job, now: Date = new Date()): number {
  if (job.gpuSeconds !== undefined) return job.gpuSeconds;
  if (!job.startedAt || job.status !== 'Running') return 0;
  const seconds = Math.max(
    0,
    (now.getTime() - new Date(job.startedAt).getTime()) / 1000,
  );
  return seconds * job.gpus * job.pods;
}

/** The path of a job's page in the portal. @public */
export function jobPagePath(jobId: string): string {
  return `/genai-playground/jobs/${encodeURIComponent(jobId)}`;
}

/**
 * The repository an image comes from, as `registry/path` without tag or digest; undefined when
 * the reference names no registry host (`rocm/pytorch`). Such an image would be pulled from the
 * runtime's default registry, which the portal does not assume: jobs name their registry.
 * @public
 */
export function imageRepository(image: string): string | undefined {
  const withoutDigest = image.split('@')[0];
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  const name = colon > slash ? withoutDigest.slice(0, colon) : withoutDigest;
  const [first, ...rest] = name.split('/');
  if (rest.length > 0 && (/[.:]/.test(first) || first === 'localhost')) {
    return name;
  }
  return undefined;
}

/**
 * Whether the image comes from one of the allowed registries: an entry is a registry host
 * (`registry.example.com`) or a host with a path prefix (`registry.example.com/genai`), matched
 * on whole path segments. An image that names no registry host is never allowed.
 * @public
 */
export function isImageFromAllowedRegistry(
  image: string,
  allowedRegistries: string[],
): boolean {
  const repository = imageRepository(image);
  if (!repository) return false;
  return allowedRegistries.some(entry => {
    const prefix = entry.replace(/\/+$/, '');
    return repository.startsWith(`${prefix}/`);
  });
}
