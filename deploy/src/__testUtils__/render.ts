import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { binary } from '../tools';

/** The chart's folder. */
// Tests only run from source, so the package folder is a fixed step up from here.
// eslint-disable-next-line no-restricted-syntax
export const chart = path.resolve(__dirname, '../../helm/genai-portal');

export type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: any;
  [field: string]: any;
};

/** `helm template` of the chart as release `portal` in namespace `genai-portal`, with --set values. */
export function render(...set: string[]): Manifest[] {
  const out = execFileSync(
    binary('helm'),
    [
      'template',
      'portal',
      chart,
      '--namespace',
      'genai-portal',
      ...set.flatMap(s => ['--set', s]),
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return parseAllDocuments(out)
    .map(d => d.toJSON())
    .filter(Boolean);
}

export const byKind = (manifests: Manifest[], kind: string) =>
  manifests.filter(m => m.kind === kind);

export const named = (manifests: Manifest[], kind: string, name: string) => {
  const found = manifests.find(
    m => m.kind === kind && m.metadata.name === name,
  );
  if (!found) throw new Error(`no ${kind} ${name} in the chart`);
  return found;
};
