import type { HttpAuthService } from '@backstage/backend-plugin-api';
import Router from 'express-promise-router';
import type { GatewayMetrics } from './GatewayMetrics';

/**
 * /metrics in Prometheus' text format. Open by default like most exporters (the plugin adds an
 * unauthenticated auth policy for it); with `inference.metrics.public: false` it needs a
 * Backstage identity (a service token for the scraper).
 */
export function createMetricsRouter(options: {
  metrics: GatewayMetrics;
  httpAuth: HttpAuthService;
  public: boolean;
}) {
  const router = Router();
  router.get('/metrics', async (req, res) => {
    if (!options.public) {
      await options.httpAuth.credentials(req, { allow: ['service', 'user'] });
    }
    res.setHeader('content-type', options.metrics.registry.contentType);
    res.end(await options.metrics.registry.metrics());
  });
  return router;
}
