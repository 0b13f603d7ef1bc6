import {
  monthOf,
  rateRetryAfterSeconds,
  secondsToNextMonth,
  slidingCount,
  WINDOW_MS,
  windowOf,
  type CountResult,
  type LimitStore,
  type RateSubject,
  type Reservation,
  type ReserveRequest,
  type ReserveResult,
  type Refusal,
} from './LimitStore';

interface Counter {
  requests: number;
  tokens: number;
  /** Calls refused for RPM in this window. */
  refused: number;
}

/**
 * Limits in this process's memory: for development and single-replica setups. Every operation
 * is synchronous inside, so check-and-reserve is atomic on the event loop.
 */
export class MemoryLimitStore implements LimitStore {
  /** Per window start: counters by subject. Only the current and the previous window are kept. */
  readonly #windows = new Map<number, Map<string, Counter>>();
  /** Budget spent+reserved by `${id}|${month}`. */
  readonly #budgets = new Map<string, number>();

  async reserve(request: ReserveRequest): Promise<ReserveResult> {
    return this.reserveNow(request);
  }

  async countCall(rates: RateSubject[], now: number): Promise<CountResult> {
    const refusal = this.#checkRpm(rates, now);
    if (refusal) return refusal;
    this.#countRequests(rates, now);
    return { ok: true };
  }

  /** The synchronous core of reserve (the gateway's hot path awaits nothing else here). */
  reserveNow(request: ReserveRequest): ReserveResult {
    const month = monthOf(request.now);
    if (request.requireSeeded) {
      const unseeded = request.budgets.filter(
        b => !this.#budgets.has(`${b.id}|${month}`),
      );
      if (unseeded.length) return { ok: false, unseeded };
    }
    const refusal =
      this.#checkRpm(request.rates, request.now) ?? this.#checkRest(request);
    if (refusal) {
      if (refusal.limit !== 'rpm')
        this.#countRequests(request.rates, request.now);
      return refusal;
    }
    const { start } = windowOf(request.now);
    const current = this.#window(start);
    const rateKeys: string[] = [];
    for (const s of request.rates) {
      const c = this.#counter(current, s.id);
      c.requests++;
      c.tokens += request.tokens;
      rateKeys.push(`${start}|${s.id}`);
    }
    const budgetKeys: string[] = [];
    for (const b of request.budgets) {
      const key = `${b.id}|${month}`;
      this.#budgets.set(
        key,
        (this.#budgets.get(key) ?? 0) + request.amountMicros,
      );
      budgetKeys.push(key);
    }
    return {
      ok: true,
      reservation: {
        rateKeys,
        budgetKeys,
        tokens: request.tokens,
        amountMicros: request.amountMicros,
      },
    };
  }

  /** The first subject over its RPM (its refusal counted), if any. */
  #checkRpm(rates: RateSubject[], now: number): Refusal | undefined {
    const { start, fraction } = windowOf(now);
    const current = this.#window(start);
    const previous = this.#windows.get(start - WINDOW_MS);
    for (const s of rates) {
      const c = current.get(s.id);
      const cr = c?.requests ?? 0;
      const pr = previous?.get(s.id)?.requests ?? 0;
      if (s.rpm > 0 && slidingCount(pr, cr, fraction) + 1 > s.rpm) {
        const counter = this.#counter(current, s.id);
        counter.refused++;
        return {
          ok: false,
          limit: 'rpm',
          subject: s.id,
          refused: counter.refused,
          retryAfterSeconds: rateRetryAfterSeconds({
            limit: s.rpm,
            need: 1,
            previous: pr,
            current: cr,
            fraction,
          }),
        };
      }
    }
    return undefined;
  }

  #countRequests(rates: RateSubject[], now: number) {
    const current = this.#window(windowOf(now).start);
    for (const s of rates) this.#counter(current, s.id).requests++;
  }

  #counter(window: Map<string, Counter>, id: string): Counter {
    let c = window.get(id);
    if (!c) {
      c = { requests: 0, tokens: 0, refused: 0 };
      window.set(id, c);
    }
    return c;
  }

  /** TPM and budgets. */
  #checkRest(request: ReserveRequest): Refusal | undefined {
    const { start, fraction } = windowOf(request.now);
    const current = this.#window(start);
    const previous = this.#windows.get(start - WINDOW_MS);
    for (const s of request.rates) {
      const c = current.get(s.id);
      const p = previous?.get(s.id);
      const ct = c?.tokens ?? 0;
      const pt = p?.tokens ?? 0;
      if (
        s.tpm > 0 &&
        slidingCount(pt, ct, fraction) + request.tokens > s.tpm
      ) {
        return {
          ok: false,
          limit: 'tpm',
          subject: s.id,
          retryAfterSeconds: rateRetryAfterSeconds({
            limit: s.tpm,
            need: request.tokens,
            previous: pt,
            current: ct,
            fraction,
          }),
        };
      }
    }
    const month = monthOf(request.now);
    for (const b of request.budgets) {
      const spent = this.#budgets.get(`${b.id}|${month}`) ?? 0;
      if (spent + request.amountMicros > b.limitMicros) {
        return {
          ok: false,
          limit: 'budget',
          subject: b.id,
          retryAfterSeconds: secondsToNextMonth(request.now),
        };
      }
    }
    return undefined;
  }

  async settle(
    reservation: Reservation,
    actual: { tokens: number; costMicros: number },
  ): Promise<void> {
    const tokenDelta = actual.tokens - reservation.tokens;
    if (tokenDelta !== 0) {
      for (const key of reservation.rateKeys) {
        const sep = key.indexOf('|');
        const c = this.#windows
          .get(Number(key.slice(0, sep)))
          ?.get(key.slice(sep + 1));
        if (c) c.tokens = Math.max(0, c.tokens + tokenDelta);
      }
    }
    const costDelta = actual.costMicros - reservation.amountMicros;
    if (costDelta !== 0) {
      for (const key of reservation.budgetKeys) {
        this.#budgets.set(
          key,
          Math.max(0, (this.#budgets.get(key) ?? 0) + costDelta),
        );
      }
    }
  }

  async seedBudget(id: string, month: string, spentMicros: number) {
    const key = `${id}|${month}`;
    if (!this.#budgets.has(key)) this.#budgets.set(key, spentMicros);
  }

  async getSpent(ids: string[], month: string) {
    return new Map(
      ids.map(id => [id, this.#budgets.get(`${id}|${month}`) ?? 0]),
    );
  }

  async close() {
    this.#windows.clear();
    this.#budgets.clear();
  }

  #window(start: number): Map<string, Counter> {
    let w = this.#windows.get(start);
    if (!w) {
      w = new Map();
      this.#windows.set(start, w);
      for (const s of this.#windows.keys()) {
        if (s < start - WINDOW_MS) this.#windows.delete(s);
      }
    }
    return w;
  }
}
