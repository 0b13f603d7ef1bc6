import type { RequestHandler } from 'express';
import type { GatewayMetrics } from './GatewayMetrics';

/**
 * Times every request of the plugin into `http_request_duration_seconds`. The route label is the
 * matched route pattern (`/environments/:id`), never the raw path, so ids do not explode the
 * series; routes may name themselves in `res.locals.metricsRoute`.
 */
export function httpMetricsMiddleware(metrics: GatewayMetrics): RequestHandler {
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    res.once('close', () => {
      const route =
        (res.locals.metricsRoute as string | undefined) ??
        (req.route?.path as string | undefined) ??
        'unmatched';
      metrics.httpDuration.observe(
        { method: req.method, route, code: String(res.statusCode) },
        Number(process.hrtime.bigint() - start) / 1e9,
      );
    });
    next();
  };
}
