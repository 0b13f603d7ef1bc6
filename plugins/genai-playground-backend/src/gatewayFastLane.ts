import type { RequestHandler } from 'express';
import { PLUGIN_ID } from './pluginId';

/** Where the root router mounts the gateway: `/api/<pluginId>/v1/`. @public */
export const GATEWAY_PATH_PREFIX = `/api/${PLUGIN_ID}/v1/`;

/**
 * The part of `@backstage/backend-defaults/rootHttpRouter`'s configure context the lane uses
 * (kept structural so the plugin does not depend on backend-defaults).
 * @public
 */
export interface GatewayFastLaneContext {
  app: { use(handler: RequestHandler): unknown };
  routes: RequestHandler;
  middleware: { cors(): RequestHandler };
  applyDefaults(): void;
}

/**
 * A `configure` for `rootHttpRouterServiceFactory` that sends the OpenAI-compatible gateway
 * (`/api/<pluginId>/v1/*`) straight to the plugin routes, ahead of the root router's
 * default middleware; every other path gets the defaults unchanged.
 *
 * Why: the defaults (helmet, compression, the access log, the root rate limit) are made for the
 * portal's pages and APIs and cost about 1 ms of CPU per request, more than the gateway's own work.
 * The gateway does each job itself, per call: it authenticates and rate-limits per key, meters
 * every call to the database and to Prometheus (a better record than an access log), streams
 * uncompressed SSE as OpenAI does, and answers only JSON, marked `nosniff`. Browsers (the
 * playground page) still get the configured CORS; calls without an `Origin` skip it.
 *
 * Usage, in the backend's index.ts:
 *   backend.add(rootHttpRouterServiceFactory({ configure: gatewayFastLane }));
 * @public
 */
export function gatewayFastLane(context: GatewayFastLaneContext): void {
  const { app, routes, middleware, applyDefaults } = context;
  const cors = middleware.cors();
  app.use((req, res, next) => {
    if (!req.url.startsWith(GATEWAY_PATH_PREFIX)) {
      next();
      return;
    }
    res.setHeader('x-content-type-options', 'nosniff');
    if (req.headers.origin === undefined) {
      routes(req, res, next);
      return;
    }
    cors(req, res, error => (error ? next(error) : routes(req, res, next)));
  });
  applyDefaults();
}
