import {
  costRouteRef,
  usePageLink,
} from '@genai-portal/plugin-genai-insights-react';

/**
 * Links to the cost page for a team (`?team=ml-research`), or undefined when the app has no cost
 * page (a legacy app that shows the entity cards without mounting the page).
 */
export function useCostPageLink(): (team: string) => string | undefined {
  const link = usePageLink(costRouteRef);
  return (team: string) => link([team]);
}
