import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { kubernetesServiceLocatorExtensionPoint } from '@backstage/plugin-kubernetes-node';
import { TeamScopedServiceLocator } from './TeamScopedServiceLocator';

/**
 * Wraps the configured service locator (`kubernetes.serviceLocatorMethod`) so that users see the
 * Kubernetes objects of the entities the permission policy lets them, and no others.
 * @public
 */
export const kubernetesModuleGenaiPlayground = createBackendModule({
  pluginId: 'kubernetes',
  moduleId: 'genai-playground',
  register(reg) {
    reg.registerInit({
      deps: {
        locators: kubernetesServiceLocatorExtensionPoint,
        permissions: coreServices.permissions,
      },
      async init({ locators, permissions }) {
        locators.addServiceLocator(
          async ({ getDefault }) =>
            new TeamScopedServiceLocator(await getDefault(), permissions),
        );
      },
    });
  },
});
