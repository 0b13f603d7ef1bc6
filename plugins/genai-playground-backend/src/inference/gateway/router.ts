import express, { type Request, type Response } from 'express';
import { performance } from 'node:perf_hooks';
import type { ModelRegistry } from '../models/ModelRegistry';
import type { GatewayAuthenticator } from './GatewayAuthenticator';
import type { InferenceProxy } from './InferenceProxy';
import { GatewayError, sendGatewayError, toGatewayError } from './errors';
import { readBody } from './readBody';
import { nameRequest } from './requestId';
import { GatewaySpan } from '../tracing/GatewaySpan';
import type { Endpoint } from './requestShape';

export interface GatewayRouterOptions {
  auth: GatewayAuthenticator;
  proxy: InferenceProxy;
  registry: ModelRegistry;
  maxBodyBytes: number;
}

/** The POST paths under /v1 and the endpoint each serves. */
const ENDPOINTS = new Map<string, Endpoint>([
  ['/chat/completions', 'chat'],
  ['/completions', 'completions'],
  ['/embeddings', 'embeddings'],
]);

/**
 * `/v1/*`: OpenAI's API. One handler that picks the endpoint from the path itself (a Map lookup
 * rather than a nested express router walking its layers: this runs on every call), mounted
 * before the plugin's JSON body parser (bodies are read raw, once) and answering every `/v1`
 * path itself, errors in OpenAI's shape. Paths match as express matches routes: case aside, and
 * with or without a trailing slash.
 */
export function createGatewayRouter(options: GatewayRouterOptions) {
  const { auth, proxy, registry, maxBodyBytes } = options;

  const fail = (res: Response, error: unknown, t0: number) =>
    sendGatewayError(res, toGatewayError(error), {
      'x-genai-overhead-ms': (performance.now() - t0).toFixed(3),
    });

  const models = (req: Request, res: Response) => {
    const t0 = performance.now();
    nameRequest(req, res);
    res.locals.metricsRoute = '/v1/models';
    auth.authenticate(req).then(
      caller => {
        const data = registry
          .list()
          .filter(m => !caller.models || caller.models.has(m.name))
          .filter(m => !m.team || m.team === caller.team)
          .map(m => registry.toOpenAi(m));
        res.json({ object: 'list', data });
      },
      error => fail(res, error, t0),
    );
  };

  const call = (
    req: Request,
    res: Response,
    path: string,
    endpoint: Endpoint,
  ) => {
    const t0 = performance.now();
    const startedAt = Date.now();
    const requestId = nameRequest(req, res);
    res.locals.metricsRoute = `/v1${path}`;
    const span = GatewaySpan.start(endpoint, req.headers, requestId);
    readBody(req, maxBodyBytes)
      .then(async raw => {
        const caller = await auth.authenticate(req);
        span.setCaller(caller);
        await proxy.handle({
          endpoint,
          req,
          res,
          raw,
          caller,
          t0,
          startedAt,
          requestId,
          span,
        });
      })
      .catch(error => {
        if (error instanceof GatewayError && error.status === 413) {
          res.setHeader('connection', 'close');
        }
        const e = toGatewayError(error);
        span.end({ status: e.status, error: e.code ?? e.type });
        fail(res, e, t0);
      });
  };

  const unknown = (req: Request, res: Response) => {
    res.locals.metricsRoute = '/v1/*';
    sendGatewayError(
      res,
      new GatewayError(
        404,
        `Unknown request URL: ${req.method} /v1${req.path}. The gateway serves /v1/models, /v1/chat/completions, /v1/completions and /v1/embeddings.`,
        { code: 'unknown_url' },
      ),
    );
  };

  const v1 = (req: Request, res: Response) => {
    let path = req.path.toLowerCase();
    if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
    if (req.method === 'POST') {
      const endpoint = ENDPOINTS.get(path);
      if (endpoint) {
        call(req, res, path, endpoint);
        return;
      }
    } else if (
      path === '/models' &&
      (req.method === 'GET' || req.method === 'HEAD')
    ) {
      models(req, res);
      return;
    }
    unknown(req, res);
  };

  const router = express.Router();
  router.use('/v1', v1);
  return router;
}
