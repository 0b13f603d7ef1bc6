import type {
  PermissionsRegistryService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { isResourcePermission } from '@backstage/plugin-permission-common';
import {
  ENVIRONMENT_RESOURCE_TYPE,
  genaiPlaygroundJobPermissions,
  genaiPlaygroundPermissions,
  inferencePermissions,
} from '@genai-portal/plugin-genai-playground-common';
import { toEnvironment } from '../environments/EnvironmentService';
import type { EnvironmentStore } from '../environments/EnvironmentStore';
import { PermissionGate } from './PermissionGate';
import { environmentPermissionRules, environmentResourceRef } from './rules';

/**
 * Registers every permission of the plugin (environments, jobs, inference, metrics) and the
 * environment resource type with its rules; the permission backend loads environments by id (their
 * namespace name) to apply conditions. Returns the gate the plugin's services ask the policy
 * through, applying conditions with the registry's rules for environments.
 */
export function registerPermissions(options: {
  registry: PermissionsRegistryService;
  permissions: PermissionsService;
  store: EnvironmentStore;
}): PermissionGate {
  const { registry, store } = options;
  const all = [
    ...genaiPlaygroundPermissions,
    ...genaiPlaygroundJobPermissions,
    ...inferencePermissions,
  ];
  registry.addPermissions(
    all.filter(p => !isResourcePermission(p, ENVIRONMENT_RESOURCE_TYPE)),
  );
  registry.addResourceType({
    resourceRef: environmentResourceRef,
    permissions: all.filter(p =>
      isResourcePermission(p, ENVIRONMENT_RESOURCE_TYPE),
    ),
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
  return new PermissionGate({
    permissions: options.permissions,
    ruleset: registry.getPermissionRuleset(environmentResourceRef),
  });
}
