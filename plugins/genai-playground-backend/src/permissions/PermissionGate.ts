import type {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  type BasicPermission,
  type PermissionCriteria,
  type PermissionCondition,
  type PolicyDecision,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  createConditionAuthorizer,
  createConditionTransformer,
  type PermissionRuleset,
} from '@backstage/plugin-permission-node';
import {
  ENVIRONMENT_RULES,
  type Environment,
} from '@genai-portal/plugin-genai-playground-common';
import {
  environmentRuleset,
  normalizeRef,
  type EnvironmentQuery,
} from './rules';

type EnvironmentPermission = ResourcePermission<'genai-playground-environment'>;

/** What the rules of an environment look at: its team and its owner. */
export type EnvironmentSubject = Pick<Environment, 'team' | 'owner'>;

/** Which teams a caller may see: every team, or these group refs. */
export type TeamScope = { all: true } | { all: false; teams: string[] };

/**
 * The one way the plugin asks the permission policy. Who may do what (admins, members, leads)
 * is the policy's to decide; services only say what they are about to do and to which
 * environment. Conditional decisions are applied here, with the plugin's own rules, so an
 * environment that does not exist yet (a create) or one already loaded is decided without a round
 * trip through the permission backend.
 */
export class PermissionGate {
  readonly #permissions: PermissionsService;
  readonly #applies: (
    decision: PolicyDecision,
    environment: EnvironmentSubject | undefined,
  ) => boolean;
  readonly #toQuery: (
    conditions: PermissionCriteria<PermissionCondition>,
  ) => PermissionCriteria<EnvironmentQuery>;

  constructor(options: {
    permissions: PermissionsService;
    /**
     * The environment rules conditions are applied with: the permission registry's, which
     * include rules modules add. Default: the plugin's own rules.
     */
    ruleset?: PermissionRuleset<Environment, EnvironmentQuery, string>;
  }) {
    this.#permissions = options.permissions;
    const ruleset = options.ruleset ?? environmentRuleset;
    const authorizer = createConditionAuthorizer(ruleset);
    this.#toQuery = createConditionTransformer(ruleset);
    this.#applies = (decision, environment) =>
      authorizer(decision, environment as Environment | undefined);
  }

  /** Throws NotAllowedError unless the policy allows the basic permission. */
  async require(
    permission: BasicPermission,
    credentials: BackstageCredentials,
  ): Promise<void> {
    const [decision] = await this.#permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`not allowed: ${permission.name}`);
    }
  }

  /**
   * One decision of the policy for the caller, as a test of environments: for a caller who
   * decides about many environments in a row (a list, the gateway's cache).
   */
  async predicate(
    permission: EnvironmentPermission,
    credentials: BackstageCredentials,
  ): Promise<(environment: EnvironmentSubject) => boolean> {
    const [decision] = await this.#permissions.authorizeConditional(
      [{ permission }],
      { credentials },
    );
    if (decision.result === AuthorizeResult.ALLOW) return () => true;
    if (decision.result === AuthorizeResult.DENY) {
      // Users always get conditions; an outright DENY is a caller with no reach at all (a token
      // restricted to other permissions): a 403, not an empty answer.
      throw new NotAllowedError(`not allowed: ${permission.name}`);
    }
    return environment => this.#applies(decision, environment);
  }

  /**
   * Whether the policy allows the permission on this environment (or environment to be); throws
   * NotAllowedError when the caller may not have it on any.
   */
  async allows(
    permission: EnvironmentPermission,
    environment: EnvironmentSubject,
    credentials: BackstageCredentials,
  ): Promise<boolean> {
    return (await this.predicate(permission, credentials))(environment);
  }

  /** Throws NotAllowedError naming the permission and environment unless allowed. */
  async requireOn(
    permission: EnvironmentPermission,
    environment: EnvironmentSubject & { id?: string },
    credentials: BackstageCredentials,
  ): Promise<void> {
    if (!(await this.allows(permission, environment, credentials))) {
      const what = environment.id
        ? `environment ${environment.id}`
        : `an environment of ${environment.team}`;
      throw new NotAllowedError(`not allowed: ${permission.name} on ${what}`);
    }
  }

  /**
   * Throws NotAllowedError unless the policy allows the permission on the environment with this
   * id. The permission backend loads the environment to apply conditions: for checks made before
   * the caller's service reads the record (so a refusal says nothing of whether it exists).
   */
  async requireOnId(
    permission: EnvironmentPermission,
    environmentId: string,
    credentials: BackstageCredentials,
  ): Promise<void> {
    const [decision] = await this.#permissions.authorize(
      [{ permission, resourceRef: environmentId }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `not allowed: ${permission.name} on environment ${environmentId}`,
      );
    }
  }

  /**
   * requireOnId for a caller that loads the environment anyway: `load` reads it (undefined when
   * there is none) and the policy's decision is applied to it here, as the permission backend
   * would apply it to what the plugin's getResources loads, without the backend's round trip back
   * to this plugin. The same answers as requireOnId: NotAllowedError unless the decision is ALLOW
   * or its conditions hold for the environment, a missing one included (so a refusal says nothing
   * of whether it exists). Resolves with what `load` found: undefined only for a caller allowed
   * on every environment, who gets to hear that it does not exist.
   */
  async loadIfAllowed<T>(
    permission: EnvironmentPermission,
    environmentId: string,
    load: () => Promise<
      { record: T; environment: EnvironmentSubject } | undefined
    >,
    credentials: BackstageCredentials,
  ): Promise<T | undefined> {
    const [decision, found] = await Promise.all([
      this.#permissions.authorizeConditional([{ permission }], { credentials }),
      load(),
    ]).then(([[d], f]) => [d, f] as const);
    if (decision.result === AuthorizeResult.ALLOW) return found?.record;
    if (
      decision.result === AuthorizeResult.CONDITIONAL &&
      found &&
      this.#applies(decision, found.environment)
    ) {
      return found.record;
    }
    throw new NotAllowedError(
      `not allowed: ${permission.name} on environment ${environmentId}`,
    );
  }

  /**
   * The policy's decision for the caller as a filter for the store to query with: undefined for
   * every environment, else the criteria its conditions translate to (the rules' toQuery), so a
   * list reads the caller's environments only instead of every one to filter here.
   */
  async queryFilter(
    permission: EnvironmentPermission,
    credentials: BackstageCredentials,
  ): Promise<PermissionCriteria<EnvironmentQuery> | undefined> {
    const [decision] = await this.#permissions.authorizeConditional(
      [{ permission }],
      { credentials },
    );
    if (decision.result === AuthorizeResult.ALLOW) return undefined;
    if (decision.result === AuthorizeResult.CONDITIONAL) {
      return this.#toQuery(decision.conditions);
    }
    throw new NotAllowedError(`not allowed: ${permission.name}`);
  }

  /** The environments of the list the policy allows the permission on. */
  async filter<T extends EnvironmentSubject>(
    permission: EnvironmentPermission,
    environments: T[],
    credentials: BackstageCredentials,
  ): Promise<T[]> {
    return environments.filter(await this.predicate(permission, credentials));
  }

  /**
   * The teams whose records (usage, costs) the caller may see under the permission. A conditional
   * decision gives the teams its IS_IN_TEAM conditions name when they are alternatives (anyOf, or
   * one condition); any other shape is read as no team, so an unexpected policy shows less, not more.
   */
  async teamScope(
    permission: EnvironmentPermission,
    credentials: BackstageCredentials,
  ): Promise<TeamScope> {
    const [decision] = await this.#permissions.authorizeConditional(
      [{ permission }],
      { credentials },
    );
    if (decision.result === AuthorizeResult.ALLOW) return { all: true };
    if (decision.result === AuthorizeResult.CONDITIONAL) {
      return { all: false, teams: teamsOf(decision.conditions) };
    }
    throw new NotAllowedError(`not allowed: ${permission.name}`);
  }
}

/** The alternatives of a decision: its anyOf, or its one condition; none for other shapes. */
function alternativesOf(
  criteria: PermissionCriteria<PermissionCondition>,
): PermissionCriteria<PermissionCondition>[] {
  if ('anyOf' in criteria) return criteria.anyOf;
  if ('rule' in criteria) return [criteria];
  return [];
}

function teamsOf(criteria: PermissionCriteria<PermissionCondition>): string[] {
  return alternativesOf(criteria).flatMap(c =>
    'rule' in c && c.rule === ENVIRONMENT_RULES.IS_IN_TEAM
      ? ((c.params as { teams?: string[] })?.teams ?? []).map(t =>
          normalizeRef(t, 'group'),
        )
      : [],
  );
}
