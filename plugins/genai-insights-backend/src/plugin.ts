import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import {
  genaiInsightsChecksExtensionPoint,
  genaiInsightsFactsExtensionPoint,
} from '@genai-portal/plugin-genai-insights-node';
import { createCheckRegistry } from './compliance/CheckRegistry';
import { createComplianceService } from './compliance/createComplianceService';
import { createHistoryCapability } from './compliance/history/createHistoryCapability';
import { createWaiverCapability } from './compliance/waivers/createWaiverCapability';
import { BudgetService } from './budgets/BudgetService';
import { DatabaseBudgetStore } from './budgets/DatabaseBudgetStore';
import { createCollectorCapability } from './collect/createCollectorCapability';
import { createGpuCapability } from './gpu/createGpuCapability';
import { createFactSourceRegistry } from './collect/factSources';
import { readInsightsConfig } from './config';
import { DatabaseFactStore } from './facts/DatabaseFactStore';
import { DatabaseLedgerStore } from './ledger/DatabaseLedgerStore';
import { DatabaseSavingsStore } from './ledger/DatabaseSavingsStore';
import { migrateDatabase } from './lib/migrateDatabase';
import { createNotificationsCapability } from './notify/createNotificationsCapability';
import { registerPermissions } from './permissions/registerPermissions';
import { PLUGIN_ID } from './pluginId';
import { createRouter } from './router';

/**
 * The genai-insights backend plugin: the hourly cost ledger of the GenAI Playground, budgets
 * with forecasts, exports, GPU utilization and compliance scorecards. This file reads config, builds the stores, schedules the tasks of
 * the collector and the budget notifications, and mounts the router.
 * @public
 */
export const genaiInsightsPlugin = createBackendPlugin({
  pluginId: PLUGIN_ID,
  register(env) {
    const factSources = createFactSourceRegistry();
    env.registerExtensionPoint(
      genaiInsightsFactsExtensionPoint,
      factSources.extensionPoint,
    );
    const checks = createCheckRegistry();
    env.registerExtensionPoint(
      genaiInsightsChecksExtensionPoint,
      checks.extensionPoint,
    );
    env.registerInit({
      deps: {
        rootConfig: coreServices.rootConfig,
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        notifications: notificationService,
      },
      async init(deps) {
        const { database } = deps;
        const config = readInsightsConfig(deps.rootConfig);
        const gate = registerPermissions({
          registry: deps.permissionsRegistry,
          permissions: deps.permissions,
        });

        await migrateDatabase(database);
        const facts = await DatabaseFactStore.create({ database });
        const ledger = await DatabaseLedgerStore.create({ database });
        const savings = await DatabaseSavingsStore.create({ database });
        const budgets = await DatabaseBudgetStore.create({ database });
        const budgetService = new BudgetService({
          budgets,
          facts,
          ledger,
          currency: config.currency,
          basis: config.chargeback,
        });
        // Keeping the ledger current, and telling people about budgets.
        const shared = { ...deps, config, facts, ledger, budgetService };
        const gpu = await createGpuCapability(shared);
        const waivers = await createWaiverCapability(shared);
        const compliance = createComplianceService({
          config,
          checks: checks.checks,
          logger: deps.logger,
          waivers: waivers.service,
          // The idle GPUs of the scan, while it runs (it needs Prometheus): gpu-not-idle.
          idleGpus: gpu.routes.prometheus ? gpu.routes.idle : undefined,
        });
        // The daily snapshots of the scorecards, for their trend.
        const history = await createHistoryCapability({
          ...shared,
          compliance,
        });
        const capabilities = [
          await createCollectorCapability({
            ...shared,
            sources: factSources.sources,
            // Idle GPUs held are left out of the used basis, while the idle scan runs.
            builtInSources: gpu.factSources,
          }),
          await createNotificationsCapability(shared),
          waivers,
          history,
          gpu,
        ];
        for (const task of capabilities.flatMap(c => c.tasks ?? [])) {
          await deps.scheduler.scheduleTask(task);
        }

        deps.httpRouter.use(
          await createRouter({
            httpAuth: deps.httpAuth,
            gate,
            auditor: deps.auditor,
            ledger,
            savings,
            budgets,
            budgetService,
            currency: config.currency,
            chargeback: config.chargeback,
            gpu: gpu.routes,
            compliance: {
              compliance,
              waivers: { service: waivers.service, auditor: deps.auditor },
              history: history.store,
            },
          }),
        );
        deps.httpRouter.addAuthPolicy({
          path: '/health',
          allow: 'unauthenticated',
        });
      },
    });
  },
});
