/**
 * The three patch formats the API server accepts: JSON merge patch (RFC 7386),
 * JSON patch (RFC 6902) and strategic merge patch. Strategic merge needs each
 * list's patch strategy, which the real server reads from Go struct tags; the
 * table below covers the kinds kube-sim serves (every other list is replaced,
 * as merge patch does).
 */
import { badRequest, unprocessable } from './status';

type Json = any;

const isObject = (v: unknown): v is Record<string, Json> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function clone<T>(value: T): T {
  return value === undefined ? value : JSON.parse(JSON.stringify(value));
}

export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return clone(patch);
  const result: Record<string, Json> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

type ListStrategy = { mergeKey: string } | { primitive: true } | undefined;

/** Strategy for the list at `path` (field names only, innermost last). */
function listStrategy(path: string[]): ListStrategy {
  const field = path[path.length - 1];
  const parent = path[path.length - 2];
  switch (field) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'env':
    case 'volumes':
    case 'imagePullSecrets':
    case 'resourceClaims':
    case 'schedulingGates':
      return { mergeKey: 'name' };
    case 'ports':
      return {
        mergeKey:
          parent === 'containers' ||
          parent === 'initContainers' ||
          parent === 'ephemeralContainers'
            ? 'containerPort'
            : 'port',
      };
    case 'volumeMounts':
      return { mergeKey: 'mountPath' };
    case 'volumeDevices':
      return { mergeKey: 'devicePath' };
    case 'conditions':
    case 'addresses':
      return { mergeKey: 'type' };
    case 'ownerReferences':
      return { mergeKey: 'uid' };
    case 'hostAliases':
      return { mergeKey: 'ip' };
    case 'topologySpreadConstraints':
      return { mergeKey: 'topologyKey' };
    case 'taints':
      return { mergeKey: 'key' };
    case 'finalizers':
      return { primitive: true };
    default:
      return undefined;
  }
}

export function strategicMergePatch(
  target: Json,
  patch: Json,
  path: string[] = [],
): Json {
  if (!isObject(patch)) return clone(patch);
  if (patch.$patch === 'replace') {
    const { $patch: _ignored, ...rest } = patch;
    return clone(rest);
  }
  if (patch.$patch === 'delete') return undefined;
  let result: Record<string, Json> = isObject(target) ? { ...target } : {};
  if (Array.isArray(patch.$retainKeys)) {
    const keep = new Set<string>(patch.$retainKeys);
    result = Object.fromEntries(
      Object.entries(result).filter(([k]) => keep.has(k)),
    );
  }
  for (const [key, value] of Object.entries(patch)) {
    if (
      key === '$retainKeys' ||
      key === '$patch' ||
      key.startsWith('$setElementOrder/')
    ) {
      continue;
    }
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const field = key.slice('$deleteFromPrimitiveList/'.length);
      if (!Array.isArray(value))
        throw badRequest('invalid patch: $deleteFromPrimitiveList');
      if (Array.isArray(result[field])) {
        result[field] = result[field].filter((v: Json) => !value.includes(v));
      }
      continue;
    }
    if (value === null) {
      delete result[key];
      continue;
    }
    const childPath = [...path, key];
    if (Array.isArray(value)) {
      result[key] = mergeList(result[key], value, childPath);
    } else if (isObject(value)) {
      const merged = strategicMergePatch(result[key], value, childPath);
      if (merged === undefined) delete result[key];
      else result[key] = merged;
    } else {
      result[key] = value;
    }
  }
  return result;
}

function mergeList(target: Json, patch: Json[], path: string[]): Json[] {
  const strategy = listStrategy(path);
  const original: Json[] = Array.isArray(target) ? target : [];
  if (!strategy) return clone(patch);
  if ('primitive' in strategy) {
    const out = [...original];
    for (const v of patch) if (!out.includes(v)) out.push(v);
    return out;
  }
  if (patch.some(item => isObject(item) && item.$patch === 'replace')) {
    return clone(
      patch.filter(item => !(isObject(item) && item.$patch === 'replace')),
    );
  }
  const key = strategy.mergeKey;
  const out = original.map(clone);
  for (const item of patch) {
    if (!isObject(item)) {
      throw unprocessable(
        `unable to find api field in struct for ${path.join('.')}`,
      );
    }
    const index = out.findIndex(o => isObject(o) && o[key] === item[key]);
    if (item.$patch === 'delete') {
      if (index >= 0) out.splice(index, 1);
      continue;
    }
    if (index >= 0) out[index] = strategicMergePatch(out[index], item, path);
    else out.push(strategicMergePatch({}, item, path));
  }
  return out;
}

