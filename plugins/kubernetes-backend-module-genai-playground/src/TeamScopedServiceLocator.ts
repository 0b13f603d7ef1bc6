import type { PermissionsService } from '@backstage/backend-plugin-api';
import { type Entity, stringifyEntityRef } from '@backstage/catalog-model';
import type {
  ClusterDetails,
  KubernetesServiceLocator,
  ServiceLocatorRequestContext,
} from '@backstage/plugin-kubernetes-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { kubernetesWorkloadsReadPermission } from '@genai-portal/plugin-genai-playground-common';

/**
 * The Kubernetes plugin reads the cluster with the portal's credentials, for whatever entity a
 * request names. This locator asks the permission policy about each entity
 * (`genai-playground.kubernetes.workloads.read` on the entity) and hands the entity to the
 * configured locator only when allowed; otherwise the entity is on no cluster, so nothing of it
 * is fetched. The policy scopes it to environments (Resources) of the user's teams.
 * @public
 */
export class TeamScopedServiceLocator implements KubernetesServiceLocator {
  constructor(
    private readonly inner: KubernetesServiceLocator,
    private readonly permissions: PermissionsService,
  ) {}

  async getClustersByEntity(
    entity: Entity | undefined,
    context: ServiceLocatorRequestContext,
  ): Promise<{ clusters: ClusterDetails[] }> {
    // The plugin passes no entity when a request names none: nothing to show.
    if (!entity?.metadata?.name) return { clusters: [] };
    const [decision] = await this.permissions.authorize(
      [
        {
          permission: kubernetesWorkloadsReadPermission,
          resourceRef: stringifyEntityRef(entity),
        },
      ],
      { credentials: context.credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) return { clusters: [] };
    return this.inner.getClustersByEntity(entity, context);
  }
}
