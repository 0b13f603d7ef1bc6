import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { genaiInsightsPermissions } from '@genai-portal/plugin-genai-insights-common';
import { BudgetService } from './budgets/BudgetService';
import { DatabaseBudgetStore } from './budgets/DatabaseBudgetStore';
import { readInsightsConfig } from './config';
import { DatabaseFactStore } from './facts/DatabaseFactStore';
import { DatabaseLedgerStore } from './ledger/DatabaseLedgerStore';
import { migrateDatabase } from './lib/migrateDatabase';
import { PLUGIN_ID } from './pluginId';
import { createRouter } from './router';

/**
 * The genai-insights backend plugin: the hourly cost ledger of the GenAI Playground, budgets
 * with forecasts, and exports. This file reads config, builds the stores and mounts the router.
 * @public
 */
export const genaiInsightsPlugin = createBackendPlugin({
  pluginId: PLUGIN_ID,
  register(env) {
    env.registerInit({
      deps: {
        rootConfig: coreServices.rootConfig,
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
      },
      async init(deps) {
        const { database } = deps;
        const config = readInsightsConfig(deps.rootConfig);
        deps.permissionsRegistry.addPermissions(genaiInsightsPermissions);

        await migrateDatabase(database);
        const facts = await DatabaseFactStore.create({ database });
        const ledger = await DatabaseLedgerStore.create({ database });
        const budgets = await DatabaseBudgetStore.create({ database });
        const budgetService = new BudgetService({
          budgets,
          facts,
          ledger,
          currency: config.currency,
          basis: config.chargeback,
        });

        deps.httpRouter.use(
          await createRouter({
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            auditor: deps.auditor,
            ledger,
            budgets,
            budgetService,
            currency: config.currency,
            chargeback: config.chargeback,
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
