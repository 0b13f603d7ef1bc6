import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { RawStreamConnection } from './bench-client';

/**
 * A server that answers every request with a chunked SSE response (one HTTP chunk per event, as
 * the sim writes them) sent in 7-byte TCP writes, so markers are split across reads.
 */
async function withServer(
  events: string[],
  run: (port: number) => Promise<void>,
) {
  const head =
    'HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n';
  const body = events
    .map(event => `${Buffer.byteLength(event).toString(16)}\r\n${event}\r\n`)
    .join('');
  const response = `${head}${body}0\r\n\r\n`;
  const server = net.createServer({ noDelay: true }, socket => {
    socket.on('data', async () => {
      for (let at = 0; at < response.length; at += 7) {
        socket.write(response.slice(at, at + 7));
        await new Promise(resolve => setTimeout(resolve, 1));
      }
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  try {
    await run((server.address() as AddressInfo).port);
  } finally {
    server.close();
  }
}

it('counts content chunks split across reads and finds the end of the body', async () => {
  const content = 'data: {"choices":[{"delta":{"content":"x"}}]}\n\n';
  const events = [
    'data: {"choices":[{"delta":{"role":"assistant","content":""}}]}\n\n',
    ...Array(5).fill(content),
    'data: [DONE]\n\n',
  ];
  await withServer(events, async port => {
    const connection = new RawStreamConnection('127.0.0.1', port);
    const first = await connection.post('/', '{}');
    expect(first.ok).toBe(true);
    expect(first.contentTimes).toHaveLength(5);
    // The kept-alive connection serves the next request too.
    const second = await connection.post('/', '{}');
    expect(second).toMatchObject({ ok: true, contentTimes: expect.any(Array) });
    expect(second.contentTimes).toHaveLength(5);
    connection.close();
  });
});
