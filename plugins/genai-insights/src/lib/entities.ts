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
