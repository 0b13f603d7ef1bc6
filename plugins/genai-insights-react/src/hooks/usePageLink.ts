import { useRouteRef, type RouteRef } from '@backstage/core-plugin-api';
import { teamParam } from '../lib/teams';

/**
 * Links to one of the plugin's pages for teams (`?team=ml-research&team=genai-apps`), or for all
 * of the caller's teams without any; undefined when the app does not mount the page (a legacy
 * app that shows the entity cards without the pages).
 * @public
 */
export function usePageLink(
  routeRef: RouteRef,
): (teams?: string[]) => string | undefined {
  let link: (() => string) | undefined;
  try {
    // Not conditional in effect: useRouteRef runs all of its hooks before it throws for an
    // unbound ref, so the hook order is the same on every render.
    // eslint-disable-next-line react-hooks/rules-of-hooks
    link = useRouteRef(routeRef);
  } catch {
    link = undefined;
  }
  return (teams: string[] = []) => {
    if (!link) {
      return undefined;
    }
    const query = teams
      .map(t => `team=${encodeURIComponent(teamParam(t))}`)
      .join('&');
    return query ? `${link()}?${query}` : link();
  };
}
