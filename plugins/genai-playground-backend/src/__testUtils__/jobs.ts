import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { KubeSim } from '@genai-portal/kube-sim';
import {
  BatchV1Api,
  CoreV1Api,
  KubeConfig,
  type V1Pod,
} from '@kubernetes/client-node';
import type { Knex } from 'knex';
import { readJobsConfig } from '../jobs/config';
import { createJobsCapability } from '../jobs/createJobsCapability';
import type { JobWatcher } from '../jobs/JobWatcher';
import { PermissionGate } from '../permissions/PermissionGate';
import {
  createServices,
  environmentRuleset,
  MEMBERSHIP,
  testConfigData,
  waitFor,
  type ServiceHarnessOptions,
} from './harness';
import { realPolicyPermissions } from './realPolicy';

/** The `genaiPlayground.jobs` section the job tests run with. */
export const TEST_JOBS_CONFIG = {
  allowedRegistries: [
    'registry.example.com/genai',
    'image-registry.openshift-image-registry.svc:5000',
  ],
  allowedPools: ['mi300x'],
  defaultRuntimeHours: 2,
  maxRuntimeHours: 24,
  maxPods: 4,
  maxRetries: 3,
  priorityClasses: ['genai-blueprint'],
  ttlSecondsAfterFinished: 3600,
  watch: { sessionSeconds: 60, resyncSeconds: 1 },
  submitGraceSeconds: 2,
};

export const TRAINER_IMAGE = 'registry.example.com/genai/trainer:1.0';

/** Typed client-node APIs on the sim, batch included. */
export function simBatchApis(sim: KubeSim) {
  const kc = new KubeConfig();
  kc.loadFromString(sim.kubeconfig);
  return {
    core: kc.makeApiClient(CoreV1Api),
    batch: kc.makeApiClient(BatchV1Api),
  };
}

export interface JobHarnessOptions extends ServiceHarnessOptions {
  jobs?: object;
  newId?: () => string;
}

/** The environment and job services made by the factories plugin.ts calls. */
export async function createJobServices(options: JobHarnessOptions) {
  const jobsSection = { ...TEST_JOBS_CONFIG, ...options.jobs };
  const s = await createServices({
    ...options,
    config: { ...options.config, jobs: jobsSection },
  });
  const jobsConfig = readJobsConfig(
    new ConfigReader(
      testConfigData(options.sim.url, options.sim.token, {
        ...options.config,
        jobs: jobsSection,
      }),
    ),
  );
  // The portal's real policy unless a test brings its own decisions.
  const permissions =
    options.permissions ??
    realPolicyPermissions({
      environments: s.store,
      membership: MEMBERSHIP,
    });
  const {
    service: jobs,
    store: jobStore,
    reconciler,
    watcher,
  } = await createJobsCapability({
    database: mockServices.database({ knex: options.knex as Knex }),
    environments: s.store,
    kube: s.kube,
    quota: s.quota,
    gate: new PermissionGate({ permissions, ruleset: environmentRuleset }),
    config: jobsConfig,
    cluster: s.config.cluster.name,
    logger: s.logger,
    clock: options.clock,
    newId: options.newId,
  });
  return { ...s, jobsConfig, jobStore, reconciler, jobs, watcher };
}

/** Runs a watcher session in the background; stop() ends it and waits. */
export function startWatcher(watcher: JobWatcher, durationMs = 120_000) {
  const controller = new AbortController();
  const done = watcher.runSession({ signal: controller.signal, durationMs });
  return {
    done,
    async stop() {
      controller.abort();
      await done;
    },
  };
}

/** The pods of a job on the sim. */
export async function podsOf(
  sim: KubeSim,
  namespace: string,
  jobId: string,
): Promise<V1Pod[]> {
  const { core } = simBatchApis(sim);
  return (
    await core.listNamespacedPod({
      namespace,
      labelSelector: `genai-playground.io/job-id=${jobId}`,
    })
  ).items;
}

export { waitFor };
