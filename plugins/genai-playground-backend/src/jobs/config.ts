import type { Config } from '@backstage/config';
import {
  DNS1123_SUBDOMAIN,
  GPU_POOLS,
  type GpuPool,
  type JobSettings,
} from '@genai-portal/plugin-genai-playground-common';
import type { V1Toleration } from '@kubernetes/client-node';
import { ConfigProblem, readNumber } from '../lib/configReader';

const KEY = 'genaiPlayground.jobs';

/** Everything blueprint jobs read from `genaiPlayground.jobs`, validated. */
export interface JobsConfig {
  /** Registry hosts, or host/path prefixes, images may come from; normalised (no trailing /). */
  allowedRegistries: string[];
  allowedPools: GpuPool[];
  defaultRuntimeHours: number;
  maxRuntimeHours: number;
  maxPods: number;
  maxRetries: number;
  priorityClasses: string[];
  defaultPriorityClass?: string;
  ttlSecondsAfterFinished: number;
  /** Tolerations a job's pods get, by GPU pool (the pool nodes' taints). */
  tolerations: Record<GpuPool, V1Toleration[]>;
  watch: {
    /** How long one watch session of the single watcher lasts before it lists afresh. */
    sessionSeconds: number;
    /** How often, within a session, every unfinished job is checked against the cluster. */
    resyncSeconds: number;
    /** The server closes a watch after this long; it is resumed from the last resourceVersion. */
    timeoutSeconds: number;
  };
  /** How long a job may stay "submitting" (its Job never confirmed) before it is failed. */
  submitGraceSeconds: number;
}

/** The taint the platform puts on GPU nodes (kube-sim's default fleet does too). */
export const DEFAULT_GPU_TOLERATIONS: V1Toleration[] = [
  { key: 'amd.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
];

/** A problem at `genaiPlayground.jobs.<key>`. */
const problem = (key: string, message: string) =>
  new ConfigProblem(`${KEY}.${key}`, message);

function positive(
  config: Config | undefined,
  key: string,
  fallback: number,
  integer = false,
): number {
  return readNumber(config, key, {
    key: `${KEY}.${key}`,
    fallback,
    above: 0,
    integer,
  });
}

function readTolerations(config: Config | undefined) {
  const tolerations = {} as Record<GpuPool, V1Toleration[]>;
  for (const pool of GPU_POOLS) {
    const list = config?.getOptionalConfigArray(pool);
    tolerations[pool] = list
      ? list.map((t, i) => {
          const operator = t.getOptionalString('operator') ?? 'Equal';
          if (operator !== 'Equal' && operator !== 'Exists') {
            throw problem(
              `tolerations.${pool}[${i}].operator`,
              `must be Equal or Exists, got '${operator}'`,
            );
          }
          const toleration: V1Toleration = { operator };
          const key = t.getOptionalString('key');
          const value = t.getOptionalString('value');
          const effect = t.getOptionalString('effect');
          if (key) toleration.key = key;
          if (value) toleration.value = value;
          if (effect) toleration.effect = effect;
          return toleration;
        })
      : DEFAULT_GPU_TOLERATIONS;
  }
  return tolerations;
}

/**
 * Reads `genaiPlayground.jobs`. Every key has a default, so a portal without the section runs
 * jobs on the MI300X pool from the OpenShift internal registry only.
 */
export function readJobsConfig(root: Config): JobsConfig {
  const config = root.getOptionalConfig(KEY);
  const allowedRegistries = (
    config?.getOptionalStringArray('allowedRegistries') ?? [
      'image-registry.openshift-image-registry.svc:5000',
    ]
  ).map((r, i) => {
    const normalised = r.trim().replace(/\/+$/, '');
    if (!normalised || /\s|:\/\//.test(normalised)) {
      throw problem(
        `allowedRegistries[${i}]`,
        `must be a registry host or host/path prefix such as registry.example.com/ml, got '${r}'`,
      );
    }
    return normalised;
  });
  const allowedPools = (
    config?.getOptionalStringArray('allowedPools') ?? ['mi300x']
  ).map((p, i) => {
    if (!(GPU_POOLS as readonly string[]).includes(p)) {
      throw problem(
        `allowedPools[${i}]`,
        `must be one of ${GPU_POOLS.join(', ')}, got '${p}'`,
      );
    }
    return p as GpuPool;
  });
  const maxRuntimeHours = positive(config, 'maxRuntimeHours', 72);
  const defaultRuntimeHours = positive(
    config,
    'defaultRuntimeHours',
    Math.min(4, maxRuntimeHours),
  );
  if (defaultRuntimeHours > maxRuntimeHours) {
    throw problem(
      'defaultRuntimeHours',
      `${defaultRuntimeHours} is above maxRuntimeHours (${maxRuntimeHours})`,
    );
  }
  const priorityClasses =
    config?.getOptionalStringArray('priorityClasses') ?? [];
  priorityClasses.forEach((p, i) => {
    if (!DNS1123_SUBDOMAIN.test(p)) {
      throw problem(
        `priorityClasses[${i}]`,
        `must be a PriorityClass name, got '${p}'`,
      );
    }
  });
  const defaultPriorityClass = config?.getOptionalString(
    'defaultPriorityClass',
  );
  if (defaultPriorityClass && !priorityClasses.includes(defaultPriorityClass)) {
    throw problem(
      'defaultPriorityClass',
      `'${defaultPriorityClass}' is not one of priorityClasses`,
    );
  }
  const maxRetries = config?.getOptionalNumber('maxRetries') ?? 6;
  if (!Number.isInteger(maxRetries) || maxRetries < 0) {
    throw problem(
      'maxRetries',
      `must be a whole number of at least 0, got ${maxRetries}`,
    );
  }
  const watch = config?.getOptionalConfig('watch');
  return {
    allowedRegistries,
    allowedPools,
    defaultRuntimeHours,
    maxRuntimeHours,
    maxPods: positive(config, 'maxPods', 8, true),
    maxRetries,
    priorityClasses,
    defaultPriorityClass,
    ttlSecondsAfterFinished: positive(
      config,
      'ttlSecondsAfterFinished',
      86_400,
      true,
    ),
    tolerations: readTolerations(config?.getOptionalConfig('tolerations')),
    watch: {
      sessionSeconds: positive(watch, 'sessionSeconds', 60),
      resyncSeconds: positive(watch, 'resyncSeconds', 15),
      timeoutSeconds: positive(watch, 'timeoutSeconds', 300, true),
    },
    submitGraceSeconds: positive(config, 'submitGraceSeconds', 300),
  };
}

/** What GET /settings says about jobs. */
export function toJobSettings(config: JobsConfig): JobSettings {
  const settings: JobSettings = {
    allowedRegistries: config.allowedRegistries,
    allowedPools: config.allowedPools,
    defaultRuntimeHours: config.defaultRuntimeHours,
    maxRuntimeHours: config.maxRuntimeHours,
    maxPods: config.maxPods,
    maxRetries: config.maxRetries,
    priorityClasses: config.priorityClasses,
  };
  if (config.defaultPriorityClass) {
    settings.defaultPriorityClass = config.defaultPriorityClass;
  }
  return settings;
}
