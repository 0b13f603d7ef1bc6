import type { LoggerService } from '@backstage/backend-plugin-api';
import type { FactStore } from '../facts/FactStore';
import { ceilHour, floorHour, iso } from '../lib/hours';
import type { RateCard } from '../rates/RateCard';
import { computeLedger } from './computeLedger';
import type { LedgerStore } from './LedgerStore';

/** Keeps the ledger: recomputes hours from the stored facts. */
export class LedgerService {
  constructor(
    private readonly options: {
      facts: FactStore;
      ledger: LedgerStore;
      rateCard: RateCard;
      logger?: LoggerService;
    },
  ) {}

  /**
   * Recomputes every row of the hours touching [from, to) from the facts and replaces them in
   * one transaction. Idempotent: the same facts give the same rows however often, and in
   * whatever ranges, it runs; a backfill of any range is this with a wider range. Hours up to
   * `now` count reservations and runs still open up to `now`.
   */
  async recomputeHours(
    from: Date | string,
    to: Date | string,
    now: Date = new Date(),
  ): Promise<{ hours: number; rows: number }> {
    const start = floorHour(new Date(from).getTime());
    const end = ceilHour(new Date(to).getTime());
    if (!(end > start)) return { hours: 0, rows: 0 };
    const range = { from: iso(start), to: iso(end) };
    const facts = await this.options.facts.read(range);
    const rows = computeLedger(
      facts,
      { from: start, to: end, now: now.getTime() },
      this.options.rateCard,
    );
    await this.options.ledger.replaceHours(range, rows);
    const hours = (end - start) / 3_600_000;
    this.options.logger?.debug(
      `Recomputed ${hours} hours of the cost ledger from ${range.from}: ${rows.length} rows`,
    );
    return { hours, rows: rows.length };
  }
}
