import type { PermissionsRegistryService } from '@backstage/backend-plugin-api';
import {
  environmentCreatePermission,
  environmentDeletePermission,
  environmentReadPermission,
  environmentUpdatePermission,
  quotaReadPermission,
} from '@genai-portal/plugin-genai-playground-common';
import { toEnvironment } from '../environments/EnvironmentService';
import type { EnvironmentStore } from '../environments/EnvironmentStore';
import { environmentPermissionRules, environmentResourceRef } from './rules';

/**
 * Registers the plugin's permissions and the environment resource type with its rules; the
 * permission backend loads environments by id (their namespace name) to apply conditions.
 */
export function registerPermissions(
  registry: PermissionsRegistryService,
  store: EnvironmentStore,
) {
  registry.addPermissions([environmentCreatePermission, quotaReadPermission]);
  registry.addResourceType({
    resourceRef: environmentResourceRef,
    permissions: [
      environmentReadPermission,
      environmentUpdatePermission,
      environmentDeletePermission,
    ],
    rules: Object.values(environmentPermissionRules),
    getResources: async ids => {
      const records = await store.list({
        ids,
        statuses: ['creating', 'ready', 'failed', 'deleting', 'deleted'],
      });
      const byId = new Map(records.map(r => [r.id, toEnvironment(r)]));
      return ids.map(id => byId.get(id));
    },
  });
}
