import {
  ApiBlueprint,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import MonetizationOnIcon from '@material-ui/icons/MonetizationOn';
import { GenaiInsightsClient, genaiInsightsApiRef } from '../api';
import { costRouteRef } from '../routes';

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
