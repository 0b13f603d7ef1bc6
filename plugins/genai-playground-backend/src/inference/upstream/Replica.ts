import { Pool } from 'undici';

export interface ReplicaOptions {
  connectTimeoutMs: number;
  /** Consecutive failures that cool a replica down. */
  cooldownFailures: number;
  cooldownMs: number;
  clock?: () => number;
}

/**
 * One model server: a keep-alive connection pool to it, the requests it has in flight (for
 * least-outstanding balancing) and its health. After `cooldownFailures` failures in a row it is
 * left alone for `cooldownMs`; then one request may try it again (half-open), and a success
 * makes it healthy.
 */
export class Replica {
  readonly url: string;
  readonly pool: Pool;
  outstanding = 0;
  consecutiveFailures = 0;
  cooledUntil = 0;
  readonly #options: ReplicaOptions;
  readonly #now: () => number;

  constructor(url: string, options: ReplicaOptions) {
    this.url = url;
    this.#options = options;
    this.#now = options.clock ?? Date.now;
    this.pool = new Pool(url, {
      connect: { timeout: options.connectTimeoutMs },
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 600_000,
      pipelining: 1,
    });
  }

  /** Whether requests may go here now. */
  available(now = this.#now()): boolean {
    return this.cooledUntil <= now;
  }

  succeeded() {
    this.consecutiveFailures = 0;
    this.cooledUntil = 0;
  }

  /** Counts a failure; true when this one cooled the replica down. */
  failed(): boolean {
    this.consecutiveFailures++;
    if (this.consecutiveFailures >= this.#options.cooldownFailures) {
      this.cooledUntil = this.#now() + this.#options.cooldownMs;
      // half-open afterwards: one more failure cools it down again at once
      this.consecutiveFailures = this.#options.cooldownFailures - 1;
      return true;
    }
    return false;
  }

  async close() {
    await this.pool.close().catch(() => this.pool.destroy());
  }
}

/**
 * Every replica the gateway knows, by base URL, so that models served by the same server share
 * its connections and its health.
 */
export class ReplicaDirectory {
  readonly #replicas = new Map<string, Replica>();
  readonly #options: ReplicaOptions;

  constructor(options: ReplicaOptions) {
    this.#options = options;
  }

  get(url: string): Replica {
    let replica = this.#replicas.get(url);
    if (!replica) {
      replica = new Replica(url, this.#options);
      this.#replicas.set(url, replica);
    }
    return replica;
  }

  /** Closes the pools of replicas no model uses any more. */
  async retain(urls: Set<string>) {
    const gone = [...this.#replicas.values()].filter(r => !urls.has(r.url));
    for (const r of gone) this.#replicas.delete(r.url);
    await Promise.all(gone.map(r => r.close()));
  }

  async close() {
    const all = [...this.#replicas.values()];
    this.#replicas.clear();
    await Promise.all(all.map(r => r.close()));
  }
}

/**
 * Picks the replica with the fewest requests in flight among those available and not tried yet
 * for this request; ties go round-robin so that an idle model spreads its load.
 */
export class ReplicaSet {
  readonly replicas: Replica[];
  #next = 0;

  constructor(replicas: Replica[]) {
    this.replicas = replicas;
  }

  pick(exclude?: Replica[]): Replica | undefined {
    const list = this.replicas;
    const n = list.length;
    if (n === 1) {
      const only = list[0];
      return only.available() && !exclude?.includes(only) ? only : undefined;
    }
    const now = Date.now();
    const start = this.#next++ % n;
    let best: Replica | undefined;
    for (let i = 0; i < n; i++) {
      const r = list[(start + i) % n];
      if (!r.available(now) || exclude?.includes(r)) continue;
      if (!best || r.outstanding < best.outstanding) best = r;
    }
    return best;
  }

  /** Seconds until the first cooled-down replica may be tried again. */
  secondsUntilAvailable(): number {
    const now = Date.now();
    const soonest = Math.min(...this.replicas.map(r => r.cooledUntil));
    return Math.max(1, Math.ceil((soonest - now) / 1000));
  }
}
