import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import type { JSX } from 'react';
import { GenaiInsightsClient, genaiInsightsApiRef } from './api';
import { costRouteRef } from './routes';

/**
 * The GenAI Insights plugin for apps on the legacy frontend system. Apps on the new frontend
 * system use the default export of `@genai-portal/plugin-genai-insights/alpha` instead.
 * @public
 */
export const genaiInsightsPlugin = createPlugin({
  id: 'genai-insights',
  apis: [
    createApiFactory({
      api: genaiInsightsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new GenaiInsightsClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: {
    cost: costRouteRef,
  },
});

/** The cost page, with a header; mount it at `/genai-insights/cost`. @public */
export const GenaiInsightsCostPage: () => JSX.Element =
  genaiInsightsPlugin.provide(
    createRoutableExtension({
      name: 'GenaiInsightsCostPage',
      component: () => import('./components/CostPage').then(m => m.CostPage),
      mountPoint: costRouteRef,
    }),
  );

/** For `Group` entities: the team's cost this month against its budget. @public */
export const EntityGenaiTeamCostCard: () => JSX.Element =
  genaiInsightsPlugin.provide(
    createComponentExtension({
      name: 'EntityGenaiTeamCostCard',
      component: {
        lazy: () =>
          import('./components/EntityTeamCostCard').then(
            m => m.EntityTeamCostCard,
          ),
      },
    }),
  );

/** For `playground-environment` Resources: the environment's cost this month. @public */
export const EntityGenaiEnvironmentCostCard: () => JSX.Element =
  genaiInsightsPlugin.provide(
    createComponentExtension({
      name: 'EntityGenaiEnvironmentCostCard',
      component: {
        lazy: () =>
          import('./components/EntityEnvironmentCostCard').then(
            m => m.EntityEnvironmentCostCard,
          ),
      },
    }),
  );
