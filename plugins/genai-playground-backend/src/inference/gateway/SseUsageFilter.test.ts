import { SseUsageFilter } from './SseUsageFilter';

const chunk = (i: number, usage = ',"usage":null') =>
  `data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"w${i} "},"finish_reason":null}]${usage}}\n\n`;
const usageChunk =
  'data: {"id":"c","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":12,"total_tokens":15,"completion_tokens":3}}\n\n';
const done = 'data: [DONE]\n\n';
const stream = chunk(0) + chunk(1) + chunk(2) + usageChunk + done;

/** Feeds the text in pieces of `size` bytes (UTF-8 characters may be split). */
function feed(filter: SseUsageFilter, text: string, size: number): string {
  const bytes = Buffer.from(text);
  let out = '';
  for (let i = 0; i < bytes.length; i += size) {
    out += filter.push(bytes.subarray(i, i + size));
  }
  return out + filter.end();
}

describe('SseUsageFilter', () => {
  it.each([1, 2, 7, 64, 10_000])(
    'reads the usage and drops it when the client did not ask, in pieces of %p bytes',
    size => {
      const filter = new SseUsageFilter({ clientWantsUsage: false });
      const out = feed(filter, stream, size);
      expect(out).toBe(chunk(0, '') + chunk(1, '') + chunk(2, '') + done);
      expect(filter.usage).toEqual({ promptTokens: 12, completionTokens: 3 });
      expect(filter.chunks).toBe(3);
      expect(filter.done).toBe(true);
    },
  );

  it.each([1, 3, 10_000])(
    'passes everything on when asked (pieces of %p)',
    size => {
      const filter = new SseUsageFilter({ clientWantsUsage: true });
      expect(feed(filter, stream, size)).toBe(stream);
      expect(filter.usage).toEqual({ promptTokens: 12, completionTokens: 3 });
    },
  );

  it('keeps multi-byte characters whole across pieces', () => {
    const text = chunk(0).replace('w0', 'grüße 👋') + done;
    const filter = new SseUsageFilter({ clientWantsUsage: true });
    expect(feed(filter, text, 1)).toBe(text);
  });

  it("notes vLLM's in-stream error and passes it on", () => {
    const error =
      'data: {"error": {"message": "boom", "type": "InternalServerError", "param": null, "code": 500}}\n\n';
    const filter = new SseUsageFilter({ clientWantsUsage: false });
    expect(feed(filter, chunk(0) + error + done, 5)).toBe(
      chunk(0, '') + error + done,
    );
    expect(filter.errorMessage).toBe('boom');
  });

  it('holds [DONE] and what follows back until end(): the stream ends after metering', () => {
    const filter = new SseUsageFilter({ clientWantsUsage: true });
    expect(filter.push(Buffer.from(chunk(0) + usageChunk + done))).toBe(
      chunk(0) + usageChunk,
    );
    expect(filter.push(Buffer.from(': after\n\n'))).toBe('');
    expect(filter.done).toBe(true);
    expect(filter.end()).toBe(`${done}: after\n\n`);
  });

  it('passes comments and a cut last event on as they are', () => {
    const filter = new SseUsageFilter({ clientWantsUsage: false });
    expect(feed(filter, ': ping\n\n' + 'data: {"partial"', 4)).toBe(
      ': ping\n\n' + 'data: {"partial"\n\n',
    );
  });
});
