import { createPermission } from '@backstage/plugin-permission-common';

/** The resource type of playground environments, for conditional permission decisions. @public */
export const ENVIRONMENT_RESOURCE_TYPE = 'genai-playground-environment';

/**
 * Create an environment. A permission on the environment about to be made: the backend asks the
 * policy with the new environment's team and owner, so the policy decides who may create for
 * which team (its members; admins for any).
 * @public
 */
export const environmentCreatePermission = createPermission({
  name: 'genai-playground.environment.create',
  attributes: { action: 'create' },
  resourceType: ENVIRONMENT_RESOURCE_TYPE,
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

/**
 * Charge work to an environment: inference calls a signed-in user makes for it (the playground
 * page's `x-genai-environment`).
 * @public
 */
export const environmentUsePermission = createPermission({
  name: 'genai-playground.environment.use',
  attributes: { action: 'update' },
  resourceType: ENVIRONMENT_RESOURCE_TYPE,
});

/** Read quota usage of environments, teams and GPU pools. @public */
export const quotaReadPermission = createPermission({
  name: 'genai-playground.quota.read',
  attributes: { action: 'read' },
});

/**
 * Scrape the plugin's Prometheus metrics (`/metrics`): the scrape token's one permission.
 * @public
 */
export const metricsReadPermission = createPermission({
  name: 'genai-playground.metrics.read',
  attributes: { action: 'read' },
});

/**
 * Read the incremental facts feed (`GET /facts`): the lifecycle of every environment, the GPUs of
 * every job and the token usage of every gateway call, of all teams. For the genai-insights
 * backend's service token (service principals are allowed) and admins; the policy denies it to
 * other users.
 * @public
 */
export const factsReadPermission = createPermission({
  name: 'genai-playground.facts.read',
  attributes: { action: 'read' },
});

/**
 * See the Kubernetes objects of a catalog entity in the Kubernetes plugin (its service locator
 * asks this for each entity). A permission on the catalog entity, so a policy can scope it to the
 * entities a user's teams own; the portal's Kubernetes module checks it.
 * @public
 */
export const kubernetesWorkloadsReadPermission = createPermission({
  name: 'genai-playground.kubernetes.workloads.read',
  attributes: { action: 'read' },
  resourceType: 'catalog-entity',
});

/** @public */
export const genaiPlaygroundPermissions = [
  environmentCreatePermission,
  environmentReadPermission,
  environmentUpdatePermission,
  environmentDeletePermission,
  environmentUsePermission,
  quotaReadPermission,
  metricsReadPermission,
  factsReadPermission,
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
