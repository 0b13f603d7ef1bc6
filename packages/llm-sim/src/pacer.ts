/**
 * One timer for every request of a server, like an engine loop: due wake-ups run in deadline
 * order, all in one macrotask.
 *
 * Why not a setTimeout per token: with hundreds of streams that started together, hundreds of
 * timers expire in the same millisecond and Node runs them in an order that shifts from tick to
 * tick (timers are grouped by duration, and durations differ by a millisecond or so). A stream
 * that went first in one tick and last in the next sees its gap stretched by the whole burst.
 * Running wake-ups in deadline order keeps every stream at the same place in each burst, so its
 * gaps stay at tpot; and one timer instead of one per token is cheaper.
 */
import { performance } from 'node:perf_hooks';

export interface Wakeup {
  readonly at: number;
  /** Cleared by cancel(); the heap drops cancelled entries lazily. */
  fire: (() => void) | undefined;
  readonly seq: number;
}

export class Pacer {
  private readonly heap: Wakeup[] = [];
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;

  /** Calls `fire` at `at` (a performance.now() time), after every earlier deadline. */
  schedule(at: number, fire: () => void): Wakeup {
    const wakeup: Wakeup = { at, fire, seq: this.seq++ };
    this.push(wakeup);
    if (at < this.timerAt) this.arm(at);
    return wakeup;
  }

  cancel(wakeup: Wakeup) {
    wakeup.fire = undefined;
  }

  /** Stops the timer; pending wake-ups never fire (their requests are being closed). */
  stop() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
    this.heap.length = 0;
  }

  private arm(at: number) {
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(
      this.run,
      Math.max(0, Math.ceil(at - performance.now())),
    );
  }

  private readonly run = () => {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = performance.now();
    // libuv's clock has millisecond steps, so a timer may fire a fraction of a ms early.
    while (this.heap.length > 0 && this.heap[0].at <= now + 0.5) {
      const wakeup = this.pop();
      const fire = wakeup.fire;
      wakeup.fire = undefined;
      fire?.();
    }
    if (this.heap.length > 0) this.arm(this.heap[0].at);
  };

  // A binary min-heap on (at, seq): equal deadlines keep scheduling order.
  private less(a: Wakeup, b: Wakeup): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(wakeup: Wakeup) {
    const heap = this.heap;
    heap.push(wakeup);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  }

  private pop(): Wakeup {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < heap.length && this.less(heap[left], heap[smallest]))
          smallest = left;
        if (right < heap.length && this.less(heap[right], heap[smallest]))
          smallest = right;
        if (smallest === i) break;
        [heap[i], heap[smallest]] = [heap[smallest], heap[i]];
        i = smallest;
      }
    }
    return top;
  }
}
