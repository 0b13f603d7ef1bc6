import { resolvePackagePath } from '@backstage/backend-plugin-api';
import fs from 'node:fs';
import yaml from 'yaml';

/**
 * The plugin's OpenAPI document (`openapi.yaml` beside this file), parsed: the one source of
 * its routes, read as it is rather than copied into TypeScript.
 */
export function loadOpenApiSpec() {
  const file = resolvePackagePath(
    '@genai-portal/plugin-genai-insights-backend',
    'src/schema/openapi.yaml',
  );
  return yaml.parse(fs.readFileSync(file, 'utf8'));
}
