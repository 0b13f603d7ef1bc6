import type {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  type BasicPermission,
  type PermissionCondition,
  type PermissionCriteria,
  type PolicyDecision,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  createConditionAuthorizer,
  type PermissionRuleset,
} from '@backstage/plugin-permission-node';
import {
  INSIGHTS_TEAM_RULES,
  type InsightsTeamResourceType,
} from '@genai-portal/plugin-genai-insights-common';
import { authorize } from '../lib/authorize';
import { insightsTeamRuleset, teamKey, type InsightsTeam } from './rules';

/** A permission on a team's costs or budgets. */
export type TeamPermission = ResourcePermission<InsightsTeamResourceType>;

/** Which teams a caller may reach under a permission: every team, or these group refs. */
export type TeamScope = { all: true } | { all: false; teams: string[] };

/**
 * The one way the plugin asks the permission policy. Who may read or set which team's costs is
 * the policy's to decide (members and leads, admins, services); the routes say what they are
 * about to do and for which teams, and conditional decisions are applied here with the plugin's
 * own rules.
 */
export class TeamScopeGate {
  readonly #permissions: PermissionsService;
  readonly #applies: (decision: PolicyDecision, team: InsightsTeam) => boolean;

  constructor(options: {
    permissions: PermissionsService;
    /** The rules conditions are applied with: the registry's. Default: the plugin's own. */
    ruleset?: PermissionRuleset<InsightsTeam, unknown, string>;
  }) {
    this.#permissions = options.permissions;
    const authorizer = createConditionAuthorizer(
      (options.ruleset ?? insightsTeamRuleset) as PermissionRuleset<
        InsightsTeam,
        unknown,
        string
      >,
    );
    this.#applies = (decision, team) => authorizer(decision, team);
  }

  /** Throws NotAllowedError (403) naming the permission unless the policy allows it. */
  async require(
    permission: BasicPermission,
    credentials: BackstageCredentials,
  ): Promise<void> {
    await authorize(this.#permissions, credentials, permission);
  }

  /**
   * The teams the caller may reach: ALLOW is every team; a conditional decision the teams its
   * IS_TEAM conditions name when they are alternatives (anyOf, or one condition), any other shape
   * none, so an unexpected policy shows less, not more. DENY (a caller with no reach at all) is a
   * NotAllowedError, or no team with `orNone`.
   */
  async scope(
    permission: TeamPermission,
    credentials: BackstageCredentials,
    options?: { orNone?: boolean },
  ): Promise<TeamScope> {
    const decision = await this.#decide(permission, credentials);
    if (decision.result === AuthorizeResult.ALLOW) return { all: true };
    if (decision.result === AuthorizeResult.CONDITIONAL) {
      return { all: false, teams: teamsOf(decision.conditions) };
    }
    if (options?.orNone) return { all: false, teams: [] };
    throw new NotAllowedError(`Not allowed: ${permission.name}`);
  }

  /**
   * The teams a query reads, as group refs: the teams asked for, each within the caller's scope
   * (a team outside it is a NotAllowedError naming it, so the caller can tell "not allowed" from
   * "nothing there"); none asked for, every team the caller may reach (`teams` undefined: all).
   * `all` says whether the caller reaches every team.
   */
  async teamsToRead(
    permission: TeamPermission,
    credentials: BackstageCredentials,
    requested: string[] | undefined,
  ): Promise<{ all: boolean; teams?: string[] }> {
    const scope = await this.scope(permission, credentials);
    const asked = requested && unique(requested);
    if (scope.all) return { all: true, teams: asked };
    if (!asked) return { all: false, teams: scope.teams };
    const allowed = new Set(scope.teams);
    const outside = asked.filter(team => !allowed.has(team));
    if (outside.length > 0) {
      throw new NotAllowedError(
        `Not allowed: ${permission.name} on ${outside.join(', ')}`,
      );
    }
    return { all: false, teams: asked };
  }

  /** Throws NotAllowedError naming the permission and the team unless the policy allows it there. */
  async requireOnTeam(
    permission: TeamPermission,
    team: string,
    credentials: BackstageCredentials,
  ): Promise<void> {
    const decision = await this.#decide(permission, credentials);
    const allowed =
      decision.result === AuthorizeResult.ALLOW ||
      (decision.result === AuthorizeResult.CONDITIONAL &&
        this.#applies(decision, { team }));
    if (!allowed) {
      throw new NotAllowedError(`Not allowed: ${permission.name} on ${team}`);
    }
  }

  async #decide(
    permission: TeamPermission,
    credentials: BackstageCredentials,
  ): Promise<PolicyDecision> {
    const [decision] = await this.#permissions.authorizeConditional(
      [{ permission }],
      { credentials },
    );
    return decision;
  }
}

/** Group refs, lower case, each once, in order; what is not a group is dropped. */
function unique(teams: string[]): string[] {
  return [...new Set(teams.flatMap(t => teamKey(t) ?? []))];
}

/** The alternatives of a decision: its anyOf, or its one condition; none for other shapes. */
function alternativesOf(
  criteria: PermissionCriteria<PermissionCondition>,
): PermissionCriteria<PermissionCondition>[] {
  if ('anyOf' in criteria) return criteria.anyOf;
  if ('rule' in criteria) return [criteria];
  return [];
}

/** The teams the IS_TEAM alternatives of a decision name. */
function teamsOf(criteria: PermissionCriteria<PermissionCondition>): string[] {
  return unique(
    alternativesOf(criteria).flatMap(c => {
      if (!('rule' in c) || c.rule !== INSIGHTS_TEAM_RULES.IS_TEAM) return [];
      const teams = (c.params as { teams?: unknown } | undefined)?.teams;
      return Array.isArray(teams)
        ? teams.filter((t): t is string => typeof t === 'string')
        : [];
    }),
  );
}
