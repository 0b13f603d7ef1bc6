import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import type { JSX } from 'react';
import {
  genaiInsightsApiRef,
  complianceRouteRef,
  costRouteRef,
  gpuRouteRef,
} from '@genai-portal/plugin-genai-insights-react';
import { GenaiInsightsClient } from './api';

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
    gpu: gpuRouteRef,
    compliance: complianceRouteRef,
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

/** The GPU utilization page, with a header; mount it at `/genai-insights/gpu`. @public */
export const GenaiInsightsGpuPage: () => JSX.Element =
  genaiInsightsPlugin.provide(
    createRoutableExtension({
      name: 'GenaiInsightsGpuPage',
      component: () => import('./components/GpuPage').then(m => m.GpuPage),
      mountPoint: gpuRouteRef,
    }),
  );

/** For `Group` entities: the team's GPUs' activity over the last 7 days. @public */
export const EntityGenaiTeamGpuCard: () => JSX.Element =
  genaiInsightsPlugin.provide(
    createComponentExtension({
      name: 'EntityGenaiTeamGpuCard',
      component: {
        lazy: () =>
          import('./components/EntityTeamGpuCard').then(
            m => m.EntityTeamGpuCard,
          ),
      },
    }),
  );

/** For `playground-environment` Resources: the environment's GPUs over the last 7 days. @public */
export const EntityGenaiEnvironmentGpuCard: () => JSX.Element =
  genaiInsightsPlugin.provide(
    createComponentExtension({
      name: 'EntityGenaiEnvironmentGpuCard',
      component: {
        lazy: () =>
          import('./components/EntityEnvironmentGpuCard').then(
            m => m.EntityEnvironmentGpuCard,
          ),
      },
    }),
  );

/** The compliance page, with a header; mount it at `/genai-insights/compliance`. @public */
export const GenaiInsightsCompliancePage: () => JSX.Element =
  genaiInsightsPlugin.provide(
    createRoutableExtension({
      name: 'GenaiInsightsCompliancePage',
      component: () =>
        import('./components/CompliancePage').then(m => m.CompliancePage),
      mountPoint: complianceRouteRef,
    }),
  );

/** For `playground-environment` Resources: the environment's compliance score and failing checks. @public */
export const EntityGenaiEnvironmentComplianceCard: () => JSX.Element =
  genaiInsightsPlugin.provide(
    createComponentExtension({
      name: 'EntityGenaiEnvironmentComplianceCard',
      component: {
        lazy: () =>
          import('./components/EntityEnvironmentComplianceCard').then(
            m => m.EntityEnvironmentComplianceCard,
          ),
      },
    }),
  );

/** For `Group` entities: the team's compliance score, levels and worst environments. @public */
export const EntityGenaiTeamComplianceCard: () => JSX.Element =
  genaiInsightsPlugin.provide(
    createComponentExtension({
      name: 'EntityGenaiTeamComplianceCard',
      component: {
        lazy: () =>
          import('./components/EntityTeamComplianceCard').then(
            m => m.EntityTeamComplianceCard,
          ),
      },
    }),
  );

/** For the platform's `System`: the platform's compliance score and its trend. @public */
export const EntityGenaiPlatformComplianceCard: () => JSX.Element =
  genaiInsightsPlugin.provide(
    createComponentExtension({
      name: 'EntityGenaiPlatformComplianceCard',
      component: {
        lazy: () =>
          import('./components/EntityPlatformComplianceCard').then(
            m => m.EntityPlatformComplianceCard,
          ),
      },
    }),
  );
