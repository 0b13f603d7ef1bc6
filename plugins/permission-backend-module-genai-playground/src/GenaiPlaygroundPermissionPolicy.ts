import { RootConfigService } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  AuthorizeResult,
  ConditionalPolicyDecision,
  isPermission,
  isResourcePermission,
  PermissionCondition,
  PermissionCriteria,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  ENVIRONMENT_RESOURCE_TYPE,
  ENVIRONMENT_RULES,
  environmentCreatePermission,
  environmentReadPermission,
  jobReadPermission,
  quotaReadPermission,
} from '@genai-portal/plugin-genai-playground-common';
import { TeamLeads } from './TeamLeads';

/** The plugin that owns the environment resource type and evaluates its conditions. */
const GENAI_PLAYGROUND_PLUGIN_ID = 'genai-playground';

/** Admins when `genaiPlayground.adminGroups` is not configured. */
export const DEFAULT_ADMIN_GROUPS = ['group:default/platform-team'];

type EnvironmentCondition = PermissionCondition<
  typeof ENVIRONMENT_RESOURCE_TYPE
>;

/**
 * Conditions of the genai-playground backend's environment rules, built by name (the rule names
 * are shared through -common): importing the backend's rule objects would make this module depend
 * on the backend plugin.
 */
export const environmentConditions = {
  /** The environment's team is one of the groups. */
  isInTeam(params: { teams: string[] }): EnvironmentCondition {
    return {
      rule: ENVIRONMENT_RULES.IS_IN_TEAM,
      resourceType: ENVIRONMENT_RESOURCE_TYPE,
      params,
    };
  },
  /** The environment was created by one of the users. */
  isOwner(params: { owners: string[] }): EnvironmentCondition {
    return {
      rule: ENVIRONMENT_RULES.IS_OWNER,
      resourceType: ENVIRONMENT_RESOURCE_TYPE,
      params,
    };
  },
};

function createEnvironmentDecision(
  conditions: PermissionCriteria<EnvironmentCondition>,
): ConditionalPolicyDecision {
  return {
    result: AuthorizeResult.CONDITIONAL,
    pluginId: GENAI_PLAYGROUND_PLUGIN_ID,
    resourceType: ENVIRONMENT_RESOURCE_TYPE,
    conditions,
  };
}

function groupRef(ref: string): string {
  return stringifyEntityRef(
    parseEntityRef(ref, { defaultKind: 'group', defaultNamespace: 'default' }),
  );
}

/**
 * The portal's permission policy.
 *
 * - Service-to-service calls (no user) are allowed: the catalog provider lists environments.
 * - Members of the admin groups may do everything.
 * - Anyone may ask to create an environment (the backend checks membership of the team) and read
 *   quotas.
 * - Reading, extending and deleting an environment is conditional: the environment's team is one
 *   of the user's groups, or the user created it. Leads read their teams' environments even when
 *   they are not members.
 * - Jobs follow their environment: `genai-playground.job.create|read|cancel` are permissions on
 *   the job's environment (resource type `genai-playground-environment`), decided like reading
 *   (job.read: leads too) or changing (job.create, job.cancel: members) the environment.
 * - Everything else in the portal (catalog, scaffolder, Kubernetes, ...) is allowed, as the
 *   allow-all policy this replaces did.
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
    const { permission } = request;
    if (!user) {
      return { result: AuthorizeResult.ALLOW };
    }
    const { userEntityRef, ownershipEntityRefs } = user.info;
    if (ownershipEntityRefs.some(ref => this.#adminGroups.has(ref))) {
      return { result: AuthorizeResult.ALLOW };
    }

    if (isResourcePermission(permission, ENVIRONMENT_RESOURCE_TYPE)) {
      const groups = ownershipEntityRefs.filter(ref =>
        ref.startsWith('group:'),
      );
      const reads =
        isPermission(permission, environmentReadPermission) ||
        isPermission(permission, jobReadPermission);
      const teams = reads
        ? [
            ...new Set([
              ...groups,
              ...(await this.#leads.getTeamsLedBy(userEntityRef)),
            ]),
          ]
        : groups;
      return createEnvironmentDecision({
        anyOf: [
          environmentConditions.isInTeam({ teams }),
          environmentConditions.isOwner({ owners: [userEntityRef] }),
        ],
      });
    }

    if (
      isPermission(permission, environmentCreatePermission) ||
      isPermission(permission, quotaReadPermission)
    ) {
      // Create: the backend checks that the user belongs to the team the environment is for.
      return { result: AuthorizeResult.ALLOW };
    }

    return { result: AuthorizeResult.ALLOW };
  }
}
