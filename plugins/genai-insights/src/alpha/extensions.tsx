import {
  ApiBlueprint,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import DeveloperBoardIcon from '@material-ui/icons/DeveloperBoard';
import MonetizationOnIcon from '@material-ui/icons/MonetizationOn';
import VerifiedUserIcon from '@material-ui/icons/VerifiedUser';
import {
  genaiInsightsApiRef,
  complianceRouteRef,
  costRouteRef,
  gpuRouteRef,
} from '@genai-portal/plugin-genai-insights-react';
import { GenaiInsightsClient } from '../api';
import { isPlatformSystemEntity } from '../lib/entities';

/** The client over discoveryApi and fetchApi. */
export const genaiInsightsApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: genaiInsightsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new GenaiInsightsClient({ discoveryApi, fetchApi }),
    }),
});

/**
 * The cost page (`/genai-insights/cost`, `?team=` picks teams). Its title and icon make the
 * "Cost" nav item. The page (and the chart library with it) loads only when opened.
 */
export const genaiInsightsCostPage = PageBlueprint.make({
  name: 'cost',
  params: {
    path: '/genai-insights/cost',
    routeRef: costRouteRef,
    title: 'Cost',
    icon: <MonetizationOnIcon fontSize="inherit" />,
    loader: () =>
      import('../components/CostPage').then(m => <m.CostPageContent />),
  },
});

/** On `Group` entities: the team's month to date against its budget, and the forecast. */
export const entityTeamCostCard = EntityCardBlueprint.make({
  name: 'team-cost',
  params: {
    filter: { kind: 'group' },
    loader: () =>
      import('../components/EntityTeamCostCard').then(m => (
        <m.EntityTeamCostCard />
      )),
  },
});

/** On `playground-environment` Resources: the environment's cost this month and its budget. */
export const entityEnvironmentCostCard = EntityCardBlueprint.make({
  name: 'environment-cost',
  params: {
    filter: { kind: 'resource', 'spec.type': 'playground-environment' },
    loader: () =>
      import('../components/EntityEnvironmentCostCard').then(m => (
        <m.EntityEnvironmentCostCard />
      )),
  },
});

/**
 * The GPU utilization page (`/genai-insights/gpu`, `?team=` picks teams). Its title and icon make
 * the "GPU utilization" nav item. The page (and the chart library with it) loads only when opened.
 */
export const genaiInsightsGpuPage = PageBlueprint.make({
  name: 'gpu',
  params: {
    path: '/genai-insights/gpu',
    routeRef: gpuRouteRef,
    title: 'GPU utilization',
    icon: <DeveloperBoardIcon fontSize="inherit" />,
    loader: () =>
      import('../components/GpuPage').then(m => <m.GpuPageContent />),
  },
});

/** On `Group` entities: the team's GPUs' activity and GPU-hours over the last 7 days. */
export const entityTeamGpuCard = EntityCardBlueprint.make({
  name: 'team-gpu',
  params: {
    filter: { kind: 'group' },
    loader: () =>
      import('../components/EntityTeamGpuCard').then(m => (
        <m.EntityTeamGpuCard />
      )),
  },
});

/** On `playground-environment` Resources: the environment's GPUs over the last 7 days. */
export const entityEnvironmentGpuCard = EntityCardBlueprint.make({
  name: 'environment-gpu',
  params: {
    filter: { kind: 'resource', 'spec.type': 'playground-environment' },
    loader: () =>
      import('../components/EntityEnvironmentGpuCard').then(m => (
        <m.EntityEnvironmentGpuCard />
      )),
  },
});

/**
 * The compliance page (`/genai-insights/compliance`, `?team=` picks teams). Its title and icon
 * make the "Compliance" nav item. The page (and the chart library with it) loads only when opened.
 */
export const genaiInsightsCompliancePage = PageBlueprint.make({
  name: 'compliance',
  params: {
    path: '/genai-insights/compliance',
    routeRef: complianceRouteRef,
    title: 'Compliance',
    icon: <VerifiedUserIcon fontSize="inherit" />,
    loader: () =>
      import('../components/CompliancePage').then(m => (
        <m.CompliancePageContent />
      )),
  },
});

/** On `playground-environment` Resources: the environment's score, level and failing checks. */
export const entityEnvironmentComplianceCard = EntityCardBlueprint.make({
  name: 'environment-compliance',
  params: {
    filter: { kind: 'resource', 'spec.type': 'playground-environment' },
    loader: () =>
      import('../components/EntityEnvironmentComplianceCard').then(m => (
        <m.EntityEnvironmentComplianceCard />
      )),
  },
});

/** On `Group` entities: the team's score, levels and lowest scoring environments. */
export const entityTeamComplianceCard = EntityCardBlueprint.make({
  name: 'team-compliance',
  params: {
    filter: { kind: 'group' },
    loader: () =>
      import('../components/EntityTeamComplianceCard').then(m => (
        <m.EntityTeamComplianceCard />
      )),
  },
});

/** On the platform's `System`: the platform's score against its target, and its trend. */
export const entityPlatformComplianceCard = EntityCardBlueprint.make({
  name: 'platform-compliance',
  params: {
    filter: isPlatformSystemEntity,
    loader: () =>
      import('../components/EntityPlatformComplianceCard').then(m => (
        <m.EntityPlatformComplianceCard />
      )),
  },
});
