import { useRouteRef } from '@backstage/core-plugin-api';
import { teamParam } from '../lib/format';
import { costRouteRef } from '../routes';

/**
 * Links to the cost page for a team (`?team=ml-research`), or undefined when the app has no cost
 * page (a legacy app that shows the entity cards without mounting the page).
 */
export function useCostPageLink(): (team: string) => string | undefined {
  let link: (() => string) | undefined;
  try {
    // Not conditional in effect: useRouteRef runs all of its hooks before it throws for an
    // unbound ref, so the hook order is the same on every render.
    // eslint-disable-next-line react-hooks/rules-of-hooks
    link = useRouteRef(costRouteRef);
  } catch {
    link = undefined;
  }
  return (team: string) =>
    link ? `${link()}?team=${encodeURIComponent(teamParam(team))}` : undefined;
}
