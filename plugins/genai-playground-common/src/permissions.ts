import { createPermission } from '@backstage/plugin-permission-common';

/** The resource type of playground environments, for conditional permission decisions. */
export const ENVIRONMENT_RESOURCE_TYPE = 'genai-playground-environment';

/**
 * Create an environment. A basic permission: the backend also requires the caller to belong to
 * the team the environment is for (or to be an admin).
 * @public
 */
export const environmentCreatePermission = createPermission({
  name: 'genai-playground.environment.create',
  attributes: { action: 'create' },
});

/** @public */
export const environmentReadPermission = createPermission({
  name: 'genai-playground.environment.read',
  attributes: { action: 'read' },
  resourceType: ENVIRONMENT_RESOURCE_TYPE,
});

/** Extend an environment's lease. @public */
export const environmentUpdatePermission = createPermission({
  name: 'genai-playground.environment.update',
  attributes: { action: 'update' },
  resourceType: ENVIRONMENT_RESOURCE_TYPE,
});

/** @public */
export const environmentDeletePermission = createPermission({
  name: 'genai-playground.environment.delete',
  attributes: { action: 'delete' },
  resourceType: ENVIRONMENT_RESOURCE_TYPE,
});

/** Read quota usage of environments, teams and GPU pools. @public */
export const quotaReadPermission = createPermission({
  name: 'genai-playground.quota.read',
  attributes: { action: 'read' },
});

/** @public */
export const genaiPlaygroundPermissions = [
  environmentCreatePermission,
  environmentReadPermission,
  environmentUpdatePermission,
  environmentDeletePermission,
  quotaReadPermission,
];

/**
 * Names of the permission rules of {@link ENVIRONMENT_RESOURCE_TYPE}, for policies that build
 * conditional decisions by hand:
 * `{ rule: 'IS_IN_TEAM', resourceType: 'genai-playground-environment', params: { teams: ['group:default/ml-research'] } }`.
 *
 * - `IS_IN_TEAM` `{ teams: string[] }`: the environment's team is one of these group refs (or names).
 * - `IS_OWNER` `{ owners: string[] }`: the environment's owner is one of these user refs (or names).
 * @public
 */
export const ENVIRONMENT_RULES = {
  IS_IN_TEAM: 'IS_IN_TEAM',
  IS_OWNER: 'IS_OWNER',
} as const;
