/**
 * `fieldValidation=Strict` (what kubectl create/apply/replace send by default): the API server
 * decodes a body into its Go types and refuses one with fields those types do not have, so that
 * a misspelt field fails instead of being dropped. The fields of each type come from
 * @kubernetes/client-node's models, generated from the same OpenAPI as the server's types.
 */
import * as models from '@kubernetes/client-node';
import { ResourceDef } from '../api/resources';
import { badRequest } from '../status';

interface Attribute {
  baseName: string;
  type: string;
}

type Model = { getAttributeTypeMap(): Attribute[] };

function modelOf(type: string): Model | undefined {
  const model = (models as Record<string, unknown>)[type] as Model | undefined;
  return typeof model?.getAttributeTypeMap === 'function' ? model : undefined;
}

/** The model of a kind, e.g. `V1StatefulSet`, `V2HorizontalPodAutoscaler`, `CoreV1Event`. */
function kindModel(def: ResourceDef): string | undefined {
  const version = def.version.charAt(0).toUpperCase() + def.version.slice(1);
  const names = [`${version}${def.kind}`];
  // Core kinds whose name another group shares carry the group's prefix.
  if (!def.group) names.push(`Core${version}${def.kind}`);
  return names.find(name => modelOf(name));
}

function unknownFields(
  value: unknown,
  type: string,
  path: string,
  out: string[],
) {
  if (value === null || typeof value !== 'object') return;
  const item = /^Array<(.+)>$/.exec(type)?.[1];
  if (item) {
    if (Array.isArray(value)) {
      value.forEach((v, i) => unknownFields(v, item, `${path}[${i}]`, out));
    }
    return;
  }
  const entry = /^\{ \[key: string\]: (.+); \}$/.exec(type)?.[1];
  if (entry) {
    for (const [key, v] of Object.entries(value)) {
      unknownFields(v, entry, `${path}[${key}]`, out);
    }
    return;
  }
  const model = modelOf(type);
  if (!model || Array.isArray(value)) return;
  const attributes = model.getAttributeTypeMap();
  for (const [key, v] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    const attribute = attributes.find(a => a.baseName === key);
    if (!attribute) out.push(at);
    else unknownFields(v, attribute.type, at, out);
  }
}

/** Throws 400 BadRequest, as the server's strict decoder does, when the body has unknown fields. */
export function checkStrictFields(
  def: ResourceDef,
  body: unknown,
  fieldValidation: string | null,
) {
  if (fieldValidation !== 'Strict') return;
  const type = kindModel(def);
  if (!type) return;
  const unknown: string[] = [];
  unknownFields(body, type, '', unknown);
  if (unknown.length) {
    throw badRequest(
      `${def.kind} in version "${def.version}" cannot be handled as a ${
        def.kind
      }: strict decoding error: ${unknown
        .map(f => `unknown field "${f}"`)
        .join(', ')}`,
    );
  }
}
