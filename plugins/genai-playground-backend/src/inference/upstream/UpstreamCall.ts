import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';

/** What the upstream's body is handed to, once the gateway knows what to do with it. */
export interface BodySink {
  data(chunk: Buffer): void;
  end(): void;
  error(error: Error): void;
}

/**
 * One request to a model server on undici's dispatch API: no stream objects, no promise per
 * chunk, just callbacks, which is the cheapest way Node has to move bytes between two sockets.
 * `started` settles with the status and headers (or the error before them); the body goes to
 * the sink attached with `pipe`, chunks that arrived earlier first.
 */
export class UpstreamCall implements Dispatcher.DispatchHandler {
  readonly started: Promise<{ status: number; headers: IncomingHttpHeaders }>;
  #resolve!: (v: { status: number; headers: IncomingHttpHeaders }) => void;
  #reject!: (e: Error) => void;
  #controller: Dispatcher.DispatchController | undefined;
  #sink: BodySink | undefined;
  #queued: Buffer[] = [];
  #ended = false;
  #failed: Error | undefined;
  #headersSeen = false;
  #abortReason: Error | undefined;

  constructor() {
    this.started = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // a rejection nobody awaits any more (the caller gave up) must not crash the process
    this.started.catch(() => undefined);
  }

  /** Sends the request through `dispatcher`. */
  dispatch(
    dispatcher: Dispatcher,
    options: Dispatcher.DispatchOptions,
  ): UpstreamCall {
    dispatcher.dispatch(options, this);
    return this;
  }

  /** Stops the exchange (client gone, gateway timeout). */
  abort(reason: Error) {
    this.#abortReason = reason;
    this.#controller?.abort(reason);
  }

  pause() {
    this.#controller?.pause();
  }

  resume() {
    this.#controller?.resume();
  }

  /** Hands the body over; what already arrived is delivered at once. */
  pipe(sink: BodySink) {
    this.#sink = sink;
    const queued = this.#queued;
    this.#queued = [];
    for (const chunk of queued) sink.data(chunk);
    if (this.#failed) sink.error(this.#failed);
    else if (this.#ended) sink.end();
  }

  /**
   * Reads the whole body (error answers, whole answers). A body larger than `maxBytes` stops the
   * exchange and rejects with code UPSTREAM_TOO_LARGE: a model server must not be able to fill
   * the gateway's memory.
   */
  body(maxBytes = Infinity): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let tooLarge = false;
      this.pipe({
        data: chunk => {
          if (tooLarge) return;
          size += chunk.length;
          if (size > maxBytes) {
            tooLarge = true;
            chunks.length = 0;
            const error = Object.assign(
              new Error(`the answer is larger than ${maxBytes} bytes`),
              { code: 'UPSTREAM_TOO_LARGE' },
            );
            this.abort(error);
            reject(error);
            return;
          }
          chunks.push(chunk);
        },
        end: () =>
          resolve(
            chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size),
          ),
        error: reject,
      });
    });
  }

  // ------------------------------------------------ undici's handler callbacks

  onRequestStart(controller: Dispatcher.DispatchController) {
    this.#controller = controller;
    if (this.#abortReason) controller.abort(this.#abortReason);
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
  ) {
    if (statusCode < 200) return; // 1xx: wait for the real answer
    this.#headersSeen = true;
    this.#resolve({ status: statusCode, headers });
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer) {
    if (this.#sink) this.#sink.data(chunk);
    else this.#queued.push(chunk);
  }

  onResponseEnd() {
    this.#ended = true;
    this.#sink?.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error) {
    if (!this.#headersSeen) {
      this.#reject(error);
      return;
    }
    this.#failed = error;
    this.#sink?.error(error);
  }
}
