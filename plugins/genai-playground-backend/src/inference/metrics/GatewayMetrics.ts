import { Counter, Histogram, Registry } from 'prom-client';

/** The gateway's routes, as `res.locals.metricsRoute` names them. */
const GATEWAY_ROUTES = [
  ['GET', '/v1/models'],
  ['POST', '/v1/chat/completions'],
  ['POST', '/v1/completions'],
  ['POST', '/v1/embeddings'],
] as const;
/** A good answer and the errors an outage of the model servers brings. */
const SLO_CODES = ['200', '500', '502', '503', '504'];
/** The ways a model server fails that its alert counts (the gateway's own reasons). */
const UPSTREAM_FAILURES = [
  'connect',
  'timeout',
  'status_500',
  'status_502',
  'status_503',
  'status_504',
  'chunk_timeout',
  'stream_cut',
];

/**
 * The plugin's Prometheus metrics, in a registry of its own (served at `/metrics`):
 *
 * - `http_request_duration_seconds{method,route,code}`: every route of the plugin (the seed's SLO
 *   alert rules read it), streams until their last byte;
 * - `genai_gateway_tokens_total{model,direction}`: input and output tokens metered;
 * - `genai_gateway_upstream_errors_total{model,reason}`: failed tries at a model server
 *   (connect, status_5xx, timeout, stream_cut, cooled_down, ...), retried or not;
 * - `genai_gateway_time_to_first_token_seconds{model}`: streams, from the request to the first
 *   content chunk.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Duration of HTTP requests of the genai-playground plugin, until the response ended',
    labelNames: ['method', 'route', 'code'] as const,
    buckets: [
      0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120,
    ],
    registers: [this.registry],
  });
  readonly tokens = new Counter({
    name: 'genai_gateway_tokens_total',
    help: 'Tokens metered by the inference gateway',
    labelNames: ['model', 'direction'] as const,
    registers: [this.registry],
  });
  readonly upstreamErrors = new Counter({
    name: 'genai_gateway_upstream_errors_total',
    help: 'Failed tries at a model server, by reason',
    labelNames: ['model', 'reason'] as const,
    registers: [this.registry],
  });
  readonly ttft = new Histogram({
    name: 'genai_gateway_time_to_first_token_seconds',
    help: 'Time from the request to the first content chunk of streamed answers',
    labelNames: ['model'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  constructor() {
    // rate() counts only what a series gained after Prometheus first saw it: a series born
    // with the first 502 of an outage (and after a restart every series is new) would hide
    // those errors from the availability alert. The gateway's series start at zero instead.
    for (const [method, route] of GATEWAY_ROUTES) {
      for (const code of SLO_CODES)
        this.httpDuration.zero({ method, route, code });
    }
  }

  /**
   * Starts a served model's failure series at zero, for the same reason as the routes' series
   * above: the model-server alert must see the first failures of an outage. Adding 0 creates a
   * series and leaves one that exists alone, so calling it again (each discovery) is harmless.
   */
  startModelSeries(model: string) {
    for (const reason of UPSTREAM_FAILURES) {
      this.upstreamErrors.inc({ model, reason }, 0);
    }
  }

  countTokens(model: string, input: number, output: number) {
    if (input > 0) this.tokens.inc({ model, direction: 'input' }, input);
    if (output > 0) this.tokens.inc({ model, direction: 'output' }, output);
  }
}
