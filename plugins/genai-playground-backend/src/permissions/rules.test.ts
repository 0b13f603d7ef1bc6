import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createConditionAuthorizer } from '@backstage/plugin-permission-node';
import type { Environment } from '@genai-portal/plugin-genai-playground-common';
import { environmentRuleset } from '../__testUtils__/harness';
import {
  createEnvironmentConditionalDecision,
  environmentConditions,
  isInTeam,
  isOwner,
} from './rules';
import { environmentReadPermission } from '@genai-portal/plugin-genai-playground-common';

const env = {
  id: 'ml-research-demo',
  team: 'group:default/ml-research',
  owner: 'user:default/marco.rossi',
} as Environment;

describe('environment permission rules', () => {
  it('IS_IN_TEAM matches the team by ref or name', () => {
    expect(isInTeam.apply(env, { teams: ['group:default/ml-research'] })).toBe(
      true,
    );
    expect(isInTeam.apply(env, { teams: ['ml-research'] })).toBe(true);
    expect(isInTeam.apply(env, { teams: ['genai-apps'] })).toBe(false);
    expect(isInTeam.apply(env, { teams: [] })).toBe(false);
    expect(isInTeam.toQuery({ teams: ['ml-research'] })).toEqual({
      property: 'team',
      values: ['group:default/ml-research'],
    });
  });

  it('IS_OWNER matches the owner by ref or name', () => {
    expect(isOwner.apply(env, { owners: ['user:default/marco.rossi'] })).toBe(
      true,
    );
    expect(isOwner.apply(env, { owners: ['marco.rossi'] })).toBe(true);
    expect(isOwner.apply(env, { owners: ['lena.fischer'] })).toBe(false);
    expect(isOwner.toQuery({ owners: ['marco.rossi'] })).toEqual({
      property: 'owner',
      values: ['user:default/marco.rossi'],
    });
  });

  it('builds conditional decisions a policy can return', () => {
    const decision = createEnvironmentConditionalDecision(
      environmentReadPermission,
      environmentConditions.isInTeam({ teams: ['group:default/genai-apps'] }),
    );
    expect(decision).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'genai-playground',
      resourceType: 'genai-playground-environment',
      conditions: {
        rule: 'IS_IN_TEAM',
        resourceType: 'genai-playground-environment',
        params: { teams: ['group:default/genai-apps'] },
      },
    });
    const authorize = createConditionAuthorizer(environmentRuleset);
    expect(authorize(decision, env)).toBe(false);
    expect(
      authorize(
        createEnvironmentConditionalDecision(environmentReadPermission, {
          anyOf: [
            environmentConditions.isInTeam({ teams: ['genai-apps'] }),
            environmentConditions.isOwner({ owners: ['marco.rossi'] }),
          ],
        }),
        env,
      ),
    ).toBe(true);
  });
});
