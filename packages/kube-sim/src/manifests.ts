/**
 * Manifests loaded at start (`--manifest <file>`, the `manifests` option): what an admin would
 * `kubectl create -f` into a fresh cluster, e.g. the platform's Gatekeeper template and
 * constraint, or a dev environment with policy evidence in it. Each object is created through
 * the API's write path (defaulting, validation, status reset) when it is not there yet, so a
 * restart from a state file keeps what clients changed. Documents apply in order: a template
 * comes before its constraints, a namespace before what is in it.
 */
import fs from 'node:fs';
import YAML from 'yaml';
import { servedResources } from './api/constraints';
import { apiVersionOf } from './api/resources';
import { Cluster } from './cluster';
import { FleetError } from './fleet';
import { StatusError } from './status';
import { KubeObject } from './types';

/** A manifest kube-sim cannot load; the message names the file and the document. */
export class ManifestError extends FleetError {}

function readDocuments(file: string): KubeObject[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ManifestError(`${file}: ${(e as Error).message}`);
  }
  const docs = YAML.parseAllDocuments(text);
  const objects: KubeObject[] = [];
  docs.forEach((doc, i) => {
    if (doc.errors.length)
      throw new ManifestError(
        `${file}: document ${i + 1}: ${doc.errors[0].message}`,
      );
    const value = doc.toJS();
    if (value !== null && value !== undefined) objects.push(value);
  });
  return objects;
}

/** Creates the objects of `files` that are not in the store yet. */
export function loadManifests(cluster: Cluster, files: string[]): void {
  for (const file of files) {
    readDocuments(file).forEach((obj, i) => {
      const where = `${file}: document ${i + 1} (${obj?.kind}/${
        obj?.metadata?.name
      })`;
      const def = servedResources(cluster.store).find(
        d =>
          !d.viewOf &&
          apiVersionOf(d) === obj?.apiVersion &&
          d.kind === obj?.kind,
      );
      if (!def)
        throw new ManifestError(
          `${where}: kube-sim does not serve ${obj?.apiVersion} ${obj?.kind}`,
        );
      const namespace = def.namespaced
        ? obj.metadata?.namespace ?? 'default'
        : '';
      if (cluster.api.find(def, namespace, obj.metadata?.name ?? '')) return;
      try {
        cluster.api.create(def, namespace, obj, { internal: true });
      } catch (e) {
        if (e instanceof StatusError)
          throw new ManifestError(`${where}: ${e.message}`);
        throw e;
      }
    });
  }
}
