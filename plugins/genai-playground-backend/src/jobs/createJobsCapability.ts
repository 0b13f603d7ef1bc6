import type { DatabaseService } from '@backstage/backend-plugin-api';
import type { Capability } from '../lib/Capability';
import { DatabaseJobStore } from './DatabaseJobStore';
import { JobReconciler } from './JobReconciler';
import { JobService, type JobServiceOptions } from './JobService';
import { JobWatcher } from './JobWatcher';

export interface JobsCapabilityOptions
  extends Omit<JobServiceOptions, 'store' | 'reconciler'> {
  /** The plugin's database, migrated. */
  database: DatabaseService;
}

/**
 * Blueprint GPU jobs: Kubernetes Jobs submitted into environments (`service`), their records
 * (`store`), and the watch that keeps the records in step with the cluster (a task).
 */
export async function createJobsCapability(
  options: JobsCapabilityOptions,
): Promise<
  Capability & {
    service: JobService;
    store: DatabaseJobStore;
    reconciler: JobReconciler;
    watcher: JobWatcher;
  }
> {
  const { database, ...serviceOptions } = options;
  const { kube, config, logger, clock } = options;
  const store = await DatabaseJobStore.create({ database });
  const reconciler = new JobReconciler({ store, kube, config, logger, clock });
  const service = JobService.create({ ...serviceOptions, store, reconciler });
  const watcher = new JobWatcher({ store, kube, reconciler, config, logger });
  // One replica watches at a time (a global task); each run is one watch session that re-lists
  // and reconciles every unfinished job first, so a restart loses nothing.
  const { sessionSeconds } = config.watch;
  return {
    service,
    store,
    reconciler,
    watcher,
    tasks: [
      {
        id: 'genai-playground-job-watch',
        frequency: { seconds: 5 },
        timeout: { seconds: Math.ceil(sessionSeconds) + 60 },
        initialDelay: { seconds: 1 },
        scope: 'global',
        fn: async signal => {
          await watcher.runSession({
            signal: signal ?? new AbortController().signal,
            durationMs: sessionSeconds * 1000,
          });
        },
      },
    ],
  };
}
