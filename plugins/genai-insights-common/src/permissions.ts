import { createPermission } from '@backstage/plugin-permission-common';

/**
 * The resource type of a team's costs and budgets. A resource is one team, its ref the team's
 * group entity ref (`group:default/ml-research`); the genai-insights backend loads it as
 * `{ team }` to apply conditions.
 * @public
 */
export const INSIGHTS_TEAM_RESOURCE_TYPE = 'genai-insights-team';

/** @public */
export type InsightsTeamResourceType = typeof INSIGHTS_TEAM_RESOURCE_TYPE;

/**
 * Names of the permission rules of {@link INSIGHTS_TEAM_RESOURCE_TYPE}, for policies that build
 * conditional decisions by hand:
 * `{ rule: 'IS_TEAM', resourceType: 'genai-insights-team', params: { teams: ['group:default/ml-research'] } }`.
 *
 * - `IS_TEAM` `{ teams: string[] }`: the team is one of these group refs (or names).
 *
 * The backend reads a conditional decision on a query without a team (a list, a chart, an
 * export) as the teams its `IS_TEAM` conditions name when they are alternatives (one condition,
 * or an `anyOf` of them); any other shape gives no team.
 * @public
 */
export const INSIGHTS_TEAM_RULES = {
  IS_TEAM: 'IS_TEAM',
} as const;

/**
 * Read a team's costs: cost over time, comparisons, top lists, idle cost, budgets' status and
 * exports. A permission on a team: the policy decides whose teams (members and leads their
 * teams, admins all) with an `IS_TEAM` condition or an ALLOW.
 * @public
 */
export const costReadPermission = createPermission({
  name: 'genai-insights.cost.read',
  attributes: { action: 'read' },
  resourceType: INSIGHTS_TEAM_RESOURCE_TYPE,
});

/**
 * Set or remove a team's monthly budget. A permission on the team whose budget it is: the
 * portal's policy gives it to the team's leads and the admins.
 * @public
 */
export const budgetManagePermission = createPermission({
  name: 'genai-insights.budget.manage',
  attributes: { action: 'update' },
  resourceType: INSIGHTS_TEAM_RESOURCE_TYPE,
});

/**
 * Set or remove a cost center's monthly budget. A basic permission apart from team budgets: a
 * cost center spans teams, so no team's lead decides it; the portal's policy gives it to the
 * admins only.
 * @public
 */
export const costCenterBudgetManagePermission = createPermission({
  name: 'genai-insights.cost-center-budget.manage',
  attributes: { action: 'update' },
});

/**
 * Read a team's GPU utilization: its workloads' GPUs on the fleet map, their activity, idle GPUs
 * and tokens per GPU-hour. A permission on a team, decided like `genai-insights.cost.read`
 * (members and leads their teams, admins all); the fleet's occupancy is shown to anyone with it
 * for some team, other teams' pods without their names.
 * @public
 */
export const gpuReadPermission = createPermission({
  name: 'genai-insights.gpu.read',
  attributes: { action: 'read' },
  resourceType: INSIGHTS_TEAM_RESOURCE_TYPE,
});

/**
 * Read a team's compliance scorecards: its environments' scores, levels, failing checks and the
 * fields that fail. A permission on a team, decided like `genai-insights.cost.read` (members and
 * leads their teams, admins all); the platform's score is for those who read every team.
 * @public
 */
export const complianceReadPermission = createPermission({
  name: 'genai-insights.compliance.read',
  attributes: { action: 'read' },
  resourceType: INSIGHTS_TEAM_RESOURCE_TYPE,
});

/**
 * Waive a compliance check for a team's environment (or every environment of the team) until a
 * date, and revoke such a waiver. A permission on the team: the portal's policy gives it to the
 * team's leads and the admins.
 * @public
 */
export const complianceWaivePermission = createPermission({
  name: 'genai-insights.compliance.waive',
  attributes: { action: 'update' },
  resourceType: INSIGHTS_TEAM_RESOURCE_TYPE,
});

/** Every permission of the genai-insights plugin. @public */
export const genaiInsightsPermissions = [
  costReadPermission,
  gpuReadPermission,
  complianceReadPermission,
  complianceWaivePermission,
  budgetManagePermission,
  costCenterBudgetManagePermission,
];
