import { RootConfigService } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  AuthorizeResult,
  isPermission,
  isResourcePermission,
  type Permission,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import type {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  budgetManagePermission,
  complianceReadPermission,
  complianceWaivePermission,
  costCenterBudgetManagePermission,
  costReadPermission,
  gpuReadPermission,
  INSIGHTS_TEAM_RESOURCE_TYPE,
} from '@genai-portal/plugin-genai-insights-common';
import {
  ENVIRONMENT_RESOURCE_TYPE,
  inferenceUsePermission,
  kubernetesWorkloadsReadPermission,
  quotaReadPermission,
} from '@genai-portal/plugin-genai-playground-common';
import { backstageDecisions, type UserScope } from './backstageDecisions';
import {
  insightsTeams,
  ownedCatalogEntities,
  teamEnvironments,
} from './conditions';
import type { TeamLeads } from './TeamLeads';

/** Admins when `genaiPlayground.adminGroups` is not configured. @public */
export const DEFAULT_ADMIN_GROUPS = ['group:default/platform-team'];

const ALLOW: PolicyDecision = { result: AuthorizeResult.ALLOW };
const DENY: PolicyDecision = { result: AuthorizeResult.DENY };

function groupRef(ref: string): string {
  return stringifyEntityRef(
    parseEntityRef(ref, { defaultKind: 'group', defaultNamespace: 'default' }),
  );
}

/** Reading: leads reach the teams they lead as well as their own. */
function isRead(permission: Permission): boolean {
  return permission.attributes.action === 'read';
}

/**
 * The portal's permission policy: deny by default.
 *
 * - A service principal (no user: another plugin, a scaffolder action's backend call, the
 *   scrape token) is allowed; what an external token may reach is narrowed by its
 *   `accessRestrictions` in config.
 * - Members of the admin groups (`genaiPlayground.adminGroups`) may do everything. Admins are
 *   decided here only: the backend asks, it never reads the admin groups.
 * - Playground permissions on environments (create, read, extend, delete, use, jobs, API keys,
 *   model deploys, usage) are conditional on the environment's team: the user's teams; for reads
 *   also the teams they lead. Leaving a team ends every right in its environments, the ones the
 *   user created included.
 * - Costs (genai-insights) are conditional on the team: members and leads read their teams'
 *   costs and budgets, and their GPU utilization (`genai-insights.gpu.read`); only leads set
 *   their teams' budgets; cost-center budgets, which span teams, are the admins'.
 * - Quotas and the gateway are open to every signed-in user; metrics are the scraper's and admins'.
 * - Backstage's own plugins get the explicit list in backstageDecisions; anything else is denied.
 * @public
 */
export class GenaiPlaygroundPermissionPolicy implements PermissionPolicy {
  readonly #adminGroups: Set<string>;
  readonly #leads: TeamLeads;

  static fromConfig(
    config: RootConfigService,
    options: { leads: TeamLeads },
  ): GenaiPlaygroundPermissionPolicy {
    return new GenaiPlaygroundPermissionPolicy({
      adminGroups:
        config.getOptionalStringArray('genaiPlayground.adminGroups') ??
        DEFAULT_ADMIN_GROUPS,
      leads: options.leads,
    });
  }

  constructor(options: { adminGroups: string[]; leads: TeamLeads }) {
    this.#adminGroups = new Set(options.adminGroups.map(groupRef));
    this.#leads = options.leads;
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (!user) return ALLOW;
    const { userEntityRef, ownershipEntityRefs } = user.info;
    if (ownershipEntityRefs.some(ref => this.#adminGroups.has(ref))) {
      return ALLOW;
    }
    const scope: UserScope = {
      userEntityRef,
      groups: ownershipEntityRefs.filter(ref => ref.startsWith('group:')),
    };
    const { permission } = request;

    if (isResourcePermission(permission, ENVIRONMENT_RESOURCE_TYPE)) {
      return teamEnvironments(
        isRead(permission) ? await this.#withLedTeams(scope) : scope.groups,
      );
    }
    if (isResourcePermission(permission, INSIGHTS_TEAM_RESOURCE_TYPE)) {
      if (
        isPermission(permission, costReadPermission) ||
        isPermission(permission, gpuReadPermission) ||
        isPermission(permission, complianceReadPermission)
      ) {
        return insightsTeams(await this.#withLedTeams(scope));
      }
      if (
        isPermission(permission, budgetManagePermission) ||
        isPermission(permission, complianceWaivePermission)
      ) {
        // Leads only, members not: an empty list allows no team. Waiving a check accepts a
        // risk for the team, which is a lead's call as its budget is.
        return insightsTeams(await this.#leads.getTeamsLedBy(userEntityRef));
      }
      return DENY;
    }
    if (isPermission(permission, costCenterBudgetManagePermission)) {
      return DENY;
    }
    if (
      isPermission(permission, quotaReadPermission) ||
      isPermission(permission, inferenceUsePermission)
    ) {
      return ALLOW;
    }
    if (isPermission(permission, kubernetesWorkloadsReadPermission)) {
      // Environments (Resources from the portal's provider, owned by their team); Kubernetes
      // annotations on kinds users may register are never trusted.
      return ownedCatalogEntities(
        ['resource'],
        await this.#withLedTeams(scope),
      );
    }
    return backstageDecisions[permission.name]?.(scope) ?? DENY;
  }

  async #withLedTeams(scope: UserScope): Promise<string[]> {
    const led = await this.#leads.getTeamsLedBy(scope.userEntityRef);
    return [...new Set([...scope.groups, ...led])];
  }
}
