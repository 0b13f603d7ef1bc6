import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { ENVIRONMENTS, layerNames, layersDir, renderLayer } from '../layers';
import { chart, render, type Manifest } from '../render';
import { binary } from '../../tools';

/*
 * Everything the repository renders or applies: the portal's chart with its default values and
 * with each environment's values file, the platform's kustomization, every layer in every
 * environment, and the plain manifests of deploy/gitops and deploy/tekton.
 */

export type ManifestSource = { name: string; render: () => Manifest[] };

// Tests only run from source, so the package folder is a fixed step up from here.
// eslint-disable-next-line no-restricted-syntax
const deployDir = path.resolve(__dirname, '../../..');

const documents = (text: string): Manifest[] =>
  parseAllDocuments(text)
    .map(d => d.toJSON())
    .filter(Boolean);

function chartWithValues(file: string): Manifest[] {
  const out = execFileSync(
    binary('helm'),
    ['template', 'portal', chart, '--namespace', 'genai-portal', '-f', file],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return documents(out);
}

function chartSources(): ManifestSource[] {
  const envFiles = fs
    .readdirSync(chart)
    .filter(f => /^values-.+\.ya?ml$/.test(f))
    .sort();
  return [
    { name: 'helm/genai-portal (values.yaml)', render: () => render() },
    ...envFiles.map(f => ({
      name: `helm/genai-portal (${f})`,
      render: () => chartWithValues(path.join(chart, f)),
    })),
  ];
}

const platformSource: ManifestSource = {
  name: 'platform (kustomize)',
  render: () =>
    documents(
      execFileSync(
        binary('kubectl'),
        ['kustomize', path.join(deployDir, 'platform')],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
      ),
    ),
};

/** A layer that is off by default (`enabled: false`) is rendered switched on too, to check its templates. */
const offByDefault = (layer: string) =>
  parse(fs.readFileSync(path.join(layersDir, layer, 'values.yaml'), 'utf8'))
    ?.enabled === false;

function layerSources(): ManifestSource[] {
  return layerNames().flatMap(layer =>
    ENVIRONMENTS.flatMap(env => [
      {
        name: `layers/${layer} (${env})`,
        render: () => renderLayer(layer, env),
      },
      ...(offByDefault(layer)
        ? [
            {
              name: `layers/${layer} (${env}, enabled=true)`,
              render: () => renderLayer(layer, env, 'enabled=true'),
            },
          ]
        : []),
    ]),
  );
}

/** Objects a cluster gets: kustomize's own files and documents without a kind are not. */
const isClusterObject = (m: Manifest) =>
  typeof m === 'object' &&
  Boolean(m.kind) &&
  !String(m.apiVersion).startsWith('kustomize.config.k8s.io/');

function helmTemplate(dir: string): Manifest[] {
  const out = execFileSync(
    binary('helm'),
    ['template', path.basename(dir), dir],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return documents(out);
}

/** The manifests of a folder: a Helm chart rendered with its defaults, else each YAML file. */
function folderSources(dir: string): ManifestSource[] {
  if (!fs.existsSync(dir)) return [];
  const name = path.relative(deployDir, dir);
  if (fs.existsSync(path.join(dir, 'Chart.yaml')))
    return [{ name: `${name} (helm)`, render: () => helmTemplate(dir) }];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap(entry => {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) return folderSources(file);
      if (!/\.ya?ml$/.test(entry.name)) return [];
      return [
        {
          name: path.relative(deployDir, file),
          render: () =>
            documents(fs.readFileSync(file, 'utf8')).filter(isClusterObject),
        },
      ];
    });
}

export function manifestSources(): ManifestSource[] {
  return [
    ...chartSources(),
    platformSource,
    ...layerSources(),
    ...folderSources(path.join(deployDir, 'gitops')),
    ...folderSources(path.join(deployDir, 'tekton')),
  ];
}
