import { toTeamRef } from '@genai-portal/plugin-genai-insights-common';
import type { GenaiInsightsScope } from '@genai-portal/plugin-genai-insights-react';

/**
 * The page's `?team=` values (repeated, or comma-separated) as group refs: `ml-research` is
 * `group:default/ml-research`. Values that name no group are returned apart, to say so.
 */
export function parseTeamParams(values: string[]): {
  teams: string[];
  invalid: string[];
} {
  const teams: string[] = [];
  const invalid: string[] = [];
  for (const value of values
    .flatMap(v => v.split(','))
    .map(v => v.trim())
    .filter(Boolean)) {
    const ref = toTeamRef(value);
    if (!ref) {
      invalid.push(value);
    } else if (!teams.includes(ref)) {
      teams.push(ref);
    }
  }
  return { teams, invalid };
}

/** The teams of a selection the caller may not read (none for callers who see all). */
export function teamsOutsideScope(
  teams: string[],
  scope: GenaiInsightsScope,
): string[] {
  return scope.all ? [] : teams.filter(t => !scope.teams.includes(t));
}

/** Whether the caller may set a team's budget. */
export function canManageTeam(scope: GenaiInsightsScope, team: string) {
  return scope.canManageAll || scope.manageableTeams.includes(team);
}
