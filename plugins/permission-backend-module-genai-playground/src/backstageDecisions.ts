import {
  AuthorizeResult,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import { ownedCatalogEntities, ownScaffolderTasks } from './conditions';

/** Who is asking, as the policy sees a signed-in user that is not an admin. */
export interface UserScope {
  userEntityRef: string;
  /** Group refs of the user's sign-in (their teams). */
  groups: string[];
}

const ALLOW: PolicyDecision = { result: AuthorizeResult.ALLOW };

/** Kinds a team may delete from the catalog when it owns them; never its org or platform. */
const DELETABLE_KINDS = ['component', 'api', 'system'];

/**
 * What a signed-in user who is not an admin may do in the Backstage plugins the app uses. A
 * permission not listed here is denied (the policy's default): an upgrade that brings a new
 * permission closes it until someone decides.
 */
export const backstageDecisions: Record<
  string,
  (user: UserScope) => PolicyDecision
> = {
  // Browse the catalog and register components; org, platform Resources and Locations
  // themselves are admins' (catalog.rules in app-config limit the kinds a location may bring).
  'catalog.entity.read': () => ALLOW,
  'catalog.entity.refresh': () => ALLOW,
  'catalog.entity.validate': () => ALLOW,
  'catalog.entity.create': () => ALLOW,
  'catalog.location.read': () => ALLOW,
  'catalog.location.analyze': () => ALLOW,
  'catalog.location.create': () => ALLOW,
  'catalog.entity.delete': user =>
    ownedCatalogEntities(DELETABLE_KINDS, user.groups),

  // Run templates; see and cancel one's own runs.
  'scaffolder.action.execute': () => ALLOW,
  'scaffolder.template.parameter.read': () => ALLOW,
  'scaffolder.template.step.read': () => ALLOW,
  'scaffolder.task.create': () => ALLOW,
  'scaffolder.task.read': user => ownScaffolderTasks(user.userEntityRef),
  'scaffolder.task.cancel': user => ownScaffolderTasks(user.userEntityRef),

  // The Kubernetes tab: which entities' objects a user sees is decided per entity by
  // genai-playground.kubernetes.workloads.read (the portal's service locator asks it). The proxy
  // would act with the portal's own credentials on any path: admins only.
  'kubernetes.clusters.read': () => ALLOW,
  'kubernetes.resources.read': () => ALLOW,
};
