/**
 * The PromQL GPU utilization asks, built from the metric options (prefix, label names). One
 * place for metric and label names, so a differently labelled exporter needs config, not code.
 */
export interface MetricNames {
  /** Prefix of the exporter's metric names (`amd_`). */
  metricPrefix: string;
  podLabel: string;
  namespaceLabel: string;
}

/** A PromQL string literal. */
export function quote(value: string): string {
  return JSON.stringify(value);
}

/** `a|b|c` with regex metacharacters escaped, for `=~`. */
export function alternatives(values: string[]): string {
  return values.map(v => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
}

export class GpuPromQL {
  constructor(private readonly names: MetricNames) {}

  get podLabel() {
    return this.names.podLabel;
  }

  get namespaceLabel() {
    return this.names.namespaceLabel;
  }

  metric(name: string): string {
    return `${this.names.metricPrefix}${name}`;
  }

  /**
   * The selector of held GPUs' series: a pod set, partition 0 only (in CPX/DPX/QPX modes the
   * exporter reports activity and power on partition 0; an absent label matches ''), and,
   * when given, only these namespaces.
   */
  held(name: string, namespaces?: string[]): string {
    const { podLabel, namespaceLabel } = this.names;
    const matchers = [`${podLabel}!=""`, `gpu_partition_id=~"0|"`];
    if (namespaces) {
      matchers.push(`${namespaceLabel}=~${quote(alternatives(namespaces))}`);
    }
    return `${this.metric(name)}{${matchers.join(',')}}`;
  }

  /**
   * Samples of `selector` at or over (`>=`) or under (`<`) a threshold, counted per step window
   * `[windowSeconds]`, at the scrape's resolution, per `by`. A subquery: a raw range cannot be
   * filtered by value. Its inner steps stop at `nowSeconds`: past the last sample, an instant
   * selector would repeat it for the five minutes of Prometheus's lookback, and a range query's
   * last step (its end rounded up to the step) reaches into the future.
   */
  samplesBeyond(options: {
    selector: string;
    comparison: '>=' | '<';
    threshold: number;
    by: string;
    windowSeconds: number;
    resolutionSeconds: number;
    nowSeconds: number;
  }): string {
    const o = options;
    const filtered = `(${o.selector} ${o.comparison} ${o.threshold}) unless on() (vector(time()) > ${o.nowSeconds})`;
    return `sum by (${o.by}) (count_over_time((${filtered})[${o.windowSeconds}s:${o.resolutionSeconds}s]))`;
  }

  /** Samples of `selector` per step window, per `by`: GPU-hours once times the scrape interval. */
  samples(selector: string, by: string, windowSeconds: number): string {
    return `sum by (${by}) (count_over_time(${selector}[${windowSeconds}s]))`;
  }

  /**
   * Every GPU's current readings, all five series in one query, with only the labels the fleet
   * reads: the exporter's twenty-odd labels on 5,000 series of a 1,000-GPU fleet would triple
   * the answer Prometheus sends and the portal parses.
   */
  fleetNow(): string {
    const names = [
      'gpu_gfx_activity',
      'gpu_umc_activity',
      'gpu_power_usage',
      'gpu_used_vram',
      'gpu_total_vram',
    ].map(n => this.metric(n));
    const { podLabel, namespaceLabel } = this.names;
    const labels = [
      '__name__',
      'hostname',
      'gpu_id',
      'gpu_partition_id',
      'gpu_compute_partition_type',
      'gpu_memory_partition_type',
      podLabel,
      namespaceLabel,
    ];
    return `max by (${labels.join(', ')}) ({__name__=~${quote(
      alternatives(names),
    )}})`;
  }
}
