import type {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  createConditionAuthorizer,
  type PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { GenaiPlaygroundPermissionPolicy } from '@genai-portal/plugin-permission-backend-module-genai-playground';
import { insightsTeamRuleset, teamKey } from '../permissions/rules';

/**
 * The portal's real permission policy behind a PermissionsService, for service tests that run
 * without a permission backend: decisions come from GenaiPlaygroundPermissionPolicy itself
 * (admins, team conditions, leads), and a conditional one on a team (a `resourceRef`) is applied
 * with the plugin's own rules, as the permission backend would through the plugin. Users are
 * signed in with `membership` as their ownership refs; anyone else is a service.
 */
export function realPolicyPermissions(options: {
  membership: Record<string, string[]>;
  leads?: Record<string, string[]>;
  adminGroups?: string[];
}): ReturnType<typeof mockServices.permissions.mock> {
  const policy = new GenaiPlaygroundPermissionPolicy({
    adminGroups: options.adminGroups ?? ['group:default/platform-team'],
    leads: { getTeamsLedBy: async ref => options.leads?.[ref] ?? [] },
  });
  const applies = createConditionAuthorizer(insightsTeamRuleset);
  const userOf = (
    credentials: BackstageCredentials,
  ): PolicyQueryUser | undefined => {
    const principal = credentials.principal as {
      type: string;
      userEntityRef?: string;
    };
    if (principal.type !== 'user' || !principal.userEntityRef) return undefined;
    const ref = principal.userEntityRef;
    return {
      credentials: credentials as PolicyQueryUser['credentials'],
      info: {
        userEntityRef: ref,
        ownershipEntityRefs: [ref, ...(options.membership[ref] ?? [])],
      },
    };
  };
  const decide = (
    permission: Parameters<PermissionsService['authorize']>[0][0]['permission'],
    credentials: BackstageCredentials,
  ): Promise<PolicyDecision> =>
    policy.handle({ permission } as any, userOf(credentials));

  return mockServices.permissions.mock({
    authorizeConditional: async (requests, { credentials }) =>
      Promise.all(requests.map(r => decide(r.permission, credentials))) as any,
    authorize: async (requests, { credentials }) =>
      Promise.all(
        requests.map(async r => {
          const decision = await decide(r.permission, credentials);
          if (decision.result !== AuthorizeResult.CONDITIONAL) return decision;
          const resourceRef = (r as { resourceRef?: string }).resourceRef;
          const team = resourceRef && teamKey(resourceRef);
          return {
            result:
              team && applies(decision, { team })
                ? AuthorizeResult.ALLOW
                : AuthorizeResult.DENY,
          };
        }),
      ) as any,
  });
}
