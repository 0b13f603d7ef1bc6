/**
 * Request counts for tests (`stats()` and `GET /_sim/stats`; sim-only). Tests use them to assert
 * what reached the server, e.g. that a gateway retried on the second replica.
 */

export interface LlmSimStats {
  /** Every HTTP request, admin and health checks included. */
  requests: number;
  /** Requests to the inference routes, by route, model (as requested), and answered status. */
  inference: {
    total: number;
    byRoute: Record<string, number>;
    byModel: Record<string, number>;
    byStatus: Record<string, number>;
  };
  /** How many requests each fault was applied to. */
  faults: Record<string, number>;
  streams: {
    started: number;
    completed: number;
    aborted: number;
    active: number;
  };
  /** Requests still open (including hung ones). */
  open: number;
}

const increment = (record: Record<string, number>, key: string) => {
  record[key] = (record[key] ?? 0) + 1;
};

export class StatsRecorder {
  private data = StatsRecorder.empty();

  private static empty(): LlmSimStats {
    return {
      requests: 0,
      inference: { total: 0, byRoute: {}, byModel: {}, byStatus: {} },
      faults: {},
      streams: { started: 0, completed: 0, aborted: 0, active: 0 },
      open: 0,
    };
  }

  request() {
    this.data.requests += 1;
  }

  inference(route: string) {
    this.data.inference.total += 1;
    increment(this.data.inference.byRoute, route);
  }

  model(name: string) {
    increment(this.data.inference.byModel, name);
  }

  status(status: number) {
    increment(this.data.inference.byStatus, String(status));
  }

  faults(applied: string[]) {
    for (const name of applied) increment(this.data.faults, name);
  }

  streamStarted() {
    this.data.streams.started += 1;
  }

  streamEnded(completed: boolean) {
    if (completed) this.data.streams.completed += 1;
    else this.data.streams.aborted += 1;
  }

  snapshot(open: number): LlmSimStats {
    const copy = JSON.parse(JSON.stringify(this.data)) as LlmSimStats;
    const { started, completed, aborted } = copy.streams;
    copy.streams.active = started - completed - aborted;
    copy.open = open;
    return copy;
  }

  reset() {
    this.data = StatsRecorder.empty();
  }
}
