import { useRouteRef } from '@backstage/core-plugin-api';
import { environmentRouteRef } from '../routes';

/**
 * Links to environment pages, or undefined when the app has no GPU Playground page (a legacy app
 * that shows the entity cards without mounting the page).
 */
export function useEnvironmentLink(): (id: string) => string | undefined {
  let link: ((params: { id: string }) => string) | undefined;
  try {
    // Not conditional in effect: useRouteRef runs all of its hooks before it throws for an
    // unbound ref, so the hook order is the same on every render.
    // eslint-disable-next-line react-hooks/rules-of-hooks
    link = useRouteRef(environmentRouteRef);
  } catch {
    link = undefined;
  }
  return (id: string) => link?.({ id });
}
