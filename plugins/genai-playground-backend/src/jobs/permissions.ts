import type { PermissionsRegistryService } from '@backstage/backend-plugin-api';
import { genaiPlaygroundJobPermissions } from '@genai-portal/plugin-genai-playground-common';

/**
 * Registers `genai-playground.job.create|read|cancel`. They are permissions on the environment
 * resource type (the resourceRef is the job's environment id), so the environment's rules and
 * resource loader decide them; no resource type of their own.
 */
export function registerJobPermissions(registry: PermissionsRegistryService) {
  registry.addPermissions(genaiPlaygroundJobPermissions);
}
