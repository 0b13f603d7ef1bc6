/**
 * The benchmark's load generator: a minimal HTTP/1.1 client for SSE responses over one kept-alive
 * connection. It writes requests by hand and scans the raw bytes for two markers (a content delta,
 * and [DONE] followed by the end of the chunked body) instead of running an HTTP parser and
 * JSON.parse per chunk. The benchmark shares two cores with the server it measures, so every
 * microsecond the client does not spend per chunk is one the server can use.
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';

const CONTENT = Buffer.from('"delta":{"content"');
const DONE = Buffer.from('data: [DONE]');
const BODY_END = Buffer.from('\r\n0\r\n\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');
const CARRY = Math.max(CONTENT.length, DONE.length, BODY_END.length) - 1;

export interface StreamResult {
  ok: boolean;
  /** performance.now() when the request was written. */
  start: number;
  /** performance.now() of the read that carried each content chunk. */
  contentTimes: number[];
}

/**
 * Counts `marker` in `data`, including a match that starts in `carry` (the previous read's last
 * bytes) and ends in `data`: TCP reads split the stream anywhere.
 */
function matches(carry: Buffer, data: Buffer, marker: Buffer): number {
  let count = 0;
  if (carry.length > 0) {
    const edge = Buffer.concat([carry, data.subarray(0, marker.length - 1)]);
    const at = edge.indexOf(
      marker,
      Math.max(0, carry.length - marker.length + 1),
    );
    if (at >= 0 && at < carry.length) count += 1;
  }
  for (
    let at = data.indexOf(marker);
    at >= 0;
    at = data.indexOf(marker, at + marker.length)
  ) {
    count += 1;
  }
  return count;
}

export class RawStreamConnection {
  private socket: net.Socket | undefined;
  private onData: ((data: Buffer) => void) | undefined;
  private onEnd: (() => void) | undefined;

  constructor(private readonly host: string, private readonly port: number) {}

  /** POSTs `body` to `path` and follows the SSE stream to its end. */
  async post(path: string, body: string): Promise<StreamResult> {
    const reused = this.socket !== undefined;
    const result = await this.attempt(path, body);
    // A kept-alive connection the server closed while idle fails before any byte: retry once.
    if (!result.ok && reused && result.contentTimes.length === 0)
      return this.attempt(path, body);
    return result;
  }

  close() {
    this.socket?.destroy();
    this.socket = undefined;
  }

  private connect(): net.Socket {
    const socket = net.connect({
      host: this.host,
      port: this.port,
      noDelay: true,
    });
    socket.on('data', (data: Buffer) => this.onData?.(data));
    const gone = () => {
      if (this.socket === socket) this.socket = undefined;
      this.onEnd?.();
    };
    socket.on('close', gone);
    socket.on('error', gone);
    return socket;
  }

  private attempt(path: string, body: string): Promise<StreamResult> {
    const socket = (this.socket ??= this.connect());
    const result: StreamResult = {
      ok: false,
      start: performance.now(),
      contentTimes: [],
    };
    return new Promise(resolve => {
      let head: Buffer | undefined = Buffer.alloc(0);
      let carry: Buffer = Buffer.alloc(0);
      let done = false;
      const finish = (ok: boolean) => {
        this.onData = undefined;
        this.onEnd = undefined;
        result.ok = ok;
        if (!ok) this.close();
        resolve(result);
      };
      this.onEnd = () => finish(false);
      this.onData = read => {
        const now = performance.now();
        let data = read;
        if (head) {
          head = Buffer.concat([head, read]);
          const end = head.indexOf(HEAD_END);
          if (end < 0) return;
          if (
            !head.subarray(0, 16).toString('latin1').startsWith('HTTP/1.1 200')
          ) {
            finish(false);
            return;
          }
          data = head.subarray(end + HEAD_END.length);
          head = undefined;
        }
        for (let n = matches(carry, data, CONTENT); n > 0; n--)
          result.contentTimes.push(now);
        if (!done && matches(carry, data, DONE) > 0) done = true;
        if (done && matches(carry, data, BODY_END) > 0) {
          finish(true);
          return;
        }
        carry =
          data.length >= CARRY
            ? data.subarray(data.length - CARRY)
            : Buffer.concat([carry, data]).subarray(-CARRY);
      };
      socket.write(
        `POST ${path} HTTP/1.1\r\nhost: ${this.host}:${this.port}\r\n` +
          `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(
            body,
          )}\r\n\r\n${body}`,
      );
    });
  }
}
