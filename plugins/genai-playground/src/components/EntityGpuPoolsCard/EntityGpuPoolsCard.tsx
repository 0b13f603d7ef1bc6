import { useEntity } from '@backstage/plugin-catalog-react';
import type { Entity } from '@backstage/catalog-model';
import {
  GPU_POOLS,
  GpuPool,
} from '@genai-portal/plugin-genai-playground-common';
import { GpuPoolsCard } from '../GpuPoolsCard';

/** The annotation the platform catalog puts on GPU pool resources. */
export const GPU_TYPE_ANNOTATION = 'genai-playground.io/gpu-type';

/**
 * Which pool a `gpu-node-pool` Resource stands for: its gpu-type annotation, else a name ending
 * in the pool (`gpu-pool-mi300x`). Undefined for other entities (the System page shows all).
 */
export function poolOfEntity(entity: Entity): GpuPool | undefined {
  const candidates = [
    entity.metadata.annotations?.[GPU_TYPE_ANNOTATION],
    ...GPU_POOLS.filter(pool => entity.metadata.name.endsWith(pool)),
  ];
  return candidates.find((c): c is GpuPool =>
    (GPU_POOLS as readonly string[]).includes(c ?? ''),
  );
}

/**
 * GPU pool usage on an entity page: one pool on a `gpu-node-pool` Resource, every pool on the
 * `genai-playground` System.
 * @public
 */
export function EntityGpuPoolsCard() {
  const { entity } = useEntity();
  const isPoolResource =
    entity.kind.toLocaleLowerCase('en-US') === 'resource' &&
    entity.spec?.type === 'gpu-node-pool';
  const pool = isPoolResource ? poolOfEntity(entity) : undefined;
  return (
    <GpuPoolsCard
      title={pool ? 'GPU pool usage' : 'GPU pools'}
      pools={pool ? [pool] : undefined}
    />
  );
}
