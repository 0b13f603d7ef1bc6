import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { createScaffolderFieldExtension } from '@backstage/plugin-scaffolder-react';
import {
  GenaiPlaygroundFrontendClient,
  genaiPlaygroundApiRef,
} from '@genai-portal/plugin-genai-playground-react';
import {
  GenaiCostEstimateField,
  GenaiCostEstimateFieldSchema,
  GENAI_COST_ESTIMATE_FIELD_NAME,
} from './components/CostEstimateField';
import {
  environmentRouteRef,
  inferenceRouteRef,
  jobRouteRef,
  jobsRouteRef,
  jobSubmitRouteRef,
  rootRouteRef,
} from './routes';

/**
 * The GPU Playground plugin for apps on the legacy frontend system. Apps on the new frontend
 * system use the default export of `@genai-portal/plugin-genai-playground/alpha` instead.
 * @public
 */
export const genaiPlaygroundPlugin = createPlugin({
  id: 'genai-playground',
  apis: [
    createApiFactory({
      api: genaiPlaygroundApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new GenaiPlaygroundFrontendClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: {
    root: rootRouteRef,
    environment: environmentRouteRef,
    jobs: jobsRouteRef,
    job: jobRouteRef,
    jobSubmit: jobSubmitRouteRef,
    inference: inferenceRouteRef,
  },
});

/**
 * The environments list and environment pages, with a header; mount it at
 * `/genai-playground/environments`.
 * @public
 */
export const GenaiPlaygroundPage = genaiPlaygroundPlugin.provide(
  createRoutableExtension({
    name: 'GenaiPlaygroundPage',
    component: () =>
      import('./components/GenaiPlaygroundPage').then(
        m => m.GenaiPlaygroundPage,
      ),
    mountPoint: rootRouteRef,
  }),
);

/**
 * The blueprint jobs list, submit form and job pages, with a header; mount it at
 * `/genai-playground/jobs`.
 * @public
 */
export const GenaiPlaygroundJobsPage = genaiPlaygroundPlugin.provide(
  createRoutableExtension({
    name: 'GenaiPlaygroundJobsPage',
    component: () =>
      import('./components/JobsRootPage').then(m => m.JobsRootPage),
    mountPoint: jobsRouteRef,
  }),
);

/**
 * The inference playground, with a header; mount it at `/genai-playground/inference`.
 * @public
 */
export const GenaiPlaygroundInferencePage = genaiPlaygroundPlugin.provide(
  createRoutableExtension({
    name: 'GenaiPlaygroundInferencePage',
    component: () =>
      import('./components/InferencePage').then(m => m.InferenceRootPage),
    mountPoint: inferenceRouteRef,
  }),
);

/** For environments (`playground-environment` Resources) and Groups: recent jobs. @public */
export const EntityGenaiJobsCard = genaiPlaygroundPlugin.provide(
  createComponentExtension({
    name: 'EntityGenaiJobsCard',
    component: {
      lazy: () =>
        import('./components/JobsEntityCard').then(m => m.JobsEntityCard),
    },
  }),
);

/** For `Resource` entities of type `playground-environment`. @public */
export const EntityGenaiEnvironmentCard = genaiPlaygroundPlugin.provide(
  createComponentExtension({
    name: 'EntityGenaiEnvironmentCard',
    component: {
      lazy: () =>
        import('./components/EntityEnvironmentCard').then(
          m => m.EntityEnvironmentCard,
        ),
    },
  }),
);

/** For `Group` entities: the team's quota, caps and environments. @public */
export const EntityGenaiTeamQuotaCard = genaiPlaygroundPlugin.provide(
  createComponentExtension({
    name: 'EntityGenaiTeamQuotaCard',
    component: {
      lazy: () =>
        import('./components/EntityTeamQuotaCard').then(
          m => m.EntityTeamQuotaCard,
        ),
    },
  }),
);

/** For `gpu-node-pool` Resources (one pool) and the `genai-playground` System (all pools). @public */
export const EntityGenaiGpuPoolsCard = genaiPlaygroundPlugin.provide(
  createComponentExtension({
    name: 'EntityGenaiGpuPoolsCard',
    component: {
      lazy: () =>
        import('./components/EntityGpuPoolsCard').then(
          m => m.EntityGpuPoolsCard,
        ),
    },
  }),
);

/** The GPU pools card, for a home page or any other page. @public */
export const GenaiGpuPoolsCard = genaiPlaygroundPlugin.provide(
  createComponentExtension({
    name: 'GenaiGpuPoolsCard',
    component: {
      lazy: () => import('./components/GpuPoolsCard').then(m => m.GpuPoolsCard),
    },
  }),
);

/**
 * The `GenaiCostEstimate` scaffolder field, for `<ScaffolderFieldExtensions>` in a legacy app.
 * @public
 */
export const GenaiCostEstimateFieldExtension = genaiPlaygroundPlugin.provide(
  createScaffolderFieldExtension({
    name: GENAI_COST_ESTIMATE_FIELD_NAME,
    component: GenaiCostEstimateField,
    schema: GenaiCostEstimateFieldSchema.schema,
  }),
);
