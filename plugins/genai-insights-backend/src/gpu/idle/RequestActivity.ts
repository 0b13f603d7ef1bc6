/*
 * Whether an inference server served requests: an idle-looking model server that still answers
 * a trickle of calls is not idle. Two sources: vLLM's request counter through Prometheus, and
 * the gateway's metered calls (the ledger's token facts).
 */
import type { FactStore } from '../../facts/FactStore';
import type { GpuPodInfo, PromSample, PrometheusQueries } from '../types';

/** Whether inference servers served requests. */
export interface RequestActivity {
  /**
   * Whether the pod's server served a request from `sinceMs` to `untilMs` (unix ms; default
   * now): undefined when this source knows nothing of the pod. Throws when the source cannot
   * answer (Prometheus down).
   */
  servedSince(
    pod: GpuPodInfo,
    sinceMs: number,
    untilMs?: number,
  ): Promise<boolean | undefined>;
}

/** Keeps the answer of the latest key only: a scan asks once per range for all its pods. */
class LastAnswer<T> {
  private key?: string;
  private value?: Promise<T>;

  get(key: string, load: () => Promise<T>): Promise<T> {
    if (this.key !== key || !this.value) {
      this.key = key;
      this.value = load();
      // A failed answer is not kept: the next scan asks again.
      this.value.catch(() => {
        if (this.key === key) this.value = undefined;
      });
    }
    return this.value;
  }
}

export interface PrometheusRequestActivityOptions {
  prometheus: Pick<PrometheusQueries, 'instant'>;
  /** The label carrying the pod; default `pod`. */
  podLabel?: string;
  /** Default `namespace`. */
  namespaceLabel?: string;
  /** vLLM's counter of requests served; default `vllm:request_success_total`. */
  metric?: string;
  /** The label naming the served model; default `model_name`. */
  modelLabel?: string;
  clock?: () => Date;
}

/**
 * Requests served, from vLLM's `vllm:request_success_total` (labelled `model_name`, the
 * served model name, which is the pod's `genai-playground.io/inference-model`): one query per
 * scan, `sum by (namespace, pod, model_name) (increase(...[<window>s]))`. A series carrying the
 * pod's namespace and name speaks for the pod; without pod labels (scraped without Kubernetes
 * service discovery) a series of the pod's model speaks for every replica of it.
 */
export class PrometheusRequestActivity implements RequestActivity {
  private readonly podLabel: string;
  private readonly namespaceLabel: string;
  private readonly metric: string;
  private readonly modelLabel: string;
  private readonly clock: () => Date;
  private readonly answers = new LastAnswer<PromSample[]>();

  constructor(private readonly options: PrometheusRequestActivityOptions) {
    this.podLabel = options.podLabel ?? 'pod';
    this.namespaceLabel = options.namespaceLabel ?? 'namespace';
    this.metric = options.metric ?? 'vllm:request_success_total';
    this.modelLabel = options.modelLabel ?? 'model_name';
    this.clock = options.clock ?? (() => new Date());
  }

  /** The query over a window of `seconds`. */
  query(seconds: number): string {
    return `sum by (${this.namespaceLabel}, ${this.podLabel}, ${this.modelLabel}) (increase(${this.metric}[${seconds}s]))`;
  }

  async servedSince(
    pod: GpuPodInfo,
    sinceMs: number,
    untilMs?: number,
  ): Promise<boolean | undefined> {
    const until = untilMs ?? this.clock().getTime();
    const seconds = Math.max(1, Math.ceil((until - sinceMs) / 1000));
    const samples = await this.answers.get(`${seconds}@${until}`, () =>
      this.options.prometheus.instant(this.query(seconds), new Date(until)),
    );
    let own: number | undefined;
    let byModel: number | undefined;
    for (const { labels, value } of samples) {
      const count = Number.isFinite(value) ? value : 0;
      const podName = labels[this.podLabel];
      const namespace = labels[this.namespaceLabel];
      if (podName) {
        if (podName === pod.pod && namespace === pod.namespace) {
          own = (own ?? 0) + count;
        }
      } else if (
        pod.model &&
        labels[this.modelLabel] === pod.model &&
        (!namespace || namespace === pod.namespace)
      ) {
        byModel = (byModel ?? 0) + count;
      }
    }
    const served = own ?? byModel;
    return served === undefined ? undefined : served > 0;
  }
}

/**
 * Requests served, from the gateway's metered calls: a call's `model` is the name clients
 * call the server by, the pod's `genai-playground.io/inference-model` (the gateway serves one
 * model per name). A call's `environmentId` is the caller's environment, not the server's, so
 * it is not used. Calls reach the facts with the collector's delay: Prometheus's counter is
 * the prompter source.
 */
export class MeteredRequestActivity implements RequestActivity {
  private readonly answers = new LastAnswer<Set<string>>();

  constructor(
    private readonly options: {
      facts: Pick<FactStore, 'read'>;
      clock?: () => Date;
    },
  ) {}

  async servedSince(
    pod: GpuPodInfo,
    sinceMs: number,
    untilMs?: number,
  ): Promise<boolean | undefined> {
    if (!pod.model) return undefined;
    const from = new Date(sinceMs).toISOString();
    const to = new Date(
      untilMs ?? (this.options.clock?.() ?? new Date()).getTime(),
    ).toISOString();
    const models = await this.answers.get(`${from}/${to}`, async () => {
      const { tokens } = await this.options.facts.read({ from, to });
      const called = new Set<string>();
      for (const t of tokens)
        if (t.at >= from && t.at < to) called.add(t.model);
      return called;
    });
    return models.has(pod.model);
  }
}

/**
 * Sources together: served when any says so; not served when none does and one knows the pod;
 * throws when none says served and one could not answer.
 */
export function anyRequestActivity(
  sources: RequestActivity[],
): RequestActivity {
  return {
    async servedSince(pod, sinceMs, untilMs) {
      const answers = await Promise.allSettled(
        sources.map(s => s.servedSince(pod, sinceMs, untilMs)),
      );
      let known: boolean | undefined;
      let failure: unknown;
      for (const answer of answers) {
        if (answer.status === 'rejected') failure ??= answer.reason;
        else if (answer.value === true) return true;
        else if (answer.value === false) known = false;
      }
      if (failure !== undefined) throw failure;
      return known;
    },
  };
}
