import type { RootHttpRouterConfigureContext } from '@backstage/backend-defaults/rootHttpRouter';

/**
 * The calls that take the lane: the permission check every plugin sends the permission backend
 * for each request it serves (PermissionsService.authorize and authorizeConditional).
 */
const LANE = { method: 'POST', url: '/api/permission/authorize' };

/** The `typ` of plugin-to-plugin tokens (`tokenTypes.plugin` of @backstage/plugin-auth-node). */
const PLUGIN_TOKEN_TYPE = 'vnd.backstage.plugin';

/** Whether the bearer token's JWT header, unverified, says it is a plugin token. */
function isPluginToken(authorization: string | undefined): boolean {
  const match = /^Bearer\s+([^.\s]+)\.[^.\s]+\.[^.\s]*$/i.exec(
    authorization ?? '',
  );
  if (!match) return false;
  try {
    const header = JSON.parse(Buffer.from(match[1], 'base64url').toString());
    return header?.typ === PLUGIN_TOKEN_TYPE;
  } catch {
    return false;
  }
}

/**
 * A `configure` step for `rootHttpRouterServiceFactory`: a plugin's permission check (a POST to
 * /api/permission/authorize with a plugin token and no Origin: a backend, not a browser) goes
 * straight to the plugin routes, ahead of the root router's default middleware, as the gateway's
 * calls do (gatewayFastLane). Every other request, browsers' permission checks included, gets
 * the defaults unchanged.
 *
 * Why: each read of the portal's API makes one such call inside the backend, and the defaults
 * (helmet's browser headers, compression, the access log) cost about as much CPU as the check
 * itself. What the call loses: security headers meant for browsers (its answer goes to a backend),
 * compression (the answer is a few hundred bytes) and its access log line: the request it is made
 * for is logged, with its status, by the plugin that serves it. What it keeps: the permission
 * backend authenticates it (an unverified `typ` only chooses the lane; a forged token is refused
 * there with 401) and decides it as before; its errors go through the default error handler.
 */
export function pluginCallLane(
  context: Pick<RootHttpRouterConfigureContext, 'app' | 'routes'>,
): void {
  const { app, routes } = context;
  app.use((req, res, next) => {
    if (
      req.method === LANE.method &&
      req.url === LANE.url &&
      req.headers.origin === undefined &&
      isPluginToken(req.headers.authorization)
    ) {
      routes(req, res, next);
      return;
    }
    next();
  });
}
