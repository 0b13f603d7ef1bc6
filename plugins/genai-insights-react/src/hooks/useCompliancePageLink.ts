import { complianceRouteRef } from '../routes';
import { usePageLink } from './usePageLink';

/**
 * Links to the compliance page for teams (`?team=ml-research`), or for all of the caller's teams;
 * undefined when the app has no compliance page.
 * @public
 */
export function useCompliancePageLink(): (
  teams?: string[],
) => string | undefined {
  return usePageLink(complianceRouteRef);
}
