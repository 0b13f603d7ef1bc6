/**
 * The simulated engine: admission (running vs waiting, like vLLM's scheduler with
 * --max-num-seqs) and token timing. Routes decide what the tokens are and how they look on the
 * wire; this file decides when they happen and records vLLM's latency metrics.
 */
import { performance } from 'node:perf_hooks';
import type { FaultPlan } from './faults';
import type { RequestLifecycle } from './lifecycle';
import type { FinishedReason, ModelMetrics } from './metrics';

export type ModelKind = 'chat' | 'embedding';

/** A served model with its settings resolved. */
export interface ModelRuntime {
  /** The model path, reported as `root` by /v1/models. */
  id: string;
  /** The first served name: what responses and metrics call the model. */
  name: string;
  servedNames: string[];
  kind: ModelKind;
  maxModelLen: number;
  embeddingDim: number;
  ttftMs: number;
  tpotMs: number;
  scheduler: Scheduler;
  metrics: ModelMetrics;
}

/**
 * At most `maxNumSeqs` requests run at once; the rest wait in arrival order. Unlimited by
 * default, so the sim only queues when a test or dev config asks for it.
 */
export class Scheduler {
  running = 0;
  private readonly queue: Array<() => void> = [];

  constructor(private readonly maxNumSeqs = Infinity) {}

  get waiting(): number {
    return this.queue.length;
  }

  /** Resolves true when the request may run, false if it was aborted while waiting. */
  acquire(lifecycle: RequestLifecycle): Promise<boolean> {
    if (this.running < this.maxNumSeqs) {
      this.running += 1;
      return Promise.resolve(true);
    }
    return new Promise(resolve => {
      const admit = () => {
        this.running += 1;
        resolve(true);
      };
      this.queue.push(admit);
      lifecycle.onAbort(() => {
        const at = this.queue.indexOf(admit);
        if (at >= 0) {
          this.queue.splice(at, 1);
          resolve(false);
        }
      });
    });
  }

  release() {
    this.running -= 1;
    this.queue.shift()?.();
  }
}

export interface GenerationRun {
  model: ModelRuntime;
  lifecycle: RequestLifecycle;
  plan: FaultPlan;
  promptTokens: number;
  /** Decode steps: the longest choice's token count. */
  steps: number;
  /** Tokens over all choices, for the counters. */
  generatedTokens: number;
  /** The finish reason recorded when the run completes. */
  finishReason: 'stop' | 'length';
}

/**
 * How a streamed run went: 'done' when every step ran, 'aborted' when the client or server
 * ended it, 'stopped' when the route stopped it (a fault closed or errored the stream).
 */
export type RunOutcome = 'done' | 'aborted' | 'stopped';

/**
 * Runs the steps of a streamed generation: step 0 at queue exit + delay + ttft, step i
 * i * tpot later. `onStep` writes step i and returns false to stop.
 */
export async function streamSteps(
  run: GenerationRun,
  onStep: (step: number) => boolean,
): Promise<RunOutcome> {
  const { model, lifecycle, plan } = run;
  if (!(await model.scheduler.acquire(lifecycle)))
    return finish(run, 'aborted', 0);
  let outcome: RunOutcome = 'done';
  let emitted = 0;
  try {
    const firstAt = performance.now() + plan.delayMs + model.ttftMs;
    let last = 0;
    for (let step = 0; step < run.steps; step++) {
      if (!(await lifecycle.sleepUntil(firstAt + step * model.tpotMs))) {
        outcome = 'aborted';
        break;
      }
      const now = performance.now();
      if (step === 0)
        model.metrics.firstToken((now - lifecycle.arrival) / 1000);
      else model.metrics.outputToken((now - last) / 1000);
      last = now;
      emitted = step + 1;
      if (!onStep(step)) {
        outcome = lifecycle.aborted ? 'aborted' : 'stopped';
        break;
      }
    }
  } finally {
    model.scheduler.release();
  }
  return finish(run, outcome, emitted);
}

/**
 * Waits out a whole non-streamed generation with one timer, recording the same metrics a
 * streamed one would. Returns false if the request was aborted meanwhile.
 */
export async function waitForGeneration(run: GenerationRun): Promise<boolean> {
  const { model, lifecycle, plan } = run;
  if (!(await model.scheduler.acquire(lifecycle))) {
    finish(run, 'aborted', 0);
    return false;
  }
  let completed = false;
  try {
    const queued = performance.now() - lifecycle.arrival;
    const firstMs = plan.delayMs + model.ttftMs;
    const doneAt =
      performance.now() + firstMs + Math.max(0, run.steps - 1) * model.tpotMs;
    completed = await lifecycle.sleepUntil(doneAt);
    if (completed) {
      model.metrics.firstToken((queued + firstMs) / 1000);
      for (let step = 1; step < run.steps; step++)
        model.metrics.outputToken(model.tpotMs / 1000);
    }
  } finally {
    model.scheduler.release();
  }
  finish(run, completed ? 'done' : 'aborted', completed ? run.steps : 0);
  return completed;
}

function finish(
  run: GenerationRun,
  outcome: RunOutcome,
  emittedSteps: number,
): RunOutcome {
  let reason: FinishedReason = run.finishReason;
  if (outcome === 'aborted') reason = 'abort';
  else if (outcome === 'stopped') reason = 'error';
  const generated =
    outcome === 'done'
      ? run.generatedTokens
      : Math.min(run.generatedTokens, emittedSteps);
  const e2e = (performance.now() - run.lifecycle.arrival) / 1000;
  run.model.metrics.finished(reason, e2e, run.promptTokens, generated);
  return outcome;
}
