import type { Entity } from '@backstage/catalog-model';

const is = (entity: Entity, kind: string) =>
  entity.kind.toLocaleLowerCase('en-US') === kind;

/** A playground environment as the catalog module publishes it. @public */
export function isPlaygroundEnvironmentEntity(entity: Entity): boolean {
  return (
    is(entity, 'resource') && entity.spec?.type === 'playground-environment'
  );
}

/** A GPU pool resource, or the GenAI Playground system (which shows every pool). @public */
export function isGpuPoolEntity(entity: Entity): boolean {
  return (
    (is(entity, 'resource') && entity.spec?.type === 'gpu-node-pool') ||
    (is(entity, 'system') && entity.metadata.name === 'genai-playground')
  );
}

/** Teams: every Group. @public */
export function isTeamEntity(entity: Entity): boolean {
  return is(entity, 'group');
}
