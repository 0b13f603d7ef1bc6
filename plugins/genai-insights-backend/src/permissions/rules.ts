import {
  INSIGHTS_TEAM_RESOURCE_TYPE,
  INSIGHTS_TEAM_RULES,
  toTeamRef,
} from '@genai-portal/plugin-genai-insights-common';
import {
  createPermissionResourceRef,
  createPermissionRule,
  type PermissionRuleset,
} from '@backstage/plugin-permission-node';
import { z } from 'zod';

/** A resource of type `genai-insights-team`: one team, by its group ref. */
export interface InsightsTeam {
  team: string;
}

/** What a condition translates to: the teams it allows. */
export interface InsightsTeamQuery {
  teams: string[];
}

/** The resource type `genai-insights-team`; refs are group refs. */
export const insightsTeamResourceRef = createPermissionResourceRef<
  InsightsTeam,
  InsightsTeamQuery
>().with({
  pluginId: 'genai-insights',
  resourceType: INSIGHTS_TEAM_RESOURCE_TYPE,
});

/**
 * A team as compared by the rules and the gate: its group ref with kind and namespace lower
 * case, as the catalog writes them (`ML-Research` is `group:default/ML-Research` is
 * `group:default/ml-research`: entity names match case-insensitively). Undefined for what is not
 * a group.
 */
export function teamKey(team: string): string | undefined {
  return toTeamRef(team)?.toLocaleLowerCase('en-US');
}

/**
 * IS_TEAM `{ teams: string[] }`: the team is one of these (group refs such as
 * `group:default/ml-research`, or bare group names).
 */
export const isTeam = createPermissionRule({
  name: INSIGHTS_TEAM_RULES.IS_TEAM,
  description: 'Allow the costs and budgets of one of the given teams',
  resourceRef: insightsTeamResourceRef,
  paramsSchema: z.object({
    teams: z
      .array(z.string())
      .describe('Group entity refs (or names) of the teams'),
  }),
  apply: (resource, { teams }) => {
    const key = teamKey(resource.team);
    return key !== undefined && teams.some(t => teamKey(t) === key);
  },
  toQuery: ({ teams }) => ({
    teams: teams.flatMap(t => toTeamRef(t) ?? []),
  }),
});

/** The permission rules of `genai-insights-team`. */
export const insightsTeamPermissionRules = [isTeam];

/** The plugin's own rules as a ruleset, for a gate made apart from the plugin's wiring. */
export const insightsTeamRuleset: PermissionRuleset<any, any, string> = {
  getRuleByName(name: string) {
    const rule = insightsTeamPermissionRules.find(r => r.name === name);
    if (!rule) throw new Error(`no rule ${name}`);
    return rule as any;
  },
};
