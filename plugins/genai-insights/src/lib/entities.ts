import {
  parseEntityRef,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';

/** Annotations the playground's catalog module puts on environment entities. */
const ENVIRONMENT_ID_ANNOTATION = 'genai-playground.io/environment-id';
const TEAM_ANNOTATION = 'genai-playground.io/team';

const is = (entity: Entity, kind: string) =>
  entity.kind.toLocaleLowerCase('en-US') === kind;

/** A playground environment as the catalog module publishes it. @public */
export function isPlaygroundEnvironmentEntity(entity: Entity): boolean {
  return (
    is(entity, 'resource') && entity.spec?.type === 'playground-environment'
  );
}

/** The annotation the platform's System carries: its policy compliance target, in percent. */
export const COMPLIANCE_TARGET_ANNOTATION =
  'genai-playground.io/policy-compliance-target';

/**
 * The platform's System (`genai-playground`), or any System with a policy compliance target:
 * where the platform's compliance card goes.
 * @public
 */
export function isPlatformSystemEntity(entity: Entity): boolean {
  return (
    is(entity, 'system') &&
    (entity.metadata.name === 'genai-playground' ||
      entity.metadata.annotations?.[COMPLIANCE_TARGET_ANNOTATION] !== undefined)
  );
}

/** The compliance target (percent) a System's annotation sets, if it is a number. */
export function complianceTargetOf(entity: Entity): number | undefined {
  const text = entity.metadata.annotations?.[COMPLIANCE_TARGET_ANNOTATION];
  const value = text === undefined ? NaN : Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/** Teams: every Group. @public */
export function isTeamEntity(entity: Entity): boolean {
  return is(entity, 'group');
}

/** The environment id of an environment entity: the ledger's `environment` (its namespace). */
export function environmentIdOf(entity: Entity): string {
  return (
    entity.metadata.annotations?.[ENVIRONMENT_ID_ANNOTATION] ??
    entity.metadata.name
  );
}

/** The group ref of the team that owns an environment entity, if it names one. */
export function environmentTeamOf(entity: Entity): string | undefined {
  const candidates = [
    typeof entity.spec?.owner === 'string' ? entity.spec.owner : undefined,
    entity.metadata.annotations?.[TEAM_ANNOTATION],
  ];
  for (const candidate of candidates) {
    if (!candidate) continue;
    try {
      const ref = parseEntityRef(candidate, {
        defaultKind: 'group',
        defaultNamespace: entity.metadata.namespace ?? 'default',
      });
      if (ref.kind.toLocaleLowerCase('en-US') === 'group') {
        return stringifyEntityRef(ref);
      }
    } catch {
      // not a ref: try the next
    }
  }
  return undefined;
}
