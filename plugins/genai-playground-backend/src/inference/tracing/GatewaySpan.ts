import {
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Span,
} from '@opentelemetry/api';
import type { IncomingHttpHeaders } from 'node:http';
import type { Caller } from '../gateway/Caller';
import type { Endpoint } from '../gateway/requestShape';

/** The plugin's tracer: spans show which library made them under this name. */
export const TRACER_NAME = '@genai-portal/plugin-genai-playground-backend';

/** OpenTelemetry's `gen_ai.operation.name` of each gateway endpoint. */
const OPERATION: Record<Endpoint, string> = {
  chat: 'chat',
  completions: 'text_completion',
  embeddings: 'embeddings',
};

/** A model name the caller sent is kept to this length (it may be made up). */
const MAX_MODEL_NAME = 256;

/** How a gateway call ended, as metered. */
export interface GatewaySpanEnd {
  status: number;
  /** The error code of a failed call (e.g. `rate_limit_exceeded`, `client_closed`). */
  error?: string;
  /** The model the caller asked for. */
  requestModel?: string;
  /** The model that answered, when a model server answered. */
  responseModel?: string;
  stream?: boolean;
  inputTokens?: number;
  outputTokens?: number;
  ttftMs?: number;
}

/**
 * One gateway call as an OpenTelemetry span, after the GenAI semantic conventions (`gen_ai.*`)
 * plus the portal's own `genai_playground.*` attributes. With no SDK registered the API hands out
 * a non-recording span and every method here returns before building anything, so tracing that
 * is off costs the gateway almost nothing (the README's "Traces" gives the figure).
 */
export class GatewaySpan {
  readonly #span: Span;
  readonly #operation: string;
  #ended = false;

  private constructor(span: Span, operation: string) {
    this.#span = span;
    this.#operation = operation;
  }

  /** Starts the span of a call, a child of the caller's `traceparent` when it sent one. */
  static start(
    endpoint: Endpoint,
    headers: IncomingHttpHeaders,
    requestId: string,
  ): GatewaySpan {
    const operation = OPERATION[endpoint];
    // looked up per call, not once at load: a tracer taken before the SDK registered (from
    // another copy of the API, e.g. the SDK's ES module build) would stay a no-op for good
    const span = trace
      .getTracer(TRACER_NAME)
      .startSpan(
        operation,
        { kind: SpanKind.SERVER },
        propagation.extract(ROOT_CONTEXT, headers),
      );
    if (span.isRecording()) {
      span.setAttributes({
        'gen_ai.operation.name': operation,
        'gen_ai.system': 'vllm',
        'genai_playground.request_id': requestId,
      });
    }
    return new GatewaySpan(span, operation);
  }

  /** Who the call is charged to; the key's id, never the key. */
  setCaller(caller: Caller): void {
    if (!this.#span.isRecording()) return;
    this.#span.setAttribute('genai_playground.team', caller.team);
    if (caller.keyId) {
      this.#span.setAttribute('genai_playground.key_id', caller.keyId);
    }
    if (caller.environmentId) {
      this.#span.setAttribute(
        'genai_playground.environment',
        caller.environmentId,
      );
    }
  }

  /** The model server replica the call went to. */
  setUpstream(url: string): void {
    if (!this.#span.isRecording()) return;
    this.#span.setAttribute('genai_playground.upstream', url);
    const { hostname, port, protocol } = new URL(url);
    this.#span.setAttributes({
      'server.address': hostname,
      'server.port': Number(port) || (protocol === 'https:' ? 443 : 80),
    });
  }

  /** Adds `traceparent` to the model server's request, so vLLM's own spans join the trace. */
  injectInto(headers: Record<string, string>): void {
    if (!this.#span.isRecording()) return;
    propagation.inject(trace.setSpan(ROOT_CONTEXT, this.#span), headers);
  }

  /** Ends the span once; an answer of 400 or more (refusals included) is an error. */
  end(result: GatewaySpanEnd): void {
    if (this.#ended) return;
    this.#ended = true;
    const span = this.#span;
    if (span.isRecording()) {
      const requestModel = result.requestModel?.slice(0, MAX_MODEL_NAME);
      if (requestModel) {
        span.updateName(`${this.#operation} ${requestModel}`);
        span.setAttribute('gen_ai.request.model', requestModel);
      }
      if (result.responseModel) {
        span.setAttribute('gen_ai.response.model', result.responseModel);
      }
      span.setAttributes({
        'http.response.status_code': result.status,
        'genai_playground.stream': result.stream ?? false,
        'gen_ai.usage.input_tokens': result.inputTokens ?? 0,
        'gen_ai.usage.output_tokens': result.outputTokens ?? 0,
      });
      if (result.ttftMs !== undefined) {
        span.setAttribute('genai_playground.ttft_ms', result.ttftMs);
      }
      if (result.status >= 400) {
        const errorType = result.error ?? String(result.status);
        span.setAttribute('error.type', errorType);
        span.setStatus({ code: SpanStatusCode.ERROR, message: errorType });
      }
    }
    span.end();
  }
}
