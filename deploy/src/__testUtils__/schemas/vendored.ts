import fs from 'node:fs';
import path from 'node:path';

/*
 * Schemas of kinds without a published model, copied from each project's CRD (the version's
 * openAPIV3Schema, as JSON) into deploy/schemas/<group>/<version>/<Kind>.json; the README there
 * says where each comes from.
 */

// Tests only run from source, so the package folder is a fixed step up from here.
// eslint-disable-next-line no-restricted-syntax
export const schemasDir = path.resolve(__dirname, '../../../schemas');

/** The vendored file of apiVersion/kind (whether or not it exists). */
export function schemaFile(apiVersion: string, kind: string): string {
  const [group, version] = apiVersion.includes('/')
    ? apiVersion.split('/')
    : ['core', apiVersion];
  return path.join(schemasDir, group, version, `${kind}.json`);
}

export function readSchema(file: string): any {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** Gatekeeper makes a CRD per ConstraintTemplate: the constraint's fields around the template's parameters. */
export const CONSTRAINTS_API = 'constraints.gatekeeper.sh/v1beta1';

/** The schema of a constraint whose template declares `parameters`. */
export function constraintSchema(parameters: any): any {
  const base = readSchema(schemaFile(CONSTRAINTS_API, 'constraint'));
  return {
    ...base,
    properties: {
      ...base.properties,
      spec: {
        ...base.properties.spec,
        properties: {
          ...base.properties.spec.properties,
          parameters: parameters ?? {
            'x-kubernetes-preserve-unknown-fields': true,
          },
        },
      },
    },
  };
}
