import type { NodeSDK } from '@opentelemetry/sdk-node';

/** The service name of the portal's spans when `OTEL_SERVICE_NAME` does not name one. */
export const DEFAULT_SERVICE_NAME = 'genai-portal';

const set = (value: string | undefined) => !!value?.trim();

/**
 * Whether the environment asks for traces: an OTLP endpoint, or a traces exporter other than
 * `none` (the SDK's own default would send to localhost:4318, which no pod of ours listens on).
 */
export function tracingRequested(env: NodeJS.ProcessEnv): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  const exporter = env.OTEL_TRACES_EXPORTER?.trim();
  if (exporter === 'none') return false;
  return (
    set(exporter) ||
    set(env.OTEL_EXPORTER_OTLP_ENDPOINT) ||
    set(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)
  );
}

/**
 * Starts OpenTelemetry's Node SDK for traces when the environment asks for them (see
 * tracingRequested), configured by the standard `OTEL_*` variables: by default OTLP over HTTP
 * (protobuf; `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/json` for JSON) through a batch span
 * processor. Metrics and logs stay off unless their own `OTEL_*_EXPORTER` is set: Prometheus
 * scrapes the portal's metrics, and the SDK would otherwise push both to the same endpoint.
 * No instrumentation is loaded: the spans are the plugins' own, made with `@opentelemetry/api`.
 * Returns the SDK to shut down (which flushes), or undefined when tracing is off. The SDK is
 * loaded only then: it takes about 0.35 s and 10 MB of heap.
 */
export function startTracing(env: NodeJS.ProcessEnv): NodeSDK | undefined {
  if (!tracingRequested(env)) return undefined;
  // require, not import(): the SDK's CommonJS build shares the plugins' copy of the API
  const { NodeSDK } =
    require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const sdk = new NodeSDK({
    serviceName: set(env.OTEL_SERVICE_NAME) ? undefined : DEFAULT_SERVICE_NAME,
    metricReaders: set(env.OTEL_METRICS_EXPORTER) ? undefined : [],
    logRecordProcessors: set(env.OTEL_LOGS_EXPORTER) ? undefined : [],
  });
  sdk.start();
  return sdk;
}
