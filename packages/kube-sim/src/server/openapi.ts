/**
 * Just enough OpenAPI for kubectl. `kubectl apply` (and create/replace with
 * the default --validate=strict) asks /openapi/v3 whether each kind's PATCH
 * operation takes the `fieldValidation` query parameter, and leaves
 * validation to the server when it does; it also loads /openapi/v2 (as
 * protobuf) up front, where an empty document is valid and means "no
 * client-side schemas". Strategic merge patches are then computed from
 * kubectl's built-in types. No schemas are served.
 */
import http from 'node:http';
import { ResourceDef, RESOURCES } from '../api/resources';
import { SERVER_VERSION } from './discovery';

function groupVersions(defs: ResourceDef[]): string[] {
  return [
    ...new Set(
      defs.map(d =>
        d.group ? `apis/${d.group}/${d.version}` : `api/${d.version}`,
      ),
    ),
  ];
}

/** `served`: the static table plus the constraint kinds Gatekeeper's templates add. */
export function openApiV3Index(served: ResourceDef[] = RESOURCES) {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const gv of groupVersions(served)) {
    paths[gv] = {
      serverRelativeURL: `/openapi/v3/${gv}?hash=kube-sim-${SERVER_VERSION.gitVersion}`,
    };
  }
  return { paths };
}

const QUERY_PARAMS = [
  'dryRun',
  'fieldManager',
  'fieldValidation',
  'force',
  'pretty',
].map(name => ({
  name,
  in: 'query',
  schema: { type: name === 'force' ? 'boolean' : 'string', uniqueItems: true },
}));

export function openApiV3Doc(gv: string, served: ResourceDef[] = RESOURCES) {
  if (!groupVersions(served).includes(gv)) return undefined;
  const paths: Record<string, unknown> = {};
  for (const def of served) {
    const dgv = def.group
      ? `apis/${def.group}/${def.version}`
      : `api/${def.version}`;
    if (dgv !== gv || def.viewOf) continue;
    const base = def.namespaced
      ? `/${gv}/namespaces/{namespace}/${def.plural}`
      : `/${gv}/${def.plural}`;
    const gvk = { group: def.group, version: def.version, kind: def.kind };
    const op = (action: string) => ({
      operationId: `${action}${def.kind}`,
      'x-kubernetes-action': action,
      'x-kubernetes-group-version-kind': gvk,
      parameters: QUERY_PARAMS,
      responses: { '200': { description: 'OK' } },
    });
    paths[base] = { post: op('post'), get: op('list') };
    paths[`${base}/{name}`] = {
      get: op('get'),
      put: op('put'),
      patch: op('patch'),
      delete: op('delete'),
    };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: SERVER_VERSION.gitVersion },
    paths,
    components: { schemas: {} },
  };
}

export function sendOpenApiV2(
  req: http.IncomingMessage,
  res: http.ServerResponse,
) {
  const accept = req.headers.accept ?? '';
  if (accept.includes('protobuf')) {
    // A zero-length protobuf message decodes to an empty openapi_v2.Document.
    res.writeHead(200, {
      'Content-Type':
        'application/com.github.proto-openapi.spec.v2.v1.0+protobuf',
      'Content-Length': 0,
    });
    res.end();
    return;
  }
  const body = JSON.stringify({
    swagger: '2.0',
    info: { title: 'Kubernetes', version: SERVER_VERSION.gitVersion },
    paths: {},
    definitions: {},
  });
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}
