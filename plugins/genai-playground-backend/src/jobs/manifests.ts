import type { Job } from '@genai-portal/plugin-genai-playground-common';
import type { V1EnvVar, V1Job } from '@kubernetes/client-node';
import {
  DATA_CLASSIFICATION_LABEL,
  ENVIRONMENT_LABEL,
  GPU_POOL_LABEL,
  GPU_RESOURCE,
  LIMIT_TO_REQUEST_RATIO,
  MANAGED_BY,
  MANAGED_BY_LABEL,
  OWNER_LABEL,
  SECURITY_LEVEL_LABEL,
  TEAM_LABEL,
  cpuQuantity,
  entityName,
  labelValue,
} from '../environments/manifests';
import { GPU_TYPE_LABEL } from '../quota/QuotaService';
import type { JobsConfig } from './config';

/** The job's id on the Job and its pods; the watch selects on it. */
export const JOB_ID_LABEL = 'genai-playground.io/job-id';
export const COST_CENTER_LABEL = 'genai-playground.io/cost-center';
/** The blueprint worker component of the catalog selects its workloads with it. */
export const COMPONENT_LABEL = 'app.kubernetes.io/component';
export const BLUEPRINT_COMPONENT = 'blueprint-worker';
/** Kueue's label naming the LocalQueue a Job is submitted to. */
export const KUEUE_QUEUE_LABEL = 'kueue.x-k8s.io/queue-name';
export const SUBMITTED_BY_ANNOTATION = 'genai-playground.io/submitted-by';
export const JOB_NAME_ANNOTATION = 'genai-playground.io/job-name';
/** The container every job pod runs; logs default to it. */
export const JOB_CONTAINER = 'main';

/** What selects every object of every job the portal made. */
export const JOB_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY},${JOB_ID_LABEL}`;

/** The Kubernetes Job of a job id. */
export function kubernetesJobName(jobId: string): string {
  return `bp-${jobId}`;
}

/** The environment a job is submitted to, as far as its Job needs it. */
export interface JobEnvironment {
  name: string;
  team: string;
  costCenter: string;
  /** On the job's pods, as on the namespace (the required-labels compliance check). */
  securityLevel: string;
  dataClassification: string;
}

export type JobManifestInput = Pick<
  Job,
  | 'id'
  | 'name'
  | 'namespace'
  | 'kubernetesName'
  | 'owner'
  | 'gpuPool'
  | 'image'
  | 'command'
  | 'args'
  | 'env'
  | 'gpus'
  | 'pods'
  | 'cpu'
  | 'memoryGi'
  | 'maxRuntimeHours'
  | 'retries'
  | 'priorityClass'
  | 'queue'
  | 'description'
>;

/**
 * The batch/v1 Job of a blueprint job: the pool's node selector and tolerations, `amd.com/gpu`
 * requests equal to limits, the restricted security context (non-root, no privilege escalation,
 * read-only root filesystem with an emptyDir on /tmp, all capabilities dropped, RuntimeDefault
 * seccomp), labels for team, environment, owner, cost center and job id (and on the pods the
 * environment's security level and data classification, as on its namespace), a deadline, a retry
 * limit and a TTL after it finishes. Several pods make an Indexed Job that runs them all at once;
 * a Kueue queue makes it start suspended, for Kueue to admit.
 */
export function jobManifest(
  job: JobManifestInput,
  environment: JobEnvironment,
  config: Pick<JobsConfig, 'tolerations' | 'ttlSecondsAfterFinished'>,
): V1Job {
  const labels: Record<string, string> = {
    [MANAGED_BY_LABEL]: MANAGED_BY,
    [COMPONENT_LABEL]: BLUEPRINT_COMPONENT,
    [JOB_ID_LABEL]: job.id,
    [ENVIRONMENT_LABEL]: environment.name,
    [TEAM_LABEL]: labelValue(entityName(environment.team)),
    [OWNER_LABEL]: labelValue(entityName(job.owner)),
    [COST_CENTER_LABEL]: labelValue(environment.costCenter),
    [GPU_POOL_LABEL]: job.gpuPool,
  };
  const annotations: Record<string, string> = {
    [SUBMITTED_BY_ANNOTATION]: job.owner,
    [JOB_NAME_ANNOTATION]: job.name,
  };
  if (job.description) {
    annotations['openshift.io/description'] = job.description;
  }
  const gpus = String(job.gpus);
  const memory = `${job.memoryGi}Gi`;
  const env: V1EnvVar[] = job.env.map(v =>
    v.valueFrom
      ? {
          name: v.name,
          valueFrom: {
            secretKeyRef: {
              name: v.valueFrom.secretKeyRef.name,
              key: v.valueFrom.secretKeyRef.key,
            },
          },
        }
      : { name: v.name, value: v.value },
  );
  const multiPod = job.pods > 1;
  const manifest: V1Job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: job.kubernetesName,
      namespace: job.namespace,
      labels: job.queue
        ? { ...labels, [KUEUE_QUEUE_LABEL]: job.queue }
        : labels,
      annotations,
    },
    spec: {
      ...(job.queue ? { suspend: true } : {}),
      ...(multiPod
        ? {
            completionMode: 'Indexed',
            completions: job.pods,
            parallelism: job.pods,
          }
        : { completions: 1, parallelism: 1 }),
      backoffLimit: job.retries,
      activeDeadlineSeconds: Math.max(
        1,
        Math.round(job.maxRuntimeHours * 3600),
      ),
      ttlSecondsAfterFinished: config.ttlSecondsAfterFinished,
      template: {
        metadata: {
          labels: {
            ...labels,
            [SECURITY_LEVEL_LABEL]: environment.securityLevel,
            [DATA_CLASSIFICATION_LABEL]: environment.dataClassification,
          },
          annotations,
        },
        spec: {
          restartPolicy: 'Never',
          ...(job.priorityClass
            ? { priorityClassName: job.priorityClass }
            : {}),
          nodeSelector: { [GPU_TYPE_LABEL]: job.gpuPool },
          tolerations: config.tolerations[job.gpuPool].map(t => ({ ...t })),
          automountServiceAccountToken: false,
          ...(multiPod ? { subdomain: job.kubernetesName } : {}),
          securityContext: {
            runAsNonRoot: true,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: JOB_CONTAINER,
              image: job.image,
              ...(job.command ? { command: job.command } : {}),
              ...(job.args ? { args: job.args } : {}),
              env,
              resources: {
                requests: {
                  cpu: cpuQuantity(job.cpu),
                  memory,
                  [GPU_RESOURCE]: gpus,
                },
                limits: {
                  cpu: cpuQuantity(job.cpu * LIMIT_TO_REQUEST_RATIO),
                  memory,
                  [GPU_RESOURCE]: gpus,
                },
              },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                runAsNonRoot: true,
                capabilities: { drop: ['ALL'] },
                seccompProfile: { type: 'RuntimeDefault' },
              },
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: {} }],
        },
      },
    },
  };
  return manifest;
}
