import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { binary } from '../tools';
import type { Manifest } from './render';

/*
 * The platform's layers (deploy/layers/<layer>, one Helm chart each) rendered as ArgoCD renders
 * them for one environment: the shared values, the environment's shared values, then the layer's
 * own values for that environment.
 */

// Tests only run from source, so the package folder is a fixed step up from here.
// eslint-disable-next-line no-restricted-syntax
export const layersDir = path.resolve(__dirname, '../../layers');

export const ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** Every layer: each folder of deploy/layers holding a Chart.yaml. */
export function layerNames(): string[] {
  return fs
    .readdirSync(layersDir)
    .filter(name => fs.existsSync(path.join(layersDir, name, 'Chart.yaml')))
    .sort();
}

/** The values files of a layer for an environment, in the order helm and ArgoCD apply them. */
export function valueFiles(layer: string, environment: Environment): string[] {
  return [
    path.join(layersDir, 'values.yaml'),
    path.join(layersDir, `values-${environment}.yaml`),
    path.join(layersDir, layer, `values-${environment}.yaml`),
  ].filter(file => fs.existsSync(file));
}

/** `helm template` of one layer for one environment, with optional --set values. */
export function renderLayer(
  layer: string,
  environment: Environment,
  ...set: string[]
): Manifest[] {
  const out = execFileSync(
    binary('helm'),
    [
      'template',
      layer,
      path.join(layersDir, layer),
      ...valueFiles(layer, environment).flatMap(f => ['-f', f]),
      ...set.flatMap(s => ['--set', s]),
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return parseAllDocuments(out)
    .map(d => d.toJSON())
    .filter(Boolean);
}

/** Every layer of one environment. */
export function renderPlatform(environment: Environment): Manifest[] {
  return layerNames().flatMap(layer => renderLayer(layer, environment));
}
