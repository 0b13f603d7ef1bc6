import { resolvePackagePath } from '@backstage/backend-plugin-api';
import fs from 'node:fs';
import yaml from 'yaml';

/**
 * The plugin's OpenAPI document (`openapi.yaml` beside this file), parsed. The YAML is the one
 * source: the router validates requests with it and the catalog shows it (`$text`), so it is read
 * as it is rather than copied into TypeScript.
 */
export function loadOpenApiSpec() {
  const file = resolvePackagePath(
    '@genai-portal/plugin-genai-playground-backend',
    'src/schema/openapi.yaml',
  );
  return yaml.parse(fs.readFileSync(file, 'utf8'));
}
