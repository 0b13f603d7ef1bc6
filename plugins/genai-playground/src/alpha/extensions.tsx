import {
  ApiBlueprint,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';
import MemoryIcon from '@material-ui/icons/Memory';
import ChatIcon from '@material-ui/icons/Chat';
import WorkIcon from '@material-ui/icons/Work';
import {
  GenaiPlaygroundFrontendClient,
  genaiPlaygroundApiRef,
} from '@genai-portal/plugin-genai-playground-react';
import { inferenceRouteRef, jobsRouteRef, rootRouteRef } from '../routes';

/** The client over discoveryApi and fetchApi. */
export const genaiPlaygroundApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: genaiPlaygroundApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new GenaiPlaygroundFrontendClient({ discoveryApi, fetchApi }),
    }),
});

/**
 * The environments list (`/genai-playground/environments`) and, below it, one environment
 * (`/genai-playground/environments/:id`). Its title and icon make the "GPU Playground" nav item.
 */
export const genaiPlaygroundPage = PageBlueprint.make({
  params: {
    path: '/genai-playground/environments',
    routeRef: rootRouteRef,
    title: 'GPU Playground',
    icon: <MemoryIcon fontSize="inherit" />,
    loader: () =>
      import('../components/GenaiPlaygroundPage').then(m => (
        <m.GenaiPlaygroundContent />
      )),
  },
});

/**
 * The blueprint jobs (`/genai-playground/jobs`), the submit form (`/genai-playground/jobs/submit`)
 * and one job (`/genai-playground/jobs/:id`). Its title and icon make the "GPU Jobs" nav item.
 */
export const genaiPlaygroundJobsPage = PageBlueprint.make({
  name: 'jobs',
  params: {
    path: '/genai-playground/jobs',
    routeRef: jobsRouteRef,
    title: 'GPU Jobs',
    icon: <WorkIcon fontSize="inherit" />,
    loader: () =>
      import('../components/JobsRootPage').then(m => <m.JobsRootContent />),
  },
});

/**
 * The inference playground (`/genai-playground/inference`): chat with the gateway's models,
 * compare two, and copy the code. Its title and icon make the "Inference Playground" nav item.
 */
export const genaiPlaygroundInferencePage = PageBlueprint.make({
  name: 'inference',
  params: {
    path: '/genai-playground/inference',
    routeRef: inferenceRouteRef,
    title: 'Inference Playground',
    icon: <ChatIcon fontSize="inherit" />,
    loader: () =>
      import('../components/InferencePage').then(m => <m.InferenceContent />),
  },
});

/** On environments (`playground-environment` Resources) and teams (Groups): their recent jobs. */
export const entityJobsCard = EntityCardBlueprint.make({
  name: 'jobs',
  params: {
    filter: {
      $any: [
        { kind: 'resource', 'spec.type': 'playground-environment' },
        { kind: 'group' },
      ],
    },
    loader: () =>
      import('../components/JobsEntityCard').then(m => <m.JobsEntityCard />),
  },
});

/** On `Resource` entities of type `playground-environment`: the environment behind it. */
export const entityEnvironmentCard = EntityCardBlueprint.make({
  name: 'environment',
  params: {
    filter: { kind: 'resource', 'spec.type': 'playground-environment' },
    loader: () =>
      import('../components/EntityEnvironmentCard').then(m => (
        <m.EntityEnvironmentCard />
      )),
  },
});

/** On `Group` entities: the team's quota, caps and environments. */
export const entityTeamQuotaCard = EntityCardBlueprint.make({
  name: 'team-quota',
  params: {
    filter: { kind: 'group' },
    loader: () =>
      import('../components/EntityTeamQuotaCard').then(m => (
        <m.EntityTeamQuotaCard />
      )),
  },
});

/** On `gpu-node-pool` Resources (that pool) and the `genai-playground` System (all pools). */
export const entityGpuPoolsCard = EntityCardBlueprint.make({
  name: 'gpu-pools',
  params: {
    filter: {
      $any: [
        { kind: 'resource', 'spec.type': 'gpu-node-pool' },
        { kind: 'system', 'metadata.name': 'genai-playground' },
      ],
    },
    loader: () =>
      import('../components/EntityGpuPoolsCard').then(m => (
        <m.EntityGpuPoolsCard />
      )),
  },
});

/** The `GenaiCostEstimate` scaffolder field (`ui:field: GenaiCostEstimate`). */
export const genaiCostEstimateField = FormFieldBlueprint.make({
  name: 'genai-cost-estimate',
  params: {
    field: () => import('./formField').then(m => m.genaiCostEstimateFormField),
  },
});
