/**
 * URL routing for the Kubernetes REST API: discovery, the resource paths
 * (`/api/v1/...`, `/apis/<group>/<version>/...`, namespaced, cluster-wide and
 * `/watch/` forms), subresources (status, scale, log), bearer-token auth,
 * list options (selectors, limit/continue, resourceVersion) and Table output.
 */
import http from 'node:http';
import {
  Api,
  DeleteOptions,
  PropagationPolicy,
  WriteOptions,
} from '../api/rest';
import {
  apiVersionOf,
  defaultFields,
  findResource,
  keyOf,
  ResourceDef,
  supportedFields,
} from '../api/resources';
import { findConstraint, servedResources } from '../api/constraints';
import { Cluster } from '../cluster';
import { toEventsV1 } from '../controllers/events';
import { evict } from '../api/eviction';
import { serveLogs } from '../logs';
import { applyPatch, PATCH_TYPES } from '../patch';
import {
  matchesFields,
  matchesRequirements,
  parseFieldSelector,
  parseLabelSelector,
  requirementsOf,
} from '../selectors';
import {
  badRequest,
  expired,
  methodNotAllowed,
  notFound,
  pathNotFound,
  StatusError,
  unauthorized,
} from '../status';
import { StoredObject } from '../types';
import { WatchHub } from '../watch';
import {
  apiVersions,
  group,
  groupList,
  resourceList,
  SERVER_VERSION,
} from './discovery';
import {
  decodeBody,
  mediaType,
  readBody,
  sendError,
  sendJson,
  sendText,
} from './http';
import { openApiV3Doc, openApiV3Index, sendOpenApiV2 } from './openapi';
import { checkStrictFields } from './strictDecoding';
import { toTable, wantsTable } from './table';

export interface RouterOptions {
  cluster: Cluster;
  token: string;
  watches: WatchHub;
  followers: Set<() => void>;
  bookmarkIntervalMs: number;
  serverAddress: () => string;
  metrics: () => string;
}

interface Target {
  def: ResourceDef;
  namespace?: string;
  name?: string;
  subresource?: string;
  watch: boolean;
}

const PUBLIC_PATHS = new Set([
  '/healthz',
  '/livez',
  '/readyz',
  '/version',
  '/metrics',
]);

type Lookup = (
  group: string,
  version: string,
  plural: string,
) => ResourceDef | undefined;

function parseTarget(segments: string[], find: Lookup): Target | undefined {
  let apiGroup = '';
  let version: string;
  let rest: string[];
  if (segments[0] === 'api' && segments.length >= 2) {
    version = segments[1];
    rest = segments.slice(2);
  } else if (segments[0] === 'apis' && segments.length >= 3) {
    apiGroup = segments[1];
    version = segments[2];
    rest = segments.slice(3);
  } else {
    return undefined;
  }
  let watch = false;
  if (rest[0] === 'watch') {
    watch = true;
    rest = rest.slice(1);
  }
  if (rest.length === 0) return undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const def = find(apiGroup, version, rest[2]);
    if (def?.namespaced) {
      if (rest.length > 5) return undefined;
      return {
        def,
        namespace: rest[1],
        name: rest[3],
        subresource: rest[4],
        watch,
      };
    }
  }
  const def = find(apiGroup, version, rest[0]);
  if (!def || rest.length > 3) return undefined;
  return { def, name: rest[1], subresource: rest[2], watch };
}

interface Continue {
  rv: number;
  start: string;
}

function encodeContinue(c: Continue): string {
  return Buffer.from(
    JSON.stringify({ v: 'meta.k8s.io/v1', rv: c.rv, start: c.start }),
  ).toString('base64');
}

function decodeContinue(token: string): Continue {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
    if (
      parsed.v !== 'meta.k8s.io/v1' ||
      typeof parsed.rv !== 'number' ||
      typeof parsed.start !== 'string'
    )
      throw new Error();
    return { rv: parsed.rv, start: parsed.start };
  } catch {
    throw badRequest(
      'continue key is not valid: illegal base64 data at input byte 0',
    );
  }
}

