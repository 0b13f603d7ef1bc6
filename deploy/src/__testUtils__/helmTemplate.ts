import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { binary } from '../tools';
import { chart, type Manifest } from './render';

/** The portal chart's values file of an environment (values-<env>.yaml beside values.yaml). */
export const chartValues = (environment: string) =>
  path.join(chart, `values-${environment}.yaml`);

/**
 * `helm template` of a chart (a folder or a packaged .tgz) as release `portal` in `genai-portal`,
 * with values files in order (as ArgoCD passes them) and --set values.
 */
export function helmTemplate(
  chartPath: string,
  files: string[],
  ...set: string[]
): Manifest[] {
  const out = execFileSync(
    binary('helm'),
    [
      'template',
      'portal',
      chartPath,
      '--namespace',
      'genai-portal',
      ...files.flatMap(f => ['-f', f]),
      ...set.flatMap(s => ['--set', s]),
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return parseAllDocuments(out)
    .map(d => d.toJSON())
    .filter(Boolean);
}
