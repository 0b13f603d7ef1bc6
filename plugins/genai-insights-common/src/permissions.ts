import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Read the cost ledger: cost over time, comparisons, top lists, idle cost, budgets' status and
 * exports. A basic permission for now; scoping by team (members and leads their teams, admins
 * all) is the policy's, with a resource type to come.
 * @public
 */
export const costReadPermission = createPermission({
  name: 'genai-insights.cost.read',
  attributes: { action: 'read' },
});

/**
 * Set team and cost-center budgets (leads for their teams, admins for all, as the policy
 * decides).
 * @public
 */
export const budgetManagePermission = createPermission({
  name: 'genai-insights.budget.manage',
  attributes: { action: 'update' },
});

/** Every permission of the genai-insights plugin. @public */
export const genaiInsightsPermissions = [
  costReadPermission,
  budgetManagePermission,
];