/** The deprecated orphanDependents option as a propagation policy. */
function orphanPolicy(orphan: unknown): PropagationPolicy | undefined {
  if (orphan === true || orphan === 'true') return 'Orphan';
  if (orphan === false || orphan === 'false') return 'Background';
  return undefined;
}

const sortKey = (o: StoredObject) =>
  `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

export function createRouter(opts: RouterOptions) {
  const { cluster, watches } = opts;
  const api: Api = cluster.api;
  const store = cluster.store;

  function authenticate(req: http.IncomingMessage, path: string) {
    const header = req.headers.authorization;
    if (!header && PUBLIC_PATHS.has(path)) return;
    if (!header || header !== `Bearer ${opts.token}`) throw unauthorized();
  }

  function writeOptions(query: URLSearchParams): WriteOptions {
    const dryRun = query.getAll('dryRun');
    if (dryRun.some(d => d !== 'All'))
      throw badRequest(`Invalid dry run value: ${dryRun.join(',')}`);
    return {
      dryRun: dryRun.length > 0,
      fieldManager: query.get('fieldManager') ?? undefined,
    };
  }

  function matcher(def: ResourceDef, query: URLSearchParams) {
    const labels = parseLabelSelector(query.get('labelSelector') ?? undefined);
    const fields = parseFieldSelector(
      query.get('fieldSelector') ?? undefined,
      supportedFields(def),
    );
    const convert = def.viewOf
      ? (o: StoredObject) => toEventsV1(o) as StoredObject
      : undefined;
    const matches = (o: StoredObject) => {
      const view = convert ? convert(o) : o;
      return (
        matchesRequirements(labels, o.metadata.labels) &&
        (fields.length === 0 || matchesFields(fields, defaultFields(view, def)))
      );
    };
    return {
      matches,
      convert,
      filtered: labels.length > 0 || fields.length > 0,
    };
  }

  function list(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    t: Target,
    query: URLSearchParams,
  ) {
    const { def } = t;
    const { matches, convert, filtered } = matcher(def, query);
    if (
      t.watch ||
      query.get('watch') === 'true' ||
      query.get('watch') === '1'
    ) {
      const includeObject = query.get('includeObject') ?? undefined;
      // kubectl get -w asks for each event's object as a one-row Table.
      const asTable = wantsTable(req.headers.accept)
        ? (o: StoredObject) =>
            toTable(
              def,
              [(convert ? convert(o) : o) as StoredObject],
              { resourceVersion: o.metadata.resourceVersion },
              includeObject,
            )
        : undefined;
      watches.serve(req, res, {
        store,
        key: keyOf(def),
        namespace: t.namespace,
        matches,
        convert: asTable ?? convert,
        kind: def.kind,
        apiVersion: apiVersionOf(def),
        resourceVersion: query.get('resourceVersion') ?? undefined,
        sendInitialEvents: query.get('sendInitialEvents') === 'true',
        allowBookmarks: query.get('allowWatchBookmarks') === 'true',
        timeoutSeconds: query.has('timeoutSeconds')
          ? Number(query.get('timeoutSeconds'))
          : undefined,
        bookmarkIntervalMs: opts.bookmarkIntervalMs,
      });
      return;
    }
    const limit = Number(query.get('limit') ?? 0);
    const token = query.get('continue');
    let rv = store.currentRv();
    let items = store.list(keyOf(def), t.namespace);
    if (token) {
      const c = decodeContinue(token);
      if (c.rv < store.oldestRv()) {
        throw expired(
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
        );
      }
      rv = c.rv;
      let lo = 0;
      let hi = items.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (sortKey(items[mid]) <= c.start) lo = mid + 1;
        else hi = mid;
      }
      items = items.slice(lo);
    }
    let page: StoredObject[] = [];
    let next: string | undefined;
    let remaining: number | undefined;
    if (limit > 0) {
      let i = 0;
      for (; i < items.length && page.length < limit; i++)
        if (!filtered || matches(items[i])) page.push(items[i]);
      let more = false;
      for (let j = i; j < items.length; j++) {
        if (!filtered || matches(items[j])) {
          more = true;
          break;
        }
      }
      if (more) {
        next = encodeContinue({ rv, start: sortKey(page[page.length - 1]) });
        if (!filtered) remaining = items.length - i;
      }
    } else {
      page = filtered ? items.filter(matches) : items;
    }
    const meta: Record<string, unknown> = { resourceVersion: String(rv) };
    if (next) meta.continue = next;
    if (remaining !== undefined) meta.remainingItemCount = remaining;
    if (wantsTable(req.headers.accept)) {
      sendJson(
        res,
        200,
        toTable(
          def,
          page.map(o => (convert ? convert(o) : o)) as StoredObject[],
          meta,
          query.get('includeObject') ?? undefined,
        ),
      );
      return;
    }
    const body = page
      .map(o =>
        convert
          ? JSON.stringify({
              ...convert(o),
              kind: undefined,
              apiVersion: undefined,
            })
          : store.itemJson(o),
      )
      .join(',');
    sendJson(
      res,
      200,
      `{"kind":"${def.kind}List","apiVersion":"${apiVersionOf(
        def,
      )}","metadata":${JSON.stringify(meta)},"items":[${body}]}`,
    );
  }

  function respondObject(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    def: ResourceDef,
    code: number,
    obj: StoredObject,
    query: URLSearchParams,
  ) {
    if (wantsTable(req.headers.accept)) {
      sendJson(
        res,
        code,
        toTable(
          def,
          [obj],
          { resourceVersion: obj.metadata.resourceVersion },
          query.get('includeObject') ?? undefined,
        ),
      );
      return;
    }
    sendJson(
      res,
      code,
      Object.isFrozen(obj) ? store.json(obj) : JSON.stringify(obj),
    );
  }

  function scaleOf(obj: StoredObject) {
    const selector = obj.spec?.selector ?? {};
    const req = requirementsOf(selector);
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: {
        name: obj.metadata.name,
        namespace: obj.metadata.namespace,
        uid: obj.metadata.uid,
        resourceVersion: obj.metadata.resourceVersion,
        creationTimestamp: obj.metadata.creationTimestamp,
      },
      spec: { replicas: obj.spec?.replicas ?? 0 },
      status: {
        replicas: obj.status?.replicas ?? 0,
        selector: req
          .map(r =>
            r.operator === 'In' && r.values.length === 1
              ? `${r.key}=${r.values[0]}`
              : `${r.key} ${r.operator.toLowerCase()} (${r.values.join(',')})`,
          )
          .join(','),
      },
    };
  }

  async function resource(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    t: Target,
    query: URLSearchParams,
  ) {
    const { def } = t;
    const method = req.method ?? 'GET';
    const ns = t.namespace ?? '';
    if (def.viewOf && method !== 'GET') throw methodNotAllowed();
    if (t.subresource) {
      const allowed =
        (t.subresource === 'status' && def.status) ||
        (t.subresource === 'scale' && def.scale) ||
        (t.subresource === 'log' && def.kind === 'Pod' && !def.group) ||
        (t.subresource === 'eviction' && def.kind === 'Pod' && !def.group);
      if (!allowed || !t.name) throw pathNotFound();
    }
    if (def.namespaced && t.name && t.namespace === undefined)
      throw pathNotFound();
    const getOne = () => {
      const obj = def.viewOf
        ? store.get(def.viewOf, ns, t.name!)
        : api.find(def, ns, t.name!);
      if (!obj) throw notFound(def, t.name!);
      return obj;
    };

    if (method === 'GET') {
      if (!t.name) return list(req, res, t, query);
      if (t.watch) {
        return list(
          req,
          res,
          t,
          new URLSearchParams([
            ...query,
            ['fieldSelector', `metadata.name=${t.name}`],
          ]),
        );
      }
      const obj = getOne();
      if (t.subresource === 'log')
        return serveLogs(cluster, obj, query, req, res, opts.followers);
      if (t.subresource === 'scale') return sendJson(res, 200, scaleOf(obj));
      if (def.viewOf) return sendJson(res, 200, toEventsV1(obj));
      return respondObject(req, res, def, 200, obj, query);
    }
    if (t.subresource === 'log') throw methodNotAllowed();
    const w = writeOptions(query);
    if (method === 'POST' && t.subresource === 'eviction') {
      const body = decodeBody(await readBody(req), req.headers['content-type']);
      evict(api, def, ns, t.name!, body?.deleteOptions ?? {});
      return sendJson(res, 201, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Success',
        code: 201,
      });
    }
    if (t.subresource === 'eviction') throw methodNotAllowed();
    if (method === 'POST') {
      if (t.name) throw methodNotAllowed();
      if (def.namespaced && t.namespace === undefined) throw methodNotAllowed();
      const body = decodeBody(await readBody(req), req.headers['content-type']);
      checkStrictFields(def, body, query.get('fieldValidation'));
      return respondObject(
        req,
        res,
        def,
        201,
        api.create(def, ns, body, w),
        query,
      );
    }
    if (!t.name) {
      if (method === 'DELETE') return deleteCollection(req, res, t, query, w);
      throw methodNotAllowed();
    }
    if (method === 'PUT') {
      const body = decodeBody(await readBody(req), req.headers['content-type']);
      if (t.subresource === 'scale') {
        const obj = api.get(def, ns, t.name);
        const rv = body?.metadata?.resourceVersion;
        const updated = api.patch(
          def,
          ns,
          t.name,
          'application/merge-patch+json',
          {
            metadata: rv ? { resourceVersion: rv } : {},
            spec: { replicas: body?.spec?.replicas },
          },
          w,
        );
        return sendJson(res, 200, scaleOf(updated ?? obj));
      }
      checkStrictFields(def, body, query.get('fieldValidation'));
      const updated = api.update(def, ns, t.name, body, w, t.subresource);
      return respondObject(req, res, def, 200, updated, query);
    }
    if (method === 'PATCH') {
      const type = mediaType(req.headers['content-type']);
      const body = decodeBody(
        await readBody(req),
        req.headers['content-type'],
        PATCH_TYPES,
      );
      if (type === 'application/apply-patch+yaml' && !w.fieldManager) {
        throw badRequest(
          'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
        );
      }
      if (t.subresource === 'scale') {
        const patched = applyPatch(
          type,
          scaleOf(api.get(def, ns, t.name)),
          body,
        );
        const updated = api.patch(
          def,
          ns,
          t.name,
          'application/merge-patch+json',
          { spec: { replicas: patched.spec?.replicas } },
          w,
        );
        return sendJson(res, 200, scaleOf(updated));
      }
      const created =
        type === 'application/apply-patch+yaml' && !api.find(def, ns, t.name);
      const updated = api.patch(def, ns, t.name, type, body, w, t.subresource);
      return respondObject(req, res, def, created ? 201 : 200, updated, query);
    }
    if (method === 'DELETE') {
      const del = await deleteOptions(req, query, w);
      const deleted = api.delete(def, ns, t.name, del);
      // An object deleted at once is answered with a Success Status, except
      // for kinds whose storage returns the deleted object (pods, services);
      // one still being deleted (graceful, finalizers) comes back as is.
      const gone = !del.dryRun && !api.find(def, ns, t.name);
      if (gone && def.kind !== 'Pod' && def.kind !== 'Service') {
        return sendJson(res, 200, {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Success',
          details: {
            name: t.name,
            ...(def.group ? { group: def.group } : {}),
            kind: def.plural,
            uid: deleted.metadata.uid,
          },
        });
      }
      return respondObject(req, res, def, 200, deleted, query);
    }
    throw methodNotAllowed();
  }

  async function deleteOptions(
    req: http.IncomingMessage,
    query: URLSearchParams,
    w: WriteOptions,
  ): Promise<DeleteOptions> {
    const raw = await readBody(req);
    const body =
      raw.length && raw.toString().trim()
        ? decodeBody(raw, 'application/json')
        : {};
    const policy = (query.get('propagationPolicy') ??
      body.propagationPolicy) as PropagationPolicy | undefined;
    if (policy && !['Orphan', 'Background', 'Foreground'].includes(policy)) {
      throw badRequest(
        `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan", "nil"`,
      );
    }
    const orphan = query.get('orphanDependents') ?? body.orphanDependents;
    const grace = query.get('gracePeriodSeconds') ?? body.gracePeriodSeconds;
    const dryRun =
      w.dryRun || (Array.isArray(body.dryRun) && body.dryRun.includes('All'));
    return {
      ...w,
      dryRun,
      propagationPolicy: policy ?? orphanPolicy(orphan),
      gracePeriodSeconds:
        grace !== undefined && grace !== null ? Number(grace) : undefined,
      preconditions: body.preconditions,
    };
  }

  async function deleteCollection(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    t: Target,
    query: URLSearchParams,
    w: WriteOptions,
  ) {
    const del = await deleteOptions(req, query, w);
    const { matches } = matcher(t.def, query);
    const deleted: string[] = [];
    for (const obj of store.list(keyOf(t.def), t.namespace)) {
      if (!matches(obj)) continue;
      try {
        deleted.push(
          store.itemJson(
            api.delete(
              t.def,
              obj.metadata.namespace ?? '',
              obj.metadata.name,
              del,
            ),
          ),
        );
      } catch (e) {
        if (!(e instanceof StatusError) || e.code !== 404) throw e;
      }
    }
    sendJson(
      res,
      200,
      `{"kind":"${t.def.kind}List","apiVersion":"${apiVersionOf(
        t.def,
      )}","metadata":{"resourceVersion":"${store.currentRv()}"},"items":[${deleted.join(
        ',',
      )}]}`,
    );
  }

  async function route(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://kube-sim');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const query = url.searchParams;
    if (
      path === '/healthz' ||
      path === '/livez' ||
      path === '/readyz' ||
      path.startsWith('/readyz/') ||
      path.startsWith('/livez/')
    ) {
      authenticate(req, path.split('/').slice(0, 2).join('/'));
      return sendText(res, 200, 'ok');
    }
    if (path === '/metrics') {
      authenticate(req, path);
      return sendText(
        res,
        200,
        opts.metrics(),
        'text/plain; version=0.0.4; charset=utf-8',
      );
    }
    authenticate(req, path);
    const segments = path.split('/').filter(Boolean);
    if (path === '/version') return sendJson(res, 200, SERVER_VERSION);
    if (path === '/api')
      return sendJson(res, 200, apiVersions(opts.serverAddress()));
    // Gatekeeper's constraint kinds come and go with their templates.
    const served = servedResources(store);
    if (path === '/apis') return sendJson(res, 200, groupList(served));
    if (path === '/openapi/v2') return sendOpenApiV2(req, res);
    if (path === '/openapi/v3')
      return sendJson(res, 200, openApiV3Index(served));
    if (
      segments[0] === 'openapi' &&
      segments[1] === 'v3' &&
      segments.length > 2
    ) {
      const doc = openApiV3Doc(segments.slice(2).join('/'), served);
      if (!doc) throw pathNotFound();
      return sendJson(res, 200, doc);
    }
    if (segments[0] === 'api' && segments.length === 2) {
      const doc = resourceList('', segments[1]);
      if (!doc) throw pathNotFound();
      return sendJson(res, 200, doc);
    }
    if (segments[0] === 'apis' && segments.length === 2) {
      const doc = group(segments[1], served);
      if (!doc) throw pathNotFound();
      return sendJson(res, 200, doc);
    }
    if (segments[0] === 'apis' && segments.length === 3) {
      const doc = resourceList(segments[1], segments[2], served);
      if (!doc) throw pathNotFound();
      return sendJson(res, 200, doc);
    }
    const target = parseTarget(
      segments,
      (g, v, plural) =>
        findResource(g, v, plural) ?? findConstraint(store, g, v, plural),
    );
    if (!target) throw pathNotFound();
    return resource(req, res, target, query);
  }

  return (req: http.IncomingMessage, res: http.ServerResponse) => {
    route(req, res).catch(err => sendError(res, err));
  };
}
