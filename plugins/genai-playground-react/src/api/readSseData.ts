/** Yields the payloads of the `data:` lines of a server-sent event stream. */
export async function* readSseData(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (value) {
        buffer += decoder.decode(value, { stream: true });
      }
      if (done) {
        buffer += decoder.decode();
      }
      let newline = buffer.indexOf('\n');
      while (newline >= 0) {
        const line = buffer.slice(0, newline).replace(/\r$/, '');
        buffer = buffer.slice(newline + 1);
        if (line.startsWith('data:')) {
          yield line.slice(5).trim();
        }
        newline = buffer.indexOf('\n');
      }
      if (done) {
        if (buffer.startsWith('data:')) {
          yield buffer.slice(5).trim();
        }
        return;
      }
    }
  } finally {
    reader.releaseLock();
  }
}
