import type {
  PermissionsRegistryService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { isResourcePermission } from '@backstage/plugin-permission-common';
import {
  genaiInsightsPermissions,
  INSIGHTS_TEAM_RESOURCE_TYPE,
} from '@genai-portal/plugin-genai-insights-common';
import {
  insightsTeamPermissionRules,
  insightsTeamResourceRef,
  teamKey,
} from './rules';
import { TeamScopeGate } from './TeamScopeGate';

/**
 * Registers the plugin's permissions and the resource type `genai-insights-team` with its rule
 * (IS_TEAM); the permission backend loads a team by its group ref as `{ team }` to apply
 * conditions. Returns the gate the routes ask the policy through, applying conditions with the
 * registry's rules.
 */
export function registerPermissions(options: {
  registry: PermissionsRegistryService;
  permissions: PermissionsService;
}): TeamScopeGate {
  const { registry } = options;
  const isTeamPermission = (p: (typeof genaiInsightsPermissions)[number]) =>
    isResourcePermission(p, INSIGHTS_TEAM_RESOURCE_TYPE);
  registry.addPermissions(
    genaiInsightsPermissions.filter(p => !isTeamPermission(p)),
  );
  registry.addResourceType({
    resourceRef: insightsTeamResourceRef,
    permissions: genaiInsightsPermissions.filter(isTeamPermission),
    rules: insightsTeamPermissionRules,
    // A team needs no loading: its ref is all the rules look at.
    getResources: async refs =>
      refs.map(ref => {
        const team = teamKey(ref);
        return team ? { team } : undefined;
      }),
  });
  return new TeamScopeGate({
    permissions: options.permissions,
    ruleset: registry.getPermissionRuleset(insightsTeamResourceRef),
  });
}
