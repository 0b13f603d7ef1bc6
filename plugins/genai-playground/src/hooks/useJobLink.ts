import { useRouteRef } from '@backstage/core-plugin-api';
import { jobRouteRef } from '../routes';

/**
 * Links to job pages, or undefined when the app has no jobs page (a legacy app that shows the
 * entity cards without mounting the page).
 */
export function useJobLink(): (id: string) => string | undefined {
  let link: ((params: { id: string }) => string) | undefined;
  try {
    // As useEnvironmentLink: useRouteRef runs all of its hooks before it throws for an unbound
    // ref, so the hook order is the same on every render.
    // eslint-disable-next-line react-hooks/rules-of-hooks
    link = useRouteRef(jobRouteRef);
  } catch {
    link = undefined;
  }
  return (id: string) => link?.({ id });
}
