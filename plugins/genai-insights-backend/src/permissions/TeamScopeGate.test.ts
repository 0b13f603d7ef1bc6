import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  budgetManagePermission,
  costCenterBudgetManagePermission,
  costReadPermission,
} from '@genai-portal/plugin-genai-insights-common';
import { TeamScopeGate } from './TeamScopeGate';

const ML = 'group:default/ml-research';
const APPS = 'group:default/genai-apps';
const credentials = mockCredentials.user('user:default/lena.fischer');

const isTeam = (teams: unknown) => ({
  rule: 'IS_TEAM',
  resourceType: 'genai-insights-team',
  params: { teams },
});
const conditional = (conditions: object): PolicyDecision =>
  ({
    result: AuthorizeResult.CONDITIONAL,
    pluginId: 'genai-insights',
    resourceType: 'genai-insights-team',
    conditions,
  } as PolicyDecision);

/** A gate on a policy that answers every question with `decision`. */
function gateWith(decision: PolicyDecision) {
  const permissions = mockServices.permissions.mock({
    authorizeConditional: async requests => requests.map(() => decision),
    authorize: async requests =>
      requests.map(() => ({
        result:
          decision.result === AuthorizeResult.ALLOW
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
      })),
  });
  return new TeamScopeGate({ permissions });
}

describe('TeamScopeGate', () => {
  it('reads ALLOW as every team', async () => {
    const gate = gateWith({ result: AuthorizeResult.ALLOW });
    expect(await gate.scope(costReadPermission, credentials)).toEqual({
      all: true,
    });
    expect(
      await gate.teamsToRead(costReadPermission, credentials, undefined),
    ).toEqual({ all: true, teams: undefined });
    expect(
      await gate.teamsToRead(costReadPermission, credentials, [APPS]),
    ).toEqual({ all: true, teams: [APPS] });
    await expect(
      gate.requireOnTeam(budgetManagePermission, APPS, credentials),
    ).resolves.toBeUndefined();
  });

  it('reads a conditional decision as the teams of its IS_TEAM alternatives', async () => {
    for (const conditions of [
      isTeam([ML, 'genai-apps']),
      { anyOf: [isTeam([ML]), isTeam(['group:default/genai-apps'])] },
    ]) {
      const gate = gateWith(conditional(conditions));
      expect(await gate.scope(costReadPermission, credentials)).toEqual({
        all: false,
        teams: [ML, APPS],
      });
    }
  });

  it('reads any other shape as no team: an unexpected policy shows less, not more', async () => {
    for (const conditions of [
      { allOf: [isTeam([ML]), isTeam([APPS])] },
      { not: isTeam([ML]) },
      { anyOf: [{ not: isTeam([ML]) }] },
      { rule: 'IS_OWNER', resourceType: 'genai-insights-team', params: {} },
      isTeam('group:default/ml-research'),
      isTeam([42, null]),
      isTeam(['user:default/lena.fischer', 'not/a/group']),
    ]) {
      const gate = gateWith(conditional(conditions));
      expect(await gate.scope(costReadPermission, credentials)).toEqual({
        all: false,
        teams: [],
      });
    }
  });

  it('refuses a caller the policy denies outright, or gives no team when asked to', async () => {
    const gate = gateWith({ result: AuthorizeResult.DENY });
    await expect(gate.scope(costReadPermission, credentials)).rejects.toThrow(
      new NotAllowedError('Not allowed: genai-insights.cost.read'),
    );
    await expect(
      gate.teamsToRead(costReadPermission, credentials, undefined),
    ).rejects.toThrow(NotAllowedError);
    expect(
      await gate.scope(budgetManagePermission, credentials, { orNone: true }),
    ).toEqual({ all: false, teams: [] });
  });

  it('gives a query without teams the caller’s teams, and refuses one naming another', async () => {
    const gate = gateWith(conditional(isTeam([ML])));
    expect(
      await gate.teamsToRead(costReadPermission, credentials, undefined),
    ).toEqual({ all: false, teams: [ML] });
    expect(
      await gate.teamsToRead(costReadPermission, credentials, [ML, ML]),
    ).toEqual({ all: false, teams: [ML] });
    // Entity names match case-insensitively.
    expect(
      await gate.teamsToRead(costReadPermission, credentials, [
        'group:default/ML-Research',
      ]),
    ).toEqual({ all: false, teams: [ML] });
    await expect(
      gate.teamsToRead(costReadPermission, credentials, [ML, APPS]),
    ).rejects.toThrow(
      new NotAllowedError(
        'Not allowed: genai-insights.cost.read on group:default/genai-apps',
      ),
    );
  });

  it('gives a caller with conditions on no team an empty scope, never all', async () => {
    const gate = gateWith(conditional(isTeam([])));
    expect(
      await gate.teamsToRead(costReadPermission, credentials, undefined),
    ).toEqual({ all: false, teams: [] });
    await expect(
      gate.teamsToRead(costReadPermission, credentials, [ML]),
    ).rejects.toThrow(/on group:default\/ml-research/);
  });

  it('applies the conditions to the one team a change is about', async () => {
    const gate = gateWith(conditional(isTeam(['ml-research'])));
    await expect(
      gate.requireOnTeam(budgetManagePermission, ML, credentials),
    ).resolves.toBeUndefined();
    await expect(
      gate.requireOnTeam(budgetManagePermission, APPS, credentials),
    ).rejects.toThrow(
      'Not allowed: genai-insights.budget.manage on group:default/genai-apps',
    );
    // Any shape of condition, applied by the rules: not ML is every other team.
    const not = gateWith(conditional({ not: isTeam([ML]) }));
    await expect(
      not.requireOnTeam(budgetManagePermission, APPS, credentials),
    ).resolves.toBeUndefined();
    await expect(
      not.requireOnTeam(budgetManagePermission, ML, credentials),
    ).rejects.toThrow(NotAllowedError);
    await expect(
      gateWith({ result: AuthorizeResult.DENY }).requireOnTeam(
        budgetManagePermission,
        ML,
        credentials,
      ),
    ).rejects.toThrow(NotAllowedError);
  });

  it('asks basic permissions as they are', async () => {
    await expect(
      gateWith({ result: AuthorizeResult.DENY }).require(
        costCenterBudgetManagePermission,
        credentials,
      ),
    ).rejects.toThrow('Not allowed: genai-insights.cost-center-budget.manage');
    await expect(
      gateWith({ result: AuthorizeResult.ALLOW }).require(
        costCenterBudgetManagePermission,
        credentials,
      ),
    ).resolves.toBeUndefined();
  });
});
