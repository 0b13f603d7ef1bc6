import { ServiceUnavailableError } from '@backstage/errors';
/**
 * Where rate limits and budgets are counted: in this process (dev) or in Redis (production,
 * shared by every backend replica). Both implement the same atomic check-and-reserve.
 *
 * Rates use a sliding window of one minute approximated from two fixed windows (the current
 * minute's count plus the previous minute's, weighted by how much of it still overlaps):
 * memory-cheap, and without the double burst fixed windows allow at a boundary.
 *
 * Budgets are counted in micro-units of the currency (integers, so that Redis adds exactly) per
 * subject and calendar month (UTC). A call reserves its worst-case cost before it goes out, and
 * settles to its real cost after: concurrent calls can never spend more than the budget.
 */
export interface RateSubject {
  id: string;
  /** Requests per minute; 0: none. */
  rpm: number;
  /** Tokens per minute; 0: none. */
  tpm: number;
}

export interface BudgetSubject {
  id: string;
  limitMicros: number;
}

export interface ReserveRequest {
  rates: RateSubject[];
  /** Tokens the call is expected to use, counted against TPM now. */
  tokens: number;
  budgets: BudgetSubject[];
  /** Worst-case cost of the call, reserved on every budget. */
  amountMicros: number;
  /** Epoch milliseconds. */
  now: number;
  /**
   * Budgets the store holds no counter for (never seeded, evicted, flushed) are answered with
   * `unseeded` rather than counted from zero, so that the caller seeds them from the metered
   * usage and tries again: a flush must not give a budget back. Off (tests of a store alone):
   * a missing counter starts at zero.
   */
  requireSeeded?: boolean;
}

/** What settling a reservation needs to undo or adjust. */
export interface Reservation {
  rateKeys: string[];
  budgetKeys: string[];
  tokens: number;
  amountMicros: number;
  /** Per budget key, the generation of its counter at the reservation (Redis: see SETTLE). */
  budgetGenerations?: string[];
}

/** Why a call was refused. */
export interface Refusal {
  ok: false;
  limit: 'rpm' | 'tpm' | 'budget';
  subject: string;
  /** Seconds to wait before the call could pass. */
  retryAfterSeconds: number;
  /**
   * For `rpm`: calls of the subject refused for RPM in this minute's window, this one included.
   * The gateway meters only the first `rpm` of them, so that a caller hammering a limit cannot
   * grow the usage table beyond twice its RPM.
   */
  refused?: number;
}

/** Budgets to seed from the metered usage before the call can be reserved (nothing counted). */
export interface Unseeded {
  ok: false;
  unseeded: BudgetSubject[];
}

export type ReserveResult =
  | { ok: true; reservation: Reservation }
  | Refusal
  | Unseeded;

export type CountResult = { ok: true } | Refusal;

export interface LimitStore {
  /**
   * Checks every limit and, when all pass, counts the call against all of them. A call refused
   * for TPM or a budget still counts as a request (every call counts toward RPM); one refused
   * for RPM does not (it is counted as refused), so a client waiting Retry-After gets in.
   */
  reserve(request: ReserveRequest): Promise<ReserveResult>;
  /**
   * Counts a call that was refused before it could reserve (bad input, an unknown model): it
   * counts toward RPM like any other; when the subject is over its RPM already, the refusal is
   * an RPM refusal.
   */
  countCall(rates: RateSubject[], now: number): Promise<CountResult>;
  /** Replaces the reserved tokens and cost with the real ones. */
  settle(
    reservation: Reservation,
    actual: { tokens: number; costMicros: number },
  ): Promise<void>;
  /**
   * Sets what a budget has spent this month when the store does not know yet (after a restart of
   * an in-memory store, or a new month), from the metered usage.
   */
  seedBudget(id: string, month: string, spentMicros: number): Promise<void>;
  /** Spent plus reserved, by subject, this month. */
  getSpent(ids: string[], month: string): Promise<Map<string, number>>;
  close(): Promise<void>;
}

/**
 * The store cannot be reached (Redis down, or not answering in time). Calls are then refused
 * with a 503, never let through unchecked: a budget must hold.
 */
export class LimitStoreUnavailableError extends ServiceUnavailableError {
  /** Seconds after which a retry may find the store back. */
  readonly retryAfterSeconds = 2;
}

export const WINDOW_MS = 60_000;

/** The last month monthOf named, with its bounds (every call asks, twice: reserve and settle). */
let lastMonth = { from: 0, to: 0, name: '' };

/** The calendar month (UTC) of a time: `2025-06`. */
export function monthOf(now: number): string {
  if (now >= lastMonth.from && now < lastMonth.to) return lastMonth.name;
  const d = new Date(now);
  lastMonth = {
    from: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1),
    to: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1),
    name: d.toISOString().slice(0, 7),
  };
  return lastMonth.name;
}

/** Seconds from `now` to the start of the next month (UTC). */
export function secondsToNextMonth(now: number): number {
  const d = new Date(now);
  const next = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  return Math.max(1, Math.ceil((next - now) / 1000));
}

/** Start of the fixed window `now` is in, and how far into it `now` is (0..1). */
export function windowOf(now: number): { start: number; fraction: number } {
  const start = now - (now % WINDOW_MS);
  return { start, fraction: (now - start) / WINDOW_MS };
}

/** The sliding-window estimate of what was used in the last minute. */
export function slidingCount(
  previous: number,
  current: number,
  fraction: number,
): number {
  return previous * (1 - fraction) + current;
}

/**
 * Seconds until `need` more fits under `limit`, if nothing else arrives: first the previous
 * window's weight fades; if the current window alone is too much, its weight must fade in the
 * next window.
 */
export function rateRetryAfterSeconds(options: {
  limit: number;
  need: number;
  previous: number;
  current: number;
  fraction: number;
}): number {
  const { limit, need, previous, current, fraction } = options;
  let waitMs: number;
  if (current + need <= limit) {
    // only the previous window's share is in the way
    const until = previous > 0 ? 1 - (limit - current - need) / previous : 0;
    waitMs = Math.max(0, until - fraction) * WINDOW_MS;
  } else {
    const room = limit - need;
    const until = room >= 0 && current > 0 ? 1 - room / current : 1;
    waitMs = (1 - fraction) * WINDOW_MS + Math.max(0, until) * WINDOW_MS;
  }
  return Math.min(120, Math.max(1, Math.ceil(waitMs / 1000)));
}
