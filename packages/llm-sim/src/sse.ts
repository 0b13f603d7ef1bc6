/**
 * Server-sent events as vLLM's StreamingResponse writes them: `data: <json>\n\n` per chunk and
 * `data: [DONE]\n\n` at the end, with `text/event-stream; charset=utf-8` (Starlette adds the
 * charset to text/* types).
 *
 * The mid-stream faults live here because they are about chunks on the wire: close-mid-stream
 * drops the connection before chunk K; error-mid-stream sends vLLM's in-stream error event
 * (`data: {"error": {...}}`, what vLLM sends when generation fails after the headers went out)
 * and then [DONE].
 */
import type { FaultPlan } from './faults';
import type { RequestLifecycle } from './lifecycle';

export class SseStream {
  /** Data chunks written so far, [DONE] excluded. */
  private chunks = 0;
  private stopped = false;
  /** True once [DONE] went out normally. */
  completed = false;

  constructor(
    private readonly lifecycle: RequestLifecycle,
    private readonly plan: FaultPlan,
  ) {}

  open() {
    const res = this.lifecycle.res;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
    });
    res.flushHeaders();
  }

  /**
   * Runs `write` with the socket corked, so the chunks it sends leave in one syscall: with
   * hundreds of streams the sim's cost is mostly write syscalls.
   */
  batch<T>(write: () => T): T {
    // The socket, not the response: a corked ServerResponse drops what it holds when end() is
    // called before uncork(), and the last step ends the response.
    const socket = this.lifecycle.res.socket;
    socket?.cork();
    try {
      return write();
    } finally {
      socket?.uncork();
    }
  }

  /** Writes one chunk; false when the stream is over (fault or client gone). */
  send(chunk: object): boolean {
    if (!this.beforeChunk()) return false;
    this.lifecycle.res.write(`data: ${JSON.stringify(chunk)}\n\n`);
    this.chunks += 1;
    return true;
  }

  /** Ends with [DONE], unless a fault strikes first. */
  done() {
    if (!this.beforeChunk()) return;
    this.lifecycle.res.end('data: [DONE]\n\n');
    this.completed = true;
  }

  private beforeChunk(): boolean {
    if (this.stopped || this.lifecycle.aborted) return false;
    if (this.plan.closeAfterChunks === this.chunks) {
      this.stopped = true;
      // Chunks of this step may still sit in a corked socket: let them out before the drop.
      this.lifecycle.res.socket?.uncork();
      this.lifecycle.destroy();
      return false;
    }
    if (this.plan.errorAfterChunks === this.chunks) {
      this.stopped = true;
      const error = {
        error: {
          message: 'Internal server error (injected by llm-sim)',
          type: 'InternalServerError',
          param: null,
          code: 500,
        },
      };
      this.lifecycle.res.end(
        `data: ${JSON.stringify(error)}\n\ndata: [DONE]\n\n`,
      );
      return false;
    }
    return true;
  }
}
