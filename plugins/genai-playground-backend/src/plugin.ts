import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { readPlaygroundConfig, toSettings } from './config';
import { createEnvironmentsCapability } from './environments/createEnvironmentsCapability';
import { DatabaseEnvironmentStore } from './environments/DatabaseEnvironmentStore';
import { createFactsCapability } from './facts/createFactsCapability';
import { readInferenceConfig } from './inference/config';
import { createInferenceCapability } from './inference/createInferenceCapability';
import { readJobsConfig, toJobSettings } from './jobs/config';
import { createJobsCapability } from './jobs/createJobsCapability';
import { KubernetesClient } from './kubernetes/KubernetesClient';
import { migrateDatabase } from './lib/migrateDatabase';
import { useSqliteWriteAheadLog } from './lib/useSqliteWriteAheadLog';
import { registerPermissions } from './permissions/registerPermissions';
import { PLUGIN_ID } from './pluginId';
import { createQuotaCapability } from './quota/createQuotaCapability';
import { createRouter } from './router';

/**
 * The genai-playground backend plugin: playground environments with GPU quotas and leases, GPU
 * jobs, and the inference gateway. Each capability's factory builds its services, routes and
 * tasks; this file reads config, calls them in dependency order and mounts what they return.
 * @public
 */
export const genaiPlaygroundPlugin = createBackendPlugin({
  pluginId: PLUGIN_ID,
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
        const { database, httpRouter } = deps;
        const config = readPlaygroundConfig(deps.rootConfig);
        const inferenceConfig = readInferenceConfig(deps.rootConfig);
        const jobsConfig = readJobsConfig(deps.rootConfig);
        await migrateDatabase(database);
        if (config.database.sqliteWriteAheadLog) {
          await useSqliteWriteAheadLog(await database.getClient());
        }
        const kube = KubernetesClient.create({
          cluster: config.cluster,
          ...config.kubernetes,
          logger: deps.logger,
        });
        // Environment records: what every capability's permissions and checks are about.
        const store = await DatabaseEnvironmentStore.create({ database });
        const gate = registerPermissions({
          registry: deps.permissionsRegistry,
          permissions: deps.permissions,
          store,
        });
        const shared = { ...deps, kube, gate, environments: store };

        const quota = createQuotaCapability({ ...shared, store, config });
        const inference = await createInferenceCapability({
          ...shared,
          config: inferenceConfig,
        });
        const environments = createEnvironmentsCapability({
          ...shared,
          store,
          quota: quota.service,
          config,
          keys: inference.gateway.keyStore,
        });
        const jobs = await createJobsCapability({
          ...shared,
          quota: quota.service,
          config: jobsConfig,
          cluster: config.cluster.name,
        });
        const facts = await createFactsCapability({
          ...shared,
          usageFlushMs: inferenceConfig.metering.flushIntervalMs,
        });

        for (const capability of [
          quota,
          inference,
          environments,
          jobs,
          facts,
        ]) {
          for (const task of capability.tasks ?? []) {
            await deps.scheduler.scheduleTask(task);
          }
          capability.routes?.forEach(route => httpRouter.use(route));
          capability.authPolicies?.forEach(p => httpRouter.addAuthPolicy(p));
        }
        const settings = {
          ...toSettings(config),
          jobs: toJobSettings(jobsConfig),
        };
        httpRouter.use(
          await createRouter({
            ...deps,
            environments: environments.service,
            quota: quota.reader,
            settings,
            jobs: jobs.service,
            inference: inference.gateway,
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
