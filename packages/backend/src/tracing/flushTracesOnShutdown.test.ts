import { startTestBackend } from '@backstage/backend-test-utils';
import {
  BatchSpanProcessor,
  TracerProvider,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace';
import { flushTracesOnShutdown } from './flushTracesOnShutdown';

describe('flushTracesOnShutdown', () => {
  it('exports the spans a batch processor still holds when the backend stops', async () => {
    const exported: string[] = [];
    // (InMemorySpanExporter forgets its spans when it is shut down)
    const exporter: SpanExporter = {
      export(spans: ReadableSpan[], done) {
        exported.push(...spans.map(s => s.name));
        done({ code: 0 });
      },
      shutdown: async () => {},
    };
    const provider = new TracerProvider({
      spanProcessors: [
        new BatchSpanProcessor({ exporter, scheduledDelayMillis: 600_000 }),
      ],
    });
    const backend = await startTestBackend({
      features: [flushTracesOnShutdown(provider)],
    });
    provider.getTracer('test').startSpan('a call').end();
    await new Promise(r => setTimeout(r, 100));
    expect(exported).toEqual([]);

    await backend.stop();
    expect(exported).toEqual(['a call']);
  });
});
