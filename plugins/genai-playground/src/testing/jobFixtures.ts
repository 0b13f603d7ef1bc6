import type {
  Job,
  JobSettings,
  JobWithDetails,
} from '@genai-portal/plugin-genai-playground-common';
import { NOW, settings } from './fixtures';

/** Test data for the jobs components. */

const minutesAgo = (minutes: number) =>
  new Date(NOW.getTime() - minutes * 60_000).toISOString();

export const jobSettings: JobSettings = {
  allowedRegistries: ['image-registry.openshift-image-registry.svc:5000'],
  allowedPools: ['mi300x'],
  defaultRuntimeHours: 4,
  maxRuntimeHours: 72,
  maxPods: 4,
  maxRetries: 6,
  priorityClasses: [],
};

export const settingsWithJobs = { ...settings, jobs: jobSettings };

export const IMAGE =
  'image-registry.openshift-image-registry.svc:5000/ml-research/llama-finetune:1.4';

export function makeJob(overrides: Partial<Job> = {}): Job {
  const id = overrides.id ?? 'j7k2m9x4q1ab';
  return {
    id,
    name: 'llama-lora',
    environmentId: 'ml-research-llama-finetune',
    namespace: 'ml-research-llama-finetune',
    cluster: 'kube-sim',
    team: 'group:default/ml-research',
    owner: 'user:default/guest',
    costCenter: 'CC-2100',
    gpuPool: 'mi300x',
    kubernetesName: `bp-${id}`,
    image: IMAGE,
    command: ['python', 'finetune.py'],
    env: [],
    gpus: 8,
    pods: 1,
    cpu: 8,
    memoryGi: 64,
    maxRuntimeHours: 4,
    retries: 0,
    status: 'Running',
    submittedAt: minutesAgo(30),
    startedAt: minutesAgo(29),
    updatedAt: minutesAgo(29),
    ...overrides,
  };
}

export function withJobDetails(
  job: Job,
  overrides: Partial<JobWithDetails> = {},
): JobWithDetails {
  return {
    ...job,
    timeline: [
      {
        at: job.submittedAt,
        status: 'Pending',
        message: 'submitted: admitted by the quota (8 of 8 GPUs)',
        actor: job.owner,
      },
      ...(job.startedAt
        ? [{ at: job.startedAt, status: 'Running' as const }]
        : []),
    ],
    events: [
      {
        type: 'Normal',
        reason: 'SuccessfulCreate',
        message: `Created pod: ${job.kubernetesName}-abcde`,
        object: `Job/${job.kubernetesName}`,
        count: 1,
        lastSeen: job.submittedAt,
      },
    ],
    podDetails: [
      {
        name: `${job.kubernetesName}-abcde`,
        phase: 'Running',
        node: 'gpu-mi300x-0',
        startedAt: job.startedAt,
        restarts: 0,
        containers: ['main'],
      },
    ],
    ...overrides,
  };
}
