import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** An attribute value as OTLP/JSON encodes it (64-bit integers may come as strings). */
interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number | string;
  doubleValue?: number;
}

/** A span as received, its attributes decoded to plain values. */
export interface ReceivedSpan {
  name: string;
  kind: number;
  scope: string;
  service: string;
  traceId: string;
  parentSpanId?: string;
  status: { code?: number; message?: string };
  attributes: Record<string, string | number | boolean | undefined>;
}

function decode(attributes: { key: string; value: AnyValue }[] = []) {
  return Object.fromEntries(
    attributes.map(({ key, value }) => [
      key,
      value.intValue !== undefined
        ? Number(value.intValue)
        : value.stringValue ?? value.boolValue ?? value.doubleValue,
    ]),
  );
}

/**
 * A minimal OTLP/HTTP trace receiver (an OpenTelemetry Collector's `POST /v1/traces`) for
 * `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/json`: it keeps every span it is sent.
 */
export async function startOtlpReceiver() {
  const spans: ReceivedSpan[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', chunk => (body += chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end();
        return;
      }
      const request = JSON.parse(body);
      for (const resourceSpans of request.resourceSpans ?? []) {
        const resource = decode(resourceSpans.resource?.attributes);
        for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
          for (const span of scopeSpans.spans ?? []) {
            spans.push({
              name: span.name,
              kind: span.kind,
              scope: scopeSpans.scope?.name,
              service: String(resource['service.name']),
              traceId: span.traceId,
              parentSpanId: span.parentSpanId || undefined,
              status: span.status ?? {},
              attributes: decode(span.attributes),
            });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    close: () => new Promise<void>(done => server.close(() => done())),
  };
}
