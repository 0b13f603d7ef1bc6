/**
 * The life of one request: its timers, and how it ends early.
 *
 * A request ends early when the client goes away, when a fault closes it, or when the server
 * closes. Waits are against absolute deadlines (start + ttft + i * tpot), so lateness does not
 * add up over a long stream, and go through the server's Pacer (one timer for all requests), so
 * hundreds of open streams cost nothing while they wait.
 */
import type { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Pacer, Wakeup } from './pacer';

export class RequestLifecycle {
  /** performance.now() when the request arrived; latencies are measured from here. */
  readonly arrival = performance.now();
  private ended = false;
  private abortedFlag = false;
  private wakeup: Wakeup | undefined;
  private wake: ((stillRunning: boolean) => void) | undefined;
  private readonly abortHandlers: Array<() => void> = [];

  constructor(
    readonly res: ServerResponse,
    private readonly active: Set<RequestLifecycle>,
    private readonly pacer: Pacer,
  ) {
    active.add(this);
    // 'close' fires both after a complete response and when the client disconnects first.
    res.on('close', () => {
      if (!res.writableFinished) this.abort();
      this.end();
    });
  }

  get aborted(): boolean {
    return this.abortedFlag;
  }

  /** Resolves at `deadline` (a performance.now() time) with true, or with false once aborted. */
  sleepUntil(deadline: number): Promise<boolean> {
    if (this.abortedFlag) return Promise.resolve(false);
    const wait = deadline - performance.now();
    if (wait <= 0) return Promise.resolve(true);
    return new Promise(resolve => {
      this.wake = resolve;
      this.wakeup = this.pacer.schedule(deadline, () => {
        this.wakeup = undefined;
        this.wake = undefined;
        resolve(true);
      });
    });
  }

  /** Waits until the request is aborted (used by the hang fault). */
  untilAborted(): Promise<void> {
    return new Promise(resolve => this.onAbort(resolve));
  }

  onAbort(handler: () => void) {
    if (this.abortedFlag) handler();
    else this.abortHandlers.push(handler);
  }

  /** Stops whatever the request waits for; idempotent. */
  abort() {
    if (this.abortedFlag) return;
    this.abortedFlag = true;
    if (this.wakeup) this.pacer.cancel(this.wakeup);
    this.wakeup = undefined;
    const wake = this.wake;
    this.wake = undefined;
    wake?.(false);
    for (const handler of this.abortHandlers.splice(0)) handler();
  }

  /** Aborts and drops the connection: used by close() and the close-mid-stream fault. */
  destroy() {
    this.abort();
    this.res.destroy();
  }

  private end() {
    if (this.ended) return;
    this.ended = true;
    this.active.delete(this);
  }
}
