import type { UsageRecord, UsageStore } from '../../metering/UsageStore';
import {
  LimitStoreUnavailableError,
  monthOf,
  type BudgetSubject,
  type LimitStore,
} from './LimitStore';

const MICROS = 1_000_000;

/** What a budget id (`key:<id>`, `env:<id>`, `team:<group ref>`) counts in the metered usage. */
function subjectOf(id: string): {
  usage: Parameters<UsageStore['sumCost']>[0];
  matches: (r: UsageRecord) => boolean;
} {
  const sep = id.indexOf(':');
  const kind = id.slice(0, sep);
  const value = id.slice(sep + 1);
  if (kind === 'key') {
    return { usage: { keyId: value }, matches: r => r.keyId === value };
  }
  if (kind === 'team') {
    return { usage: { team: value }, matches: r => r.team === value };
  }
  return {
    usage: { environmentId: value },
    matches: r => r.environmentId === value,
  };
}

/**
 * Sets a budget's counter from what was spent this month when the limit store has none: a new
 * month, a restarted in-memory store, or a Redis that lost it (FLUSHALL, eviction). The spend is
 * the metered usage in the database plus the records still waiting in this process's metering
 * buffer (those of other replicas, at most a flush interval's worth, are not seen). One read per
 * budget however many calls ask at once.
 */
export class BudgetSeeder {
  readonly #seeding = new Map<string, Promise<void>>();

  constructor(
    private readonly options: {
      usage: Pick<UsageStore, 'sumCost'>;
      /** Records written but not in the database yet. */
      pending: () => readonly UsageRecord[];
      limits: Pick<LimitStore, 'seedBudget'>;
    },
  ) {}

  async seed(budgets: BudgetSubject[], now: number): Promise<void> {
    await Promise.all(budgets.map(b => this.#seedOne(b.id, now)));
  }

  #seedOne(id: string, now: number): Promise<void> {
    const month = monthOf(now);
    const mark = `${id}|${month}`;
    let seeding = this.#seeding.get(mark);
    if (!seeding) {
      seeding = this.#read(id, month, now).finally(() =>
        this.#seeding.delete(mark),
      );
      this.#seeding.set(mark, seeding);
    }
    return seeding;
  }

  async #read(id: string, month: string, now: number) {
    const d = new Date(now);
    const from = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
    const to = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
    const subject = subjectOf(id);
    let spent: number;
    try {
      spent = await this.options.usage.sumCost(subject.usage, {
        from: from.toISOString(),
        to: to.toISOString(),
      });
    } catch (error) {
      // not the caller's fault, and no call may pass unchecked: a 503 to retry
      throw new LimitStoreUnavailableError(
        `the metered usage to seed budget ${id} could not be read: ${error}`,
      );
    }
    const fromIso = from.toISOString();
    const toIso = to.toISOString();
    for (const r of this.options.pending()) {
      if (r.at >= fromIso && r.at < toIso && subject.matches(r)) {
        spent += r.cost;
      }
    }
    await this.options.limits.seedBudget(id, month, Math.round(spent * MICROS));
  }
}
