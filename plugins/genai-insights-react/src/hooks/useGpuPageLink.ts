import { gpuRouteRef } from '../routes';
import { usePageLink } from './usePageLink';

/**
 * Links to the GPU utilization page for teams (`?team=ml-research`), or for all of the caller's
 * teams; undefined when the app has no GPU page.
 * @public
 */
export function useGpuPageLink(): (teams?: string[]) => string | undefined {
  return usePageLink(gpuRouteRef);
}
