import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { readPlaygroundConfig, toSettings } from './config';
import { DatabaseEnvironmentStore } from './environments/DatabaseEnvironmentStore';
import { EnvironmentProvisioner } from './environments/EnvironmentProvisioner';
import { EnvironmentService } from './environments/EnvironmentService';
import { TeamDirectory } from './environments/teams';
import { readJobsConfig, toJobSettings } from './jobs/config';
import { DatabaseJobStore } from './jobs/DatabaseJobStore';
import { JobReconciler } from './jobs/JobReconciler';
import { JobService } from './jobs/JobService';
import { JobWatcher } from './jobs/JobWatcher';
import { readInferenceConfig } from './inference/config';
import { InferenceGateway } from './inference/InferenceGateway';
import { DatabaseApiKeyStore } from './keys/DatabaseApiKeyStore';
import { KubernetesClient } from './kubernetes/KubernetesClient';
import { registerPermissions } from './permissions/register';
import { environmentResourceRef } from './permissions/rules';
import { PermissionGate } from './permissions/PermissionGate';
import { QuotaReader } from './quota/QuotaReader';
import { QuotaService } from './quota/QuotaService';
import { createRouter } from './router';

/**
 * The genai-playground backend plugin: playground environments with GPU quotas and leases.
 * @public
 */
export const genaiPlaygroundPlugin = createBackendPlugin({
  pluginId: 'genai-playground',
  register(env) {
    env.registerInit({
      deps: {
        rootConfig: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        userInfo: coreServices.userInfo,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        scheduler: coreServices.scheduler,
        cache: coreServices.cache,
        lifecycle: coreServices.lifecycle,
        catalog: catalogServiceRef,
        notifications: notificationService,
        events: eventsServiceRef,
      },
      async init(deps) {
        const { logger, httpRouter, permissionsRegistry, scheduler } = deps;
        const config = readPlaygroundConfig(deps.rootConfig);
        const kube = KubernetesClient.create({
          cluster: config.cluster,
          ...config.kubernetes,
          logger,
        });
        const store = await DatabaseEnvironmentStore.create({
          database: deps.database,
        });
        registerPermissions(permissionsRegistry, store);
        const quota = QuotaService.create({
          kube,
          store,
          cache: deps.cache,
          config,
        });
        const teams = new TeamDirectory(deps.catalog, deps.userInfo);
        const gate = new PermissionGate({
          permissions: deps.permissions,
          ruleset: permissionsRegistry.getPermissionRuleset(
            environmentResourceRef,
          ),
        });
        const environments = EnvironmentService.create({
          store,
          provisioner: EnvironmentProvisioner.create({ kube, config, logger }),
          quota,
          teams,
          permissions: deps.permissions,
          ruleset: permissionsRegistry.getPermissionRuleset(
            environmentResourceRef,
          ),
          events: deps.events,
          notifications: deps.notifications,
          auditor: deps.auditor,
          config,
          logger,
          keys: await DatabaseApiKeyStore.create({ database: deps.database }),
        });

        await scheduler.scheduleTask({
          id: 'genai-playground-lease-check',
          frequency: { minutes: 1 },
          timeout: { minutes: 5 },
          initialDelay: { seconds: 30 },
          scope: 'global',
          fn: async () => {
            const { notified, expired } = await environments.runLeaseCheck();
            if (notified.length || expired.length) {
              logger.info(
                `Lease check: notified ${notified.length}, deleted ${expired.length} expired environments`,
              );
            }
          },
        });

        const inferenceConfig = readInferenceConfig(deps.rootConfig);
        const inference = await InferenceGateway.create({
          config: inferenceConfig,
          database: deps.database,
          environments: store,
          kube,
          httpAuth: deps.httpAuth,
          userInfo: deps.userInfo,
          permissions: deps.permissions,
          gate,
          logger,
        });
        await inference.start(deps);
        // The gateway (/v1, /metrics) reads its own bodies: mounted before the JSON parser.
        httpRouter.use(inference.metricsMiddleware());
        httpRouter.use(inference.gatewayRouter());
        const jobsConfig = readJobsConfig(deps.rootConfig);
        const jobStore = await DatabaseJobStore.create({
          database: deps.database,
        });
        const jobReconciler = new JobReconciler({
          store: jobStore,
          kube,
          config: jobsConfig,
          logger,
        });
        const jobs = JobService.create({
          store: jobStore,
          environments: store,
          kube,
          quota,
          permissions: deps.permissions,
          ruleset: permissionsRegistry.getPermissionRuleset(
            environmentResourceRef,
          ),
          reconciler: jobReconciler,
          config: jobsConfig,
          cluster: config.cluster.name,
          logger,
        });
        const jobWatcher = new JobWatcher({
          store: jobStore,
          kube,
          reconciler: jobReconciler,
          config: jobsConfig,
          logger,
        });
        // One replica watches at a time (a global task); each run is one watch session that
        // re-lists and reconciles every unfinished job first, so a restart loses nothing.
        const { sessionSeconds } = jobsConfig.watch;
        await scheduler.scheduleTask({
          id: 'genai-playground-job-watch',
          frequency: { seconds: 5 },
          timeout: { seconds: Math.ceil(sessionSeconds) + 60 },
          initialDelay: { seconds: 1 },
          scope: 'global',
          fn: async signal => {
            await jobWatcher.runSession({
              signal: signal ?? new AbortController().signal,
              durationMs: sessionSeconds * 1000,
            });
          },
        });

        httpRouter.use(
          await createRouter({
            httpAuth: deps.httpAuth,
            auditor: deps.auditor,
            environments,
            quota: QuotaReader.create({ permissions: deps.permissions, quota }),
            settings: {
              ...toSettings(config),
              jobs: toJobSettings(jobsConfig),
            },
            jobs,
            inference,
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        // The gateway authenticates its callers itself (API keys or Backstage user tokens).
        httpRouter.addAuthPolicy({ path: '/v1', allow: 'unauthenticated' });
        if (inferenceConfig.metrics.public) {
          httpRouter.addAuthPolicy({
            path: '/metrics',
            allow: 'unauthenticated',
          });
        }
      },
    });
  },
});
