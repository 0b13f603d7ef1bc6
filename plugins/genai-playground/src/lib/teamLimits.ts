import type {
  PlaygroundSettings,
  TeamLimits,
} from '@genai-portal/plugin-genai-playground-common';
import { shortRef } from './format';

/**
 * A team's caps from the settings. Config may key teams by group name (`ml-research`) or ref
 * (`group:default/ml-research`), and the form may hold either; both are tried before the default.
 */
export function teamLimitsFor(
  settings: Pick<PlaygroundSettings, 'teamLimits' | 'defaultTeamLimits'>,
  team: string | undefined,
): TeamLimits {
  if (team) {
    const name = shortRef(team);
    const candidates = [
      team,
      name,
      `group:default/${name}`,
      team.toLocaleLowerCase('en-US'),
    ];
    for (const key of candidates) {
      if (settings.teamLimits[key]) {
        return settings.teamLimits[key];
      }
    }
  }
  return settings.defaultTeamLimits;
}