function child(node: Json, seg: string): Json {
  if (Array.isArray(node)) return node[Number(seg)];
  return isObject(node) ? node[seg] : undefined;
}

function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

function splitPointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/'))
    throw unprocessable(`invalid JSON pointer "${pointer}"`);
  return pointer.slice(1).split('/').map(unescapePointer);
}

function resolveParent(
  doc: Json,
  segments: string[],
  op: string,
): [Json, string] {
  let node = doc;
  for (const seg of segments.slice(0, -1)) {
    node = child(node, seg);
    if (node === undefined) {
      throw unprocessable(
        `${op} operation does not apply: doc is missing path: "/${segments.join(
          '/',
        )}": missing value`,
      );
    }
  }
  return [node, segments[segments.length - 1]];
}

function getAt(doc: Json, pointer: string): Json {
  let node = doc;
  for (const seg of splitPointer(pointer)) {
    node = child(node, seg);
    if (node === undefined) {
      throw unprocessable(`doc is missing path: "${pointer}": missing value`);
    }
  }
  return node;
}

function removeAt(doc: Json, pointer: string): Json {
  const segments = splitPointer(pointer);
  const [parent, last] = resolveParent(doc, segments, 'remove');
  if (Array.isArray(parent)) {
    const i = Number(last);
    if (!(i >= 0 && i < parent.length)) {
      throw unprocessable(
        `remove operation does not apply: doc is missing path: "${pointer}": missing value`,
      );
    }
    return parent.splice(i, 1)[0];
  }
  if (!isObject(parent) || !(last in parent)) {
    throw unprocessable(
      `remove operation does not apply: doc is missing path: "${pointer}": missing value`,
    );
  }
  const old = parent[last];
  delete parent[last];
  return old;
}

function addAt(
  doc: Json,
  pointer: string,
  value: Json,
  replace: boolean,
): Json {
  const segments = splitPointer(pointer);
  if (segments.length === 0) return clone(value);
  const op = replace ? 'replace' : 'add';
  const [parent, last] = resolveParent(doc, segments, op);
  if (Array.isArray(parent)) {
    const i = last === '-' ? parent.length : Number(last);
    if (
      !(Number.isInteger(i) && i >= 0 && i <= parent.length) ||
      (replace && i >= parent.length)
    ) {
      throw unprocessable(
        `${op} operation does not apply: doc is missing path: "${pointer}": missing value`,
      );
    }
    if (replace) parent[i] = clone(value);
    else parent.splice(i, 0, clone(value));
  } else if (isObject(parent)) {
    if (replace && !(last in parent)) {
      throw unprocessable(
        `replace operation does not apply: doc is missing key: ${pointer}: missing value`,
      );
    }
    parent[last] = clone(value);
  } else {
    throw unprocessable(
      `${op} operation does not apply: doc is missing path: "${pointer}": missing value`,
    );
  }
  return doc;
}

export function jsonPatch(target: Json, ops: Json): Json {
  if (!Array.isArray(ops)) {
    throw badRequest(
      'json: cannot unmarshal object into Go value of type jsonpatch.Patch',
    );
  }
  let doc = clone(target);
  for (const op of ops) {
    switch (op?.op) {
      case 'add':
        doc = addAt(doc, op.path, op.value, false);
        break;
      case 'replace':
        doc = addAt(doc, op.path, op.value, true);
        break;
      case 'remove':
        removeAt(doc, op.path);
        break;
      case 'move': {
        const value = removeAt(doc, op.from);
        doc = addAt(doc, op.path, value, false);
        break;
      }
      case 'copy':
        doc = addAt(doc, op.path, getAt(doc, op.from), false);
        break;
      case 'test':
        if (JSON.stringify(getAt(doc, op.path)) !== JSON.stringify(op.value)) {
          throw unprocessable(`testing value ${op.path} failed: test failed`);
        }
        break;
      default:
        throw unprocessable(`Unexpected kind: ${op?.op}`);
    }
  }
  return doc;
}

export const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
];

export function applyPatch(
  contentType: string,
  target: Json,
  patch: Json,
): Json {
  switch (contentType) {
    case 'application/json-patch+json':
      return jsonPatch(target, patch);
    case 'application/merge-patch+json':
      return mergePatch(target, patch);
    case 'application/strategic-merge-patch+json':
    case 'application/apply-patch+yaml':
      // Server-side apply is approximated as a strategic merge of the applied
      // configuration (fields it omits are kept rather than pruned).
      return strategicMergePatch(target, patch);
    default:
      throw badRequest(`unsupported patch type ${contentType}`);
  }
}
