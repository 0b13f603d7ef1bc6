import {
  AuthorizeResult,
  type ConditionalPolicyDecision,
  type PermissionCondition,
  type PermissionCriteria,
} from '@backstage/plugin-permission-common';
import {
  INSIGHTS_TEAM_RESOURCE_TYPE,
  INSIGHTS_TEAM_RULES,
} from '@genai-portal/plugin-genai-insights-common';
import {
  ENVIRONMENT_RESOURCE_TYPE,
  ENVIRONMENT_RULES,
} from '@genai-portal/plugin-genai-playground-common';

/**
 * Conditional decisions for the resource types the policy scopes, built by rule name: importing
 * the rule objects would make the policy depend on the backend plugins that own them
 * (genai-playground, genai-insights, catalog, scaffolder). Each owner plugin evaluates its own
 * rules.
 */

function decision(
  pluginId: string,
  resourceType: string,
  conditions: PermissionCriteria<PermissionCondition>,
): ConditionalPolicyDecision {
  return {
    result: AuthorizeResult.CONDITIONAL,
    pluginId,
    resourceType,
    conditions,
  };
}

/** Environment conditions (rules registered by the genai-playground backend). @public */
export const environmentConditions = {
  /** The environment's team is one of the groups. */
  isInTeam(params: {
    teams: string[];
  }): PermissionCondition<typeof ENVIRONMENT_RESOURCE_TYPE> {
    return {
      rule: ENVIRONMENT_RULES.IS_IN_TEAM,
      resourceType: ENVIRONMENT_RESOURCE_TYPE,
      params,
    };
  },
  /** The environment was created by one of the users. */
  isOwner(params: {
    owners: string[];
  }): PermissionCondition<typeof ENVIRONMENT_RESOURCE_TYPE> {
    return {
      rule: ENVIRONMENT_RULES.IS_OWNER,
      resourceType: ENVIRONMENT_RESOURCE_TYPE,
      params,
    };
  },
};

/** Environments of these teams: the one condition every team-scoped permission gets. */
export function teamEnvironments(teams: string[]): ConditionalPolicyDecision {
  return decision(
    'genai-playground',
    ENVIRONMENT_RESOURCE_TYPE,
    environmentConditions.isInTeam({ teams }),
  );
}

/** Conditions on a team's costs and budgets (rules registered by the genai-insights backend). @public */
export const insightsTeamConditions = {
  /** The team is one of the groups. */
  isTeam(params: {
    teams: string[];
  }): PermissionCondition<typeof INSIGHTS_TEAM_RESOURCE_TYPE> {
    return {
      rule: INSIGHTS_TEAM_RULES.IS_TEAM,
      resourceType: INSIGHTS_TEAM_RESOURCE_TYPE,
      params,
    };
  },
};

/**
 * The costs and budgets of these teams (none when the list is empty): the one condition every
 * insights permission on a team gets.
 */
export function insightsTeams(teams: string[]): ConditionalPolicyDecision {
  return decision(
    'genai-insights',
    INSIGHTS_TEAM_RESOURCE_TYPE,
    insightsTeamConditions.isTeam({ teams }),
  );
}

/** Catalog entities of these kinds owned by one of the claims (the catalog's own rules). */
export function ownedCatalogEntities(
  kinds: string[],
  claims: string[],
): ConditionalPolicyDecision {
  return decision('catalog', 'catalog-entity', {
    allOf: [
      {
        rule: 'IS_ENTITY_KIND',
        resourceType: 'catalog-entity',
        params: { kinds },
      },
      {
        rule: 'IS_ENTITY_OWNER',
        resourceType: 'catalog-entity',
        params: { claims },
      },
    ],
  });
}

/** Scaffolder tasks the user started (the scaffolder's own rule). */
export function ownScaffolderTasks(
  userEntityRef: string,
): ConditionalPolicyDecision {
  return decision('scaffolder', 'scaffolder-task', {
    rule: 'IS_TASK_OWNER',
    resourceType: 'scaffolder-task',
    params: { createdBy: [userEntityRef] },
  });
}
