/**
 * Prometheus metrics under vLLM's names and labels, so the portal's dashboards and a gateway's
 * load-aware routing can be tried against the sim. Each server has its own registry: several
 * sims share one process in tests and in the CLI's multi-server mode.
 *
 * Labels follow vLLM's V1 engine: `model_name` (the first served name) and `engine` ("0").
 * Token counters move when a request finishes (vLLM moves them every engine step).
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

// vLLM's bucket boundaries, so histogram_quantile() over sim data behaves like over vLLM's.
const TTFT_BUCKETS = [
  0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5,
  5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0,
];
const TPOT_BUCKETS = [
  0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0,
  7.5, 10.0, 20.0, 40.0, 80.0,
];
const E2E_BUCKETS = [
  0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0,
  60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0,
];

export type FinishedReason = 'stop' | 'length' | 'abort' | 'error';

/** The per-model handles a request records into (label lookups done once). */
export interface ModelMetrics {
  firstToken(seconds: number): void;
  outputToken(seconds: number): void;
  finished(
    reason: FinishedReason,
    e2eSeconds: number,
    promptTokens: number,
    generationTokens: number,
  ): void;
}

export interface Load {
  running: number;
  waiting: number;
}

export class SimMetrics {
  readonly registry = new Registry();
  private readonly ttft: Histogram<string>;
  private readonly tpot: Histogram<string>;
  private readonly itl: Histogram<string>;
  private readonly e2e: Histogram<string>;
  private readonly promptTokens: Counter<string>;
  private readonly generationTokens: Counter<string>;
  private readonly success: Counter<string>;
  /** Read from the schedulers at scrape time. */
  readonly running: Gauge<string>;
  readonly waiting: Gauge<string>;

  constructor(modelNames: string[], load: (modelName: string) => Load) {
    const labelNames = ['model_name', 'engine'];
    const registers = [this.registry];
    this.running = new Gauge({
      name: 'vllm:num_requests_running',
      help: 'Number of requests in model execution batches.',
      labelNames,
      registers,
      collect() {
        for (const model of modelNames)
          this.set({ model_name: model, engine: '0' }, load(model).running);
      },
    });
    this.waiting = new Gauge({
      name: 'vllm:num_requests_waiting',
      help: 'Number of requests waiting to be processed.',
      labelNames,
      registers,
      collect() {
        for (const model of modelNames)
          this.set({ model_name: model, engine: '0' }, load(model).waiting);
      },
    });
    this.promptTokens = new Counter({
      name: 'vllm:prompt_tokens_total',
      help: 'Number of prefill tokens processed.',
      labelNames,
      registers,
    });
    this.generationTokens = new Counter({
      name: 'vllm:generation_tokens_total',
      help: 'Number of generation tokens processed.',
      labelNames,
      registers,
    });
    this.success = new Counter({
      name: 'vllm:request_success_total',
      help: 'Count of successfully processed requests.',
      labelNames: [...labelNames, 'finished_reason'],
      registers,
    });
    this.ttft = new Histogram({
      name: 'vllm:time_to_first_token_seconds',
      help: 'Histogram of time to first token in seconds.',
      labelNames,
      buckets: TTFT_BUCKETS,
      registers,
    });
    this.tpot = new Histogram({
      name: 'vllm:time_per_output_token_seconds',
      help: 'Histogram of time per output token in seconds.',
      labelNames,
      buckets: TPOT_BUCKETS,
      registers,
    });
    // The newer name for the same measurement (vLLM keeps both during the rename).
    this.itl = new Histogram({
      name: 'vllm:inter_token_latency_seconds',
      help: 'Histogram of inter-token latency in seconds.',
      labelNames,
      buckets: TPOT_BUCKETS,
      registers,
    });
    this.e2e = new Histogram({
      name: 'vllm:e2e_request_latency_seconds',
      help: 'Histogram of e2e request latency in seconds.',
      labelNames,
      buckets: E2E_BUCKETS,
      registers,
    });
    // Zero series up front, as vLLM has them from startup: a scrape before any traffic sees them.
    for (const model of modelNames) {
      const labels = { model_name: model, engine: '0' };
      this.promptTokens.inc(labels, 0);
      this.generationTokens.inc(labels, 0);
      for (const reason of ['stop', 'length', 'abort', 'error']) {
        this.success.inc({ ...labels, finished_reason: reason }, 0);
      }
    }
  }

  forModel(modelName: string): ModelMetrics {
    const labels = { model_name: modelName, engine: '0' };
    const ttft = this.ttft.labels(labels);
    const tpot = this.tpot.labels(labels);
    const itl = this.itl.labels(labels);
    const e2e = this.e2e.labels(labels);
    const promptTokens = this.promptTokens.labels(labels);
    const generationTokens = this.generationTokens.labels(labels);
    const success = this.success;
    return {
      firstToken: seconds => ttft.observe(seconds),
      outputToken: seconds => {
        tpot.observe(seconds);
        itl.observe(seconds);
      },
      finished: (reason, e2eSeconds, prompt, generated) => {
        e2e.observe(e2eSeconds);
        promptTokens.inc(prompt);
        generationTokens.inc(generated);
        success.inc({ ...labels, finished_reason: reason });
      },
    };
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
