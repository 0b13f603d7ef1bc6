import type {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { metricsReadPermission } from '@genai-portal/plugin-genai-playground-common';
import Router from 'express-promise-router';
import type { GatewayMetrics } from './GatewayMetrics';

/**
 * /metrics in Prometheus' text format. Open by default like most exporters (the plugin adds an
 * unauthenticated auth policy for it); with `inference.metrics.public: false` it needs a
 * Backstage identity allowed `genai-playground.metrics.read` (the scraper's static token, whose
 * access restrictions name that permission only, or an admin).
 */
export function createMetricsRouter(options: {
  metrics: GatewayMetrics;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  public: boolean;
}) {
  const router = Router();
  router.get('/metrics', async (req, res) => {
    if (!options.public) {
      const credentials = await options.httpAuth.credentials(req, {
        allow: ['service', 'user'],
      });
      const [decision] = await options.permissions.authorize(
        [{ permission: metricsReadPermission }],
        { credentials },
      );
      if (decision.result !== AuthorizeResult.ALLOW) {
        throw new NotAllowedError(`not allowed: ${metricsReadPermission.name}`);
      }
    }
    res.setHeader('content-type', options.metrics.registry.contentType);
    res.end(await options.metrics.registry.metrics());
  });
  return router;
}
