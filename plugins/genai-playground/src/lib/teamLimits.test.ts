import { settings } from '../testing/fixtures';
import { teamLimitsFor } from './teamLimits';

describe('teamLimitsFor', () => {
  it('finds a team by ref or name, else the default', () => {
    expect(teamLimitsFor(settings, 'group:default/ml-research').gpus).toBe(16);
    expect(teamLimitsFor(settings, 'ml-research').gpus).toBe(16);
    expect(teamLimitsFor(settings, 'genai-apps').gpus).toBe(4);
    expect(teamLimitsFor(settings, undefined).gpus).toBe(4);
    expect(
      teamLimitsFor(
        {
          ...settings,
          teamLimits: {
            'group:default/genai-apps': {
              ...settings.defaultTeamLimits,
              gpus: 8,
            },
          },
        },
        'genai-apps',
      ).gpus,
    ).toBe(8);
  });
});
