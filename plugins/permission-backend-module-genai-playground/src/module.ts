import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { GenaiPlaygroundPermissionPolicy } from './GenaiPlaygroundPermissionPolicy';
import { CatalogTeamLeads } from './TeamLeads';

/**
 * The portal's permission policy: members manage their team's environments, leads read them,
 * the admin groups administer, and the rest of the portal stays open.
 * @public
 */
export const permissionModuleGenaiPlayground = createBackendModule({
  pluginId: 'permission',
  moduleId: 'genai-playground',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        config: coreServices.rootConfig,
        catalog: catalogServiceRef,
        auth: coreServices.auth,
        logger: coreServices.logger,
      },
      async init({ policy, config, catalog, auth, logger }) {
        policy.setPolicy(
          GenaiPlaygroundPermissionPolicy.fromConfig(config, {
            leads: new CatalogTeamLeads({ catalog, auth, logger }),
          }),
        );
      },
    });
  },
});
