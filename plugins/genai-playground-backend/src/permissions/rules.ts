import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  ENVIRONMENT_RESOURCE_TYPE,
  ENVIRONMENT_RULES,
  type Environment,
} from '@genai-portal/plugin-genai-playground-common';
import {
  createConditionExports,
  createPermissionResourceRef,
  createPermissionRule,
  type PermissionRuleset,
} from '@backstage/plugin-permission-node';
import { z } from 'zod';

/** A filter a condition translates to: environments whose `property` is one of `values`. @public */
export type EnvironmentQuery = {
  property: 'team' | 'owner';
  values: string[];
};

/** The resource type `genai-playground-environment`; resources are environments, refs their ids. @public */
export const environmentResourceRef = createPermissionResourceRef<
  Environment,
  EnvironmentQuery
>().with({
  pluginId: 'genai-playground',
  resourceType: ENVIRONMENT_RESOURCE_TYPE,
});

/** A group or user name or ref as a full entity ref (unchanged when it does not parse). */
export function normalizeRef(
  ref: string,
  defaultKind: 'group' | 'user',
): string {
  try {
    return stringifyEntityRef(
      parseEntityRef(ref, { defaultKind, defaultNamespace: 'default' }),
    );
  } catch {
    return ref;
  }
}

/**
 * IS_IN_TEAM `{ teams: string[] }`: the environment belongs to one of these teams (group refs
 * such as `group:default/ml-research`, or bare group names).
 * @public
 */
export const isInTeam = createPermissionRule({
  name: ENVIRONMENT_RULES.IS_IN_TEAM,
  description: 'Allow environments that belong to one of the given teams',
  resourceRef: environmentResourceRef,
  paramsSchema: z.object({
    teams: z
      .array(z.string())
      .describe('Group entity refs (or names) of the teams'),
  }),
  apply: (environment, { teams }) =>
    teams.map(t => normalizeRef(t, 'group')).includes(environment.team),
  toQuery: ({ teams }) => ({
    property: 'team',
    values: teams.map(t => normalizeRef(t, 'group')),
  }),
});

/**
 * IS_OWNER `{ owners: string[] }`: the environment was created by one of these users (user
 * refs, or bare user names). A policy passes the caller: `{ owners: [user.info.userEntityRef] }`.
 * @public
 */
export const isOwner = createPermissionRule({
  name: ENVIRONMENT_RULES.IS_OWNER,
  description: 'Allow environments created by one of the given users',
  resourceRef: environmentResourceRef,
  paramsSchema: z.object({
    owners: z
      .array(z.string())
      .describe('User entity refs (or names) of the owners'),
  }),
  apply: (environment, { owners }) =>
    owners.map(o => normalizeRef(o, 'user')).includes(environment.owner),
  toQuery: ({ owners }) => ({
    property: 'owner',
    values: owners.map(o => normalizeRef(o, 'user')),
  }),
});

/** The permission rules of environments, by name. @public */
export const environmentPermissionRules = { isInTeam, isOwner };

/**
 * The plugin's own environment rules as a ruleset: what the permission registry hands back when
 * no module added rules, for checks made apart from the plugin's wiring.
 */
export const environmentRuleset: PermissionRuleset<any, any, string> = {
  getRuleByName(name: string) {
    const rule = Object.values(environmentPermissionRules).find(
      r => r.name === name,
    );
    if (!rule) throw new Error(`no rule ${name}`);
    return rule as any;
  },
};

/**
 * Condition factories and a conditional decision helper for permission policies:
 * `createEnvironmentConditionalDecision(permission, environmentConditions.isInTeam({ teams }))`.
 * @public
 */
export const {
  conditions: environmentConditions,
  createConditionalDecision: createEnvironmentConditionalDecision,
} = createConditionExports({
  resourceRef: environmentResourceRef,
  rules: environmentPermissionRules,
});
