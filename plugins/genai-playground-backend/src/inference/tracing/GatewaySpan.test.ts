import {
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import type { Caller } from '../gateway/Caller';
import { GatewaySpan, TRACER_NAME } from './GatewaySpan';

const caller: Caller = {
  kind: 'key',
  keyId: 'key_123',
  team: 'group:default/ml-research',
  environmentId: 'ml-research-demo',
  rates: [],
  budgets: [],
};
const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

// Without an SDK first (the API's global is set once per process, as in the backend).
describe('GatewaySpan without an SDK', () => {
  it('records nothing and adds no header', () => {
    const span = GatewaySpan.start('chat', {}, 'req_1');
    span.setCaller(caller);
    span.setUpstream('http://vllm.genai-inference.svc:8000');
    const headers: Record<string, string> = {};
    span.injectInto(headers);
    span.end({ status: 200, inputTokens: 3, outputTokens: 4 });
    expect(headers).toEqual({});
  });
});

describe('GatewaySpan with an SDK', () => {
  const exporter = new InMemorySpanExporter();

  beforeAll(() => {
    trace.setGlobalTracerProvider(
      new TracerProvider({
        spanProcessors: [new SimpleSpanProcessor({ exporter })],
      }),
    );
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  });
  afterEach(() => exporter.reset());

  it('describes a chat call with the GenAI conventions and the caller', () => {
    const span = GatewaySpan.start('chat', {}, 'req_1');
    span.setCaller(caller);
    span.setUpstream('http://vllm.genai-inference.svc:8000/');
    span.end({
      status: 200,
      requestModel: 'meta-llama/Llama-3.1-8B-Instruct',
      responseModel: 'meta-llama/Llama-3.1-8B-Instruct',
      stream: true,
      inputTokens: 12,
      outputTokens: 5,
      ttftMs: 42.5,
    });

    const [done] = exporter.getFinishedSpans();
    expect(done.name).toBe('chat meta-llama/Llama-3.1-8B-Instruct');
    expect(done.kind).toBe(SpanKind.SERVER);
    expect(done.instrumentationScope.name).toBe(TRACER_NAME);
    expect(done.status.code).toBe(SpanStatusCode.UNSET);
    expect(done.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.system': 'vllm',
      'gen_ai.request.model': 'meta-llama/Llama-3.1-8B-Instruct',
      'gen_ai.response.model': 'meta-llama/Llama-3.1-8B-Instruct',
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.usage.output_tokens': 5,
      'genai_playground.request_id': 'req_1',
      'genai_playground.team': 'group:default/ml-research',
      'genai_playground.key_id': 'key_123',
      'genai_playground.environment': 'ml-research-demo',
      'genai_playground.upstream': 'http://vllm.genai-inference.svc:8000/',
      'genai_playground.stream': true,
      'genai_playground.ttft_ms': 42.5,
      'server.address': 'vllm.genai-inference.svc',
      'server.port': 8000,
      'http.response.status_code': 200,
    });
  });

  it('marks a refusal as an error, with its code, and ends once', () => {
    const span = GatewaySpan.start('embeddings', {}, 'req_2');
    span.end({ status: 429, error: 'rate_limit_exceeded' });
    span.end({ status: 200 });

    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(1);
    expect(spans[0].name).toBe('embeddings');
    expect(spans[0].status).toEqual({
      code: SpanStatusCode.ERROR,
      message: 'rate_limit_exceeded',
    });
    expect(spans[0].attributes).toMatchObject({
      'gen_ai.operation.name': 'embeddings',
      'error.type': 'rate_limit_exceeded',
      'http.response.status_code': 429,
    });
  });

  it("joins the caller's trace and passes it on to the model server", () => {
    const span = GatewaySpan.start(
      'completions',
      { traceparent: TRACEPARENT },
      'req_3',
    );
    const upstream: Record<string, string> = {};
    span.injectInto(upstream);
    span.end({ status: 200 });

    const [done] = exporter.getFinishedSpans();
    expect(done.attributes['gen_ai.operation.name']).toBe('text_completion');
    const { traceId, spanId } = done.spanContext();
    expect(traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(done.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(upstream.traceparent).toBe(`00-${traceId}-${spanId}-01`);
  });
});
