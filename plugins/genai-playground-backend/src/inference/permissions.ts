import type { PermissionsRegistryService } from '@backstage/backend-plugin-api';
import { inferencePermissions } from '@genai-portal/plugin-genai-playground-common';

/**
 * Registers `genai-playground.inference.use|deploy|usage.read` and `genai-playground.apikey.*`.
 * The API key and deploy permissions are on the environment resource type (the resourceRef is
 * the environment id), so the environment's rules and resource loader decide them.
 */
export function registerInferencePermissions(
  registry: PermissionsRegistryService,
) {
  registry.addPermissions(inferencePermissions);
}
