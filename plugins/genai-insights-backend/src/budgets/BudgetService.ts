import type {
  BudgetScope,
  BudgetStatus,
  CostBasis,
  Micros,
} from '@genai-portal/plugin-genai-insights-common';
import type { FactStore } from '../facts/FactStore';
import type { LedgerStore, LedgerSubject } from '../ledger/LedgerStore';
import type { BudgetStore } from './BudgetStore';
import { forecastMonth, thresholdsCrossed } from './forecast';

/** Start and end (exclusive) of a `YYYY-MM` month, UTC. */
export function monthBounds(month: string): { start: number; end: number } {
  const [year, m] = month.split('-').map(Number);
  return { start: Date.UTC(year, m - 1, 1), end: Date.UTC(year, m, 1) };
}

/** Budgets and where each month stands against them. */
export class BudgetService {
  constructor(
    private readonly options: {
      budgets: BudgetStore;
      facts: FactStore;
      ledger: LedgerStore;
      currency: string;
      /** The basis budgets are spent in: the chargeback basis. */
      basis: CostBasis;
    },
  ) {}

  /**
   * Every budget visible to `teams` (all when absent) with the month to date, the month-end
   * forecast and the thresholds crossed: stored team and cost-center budgets, and environments'
   * budgets from their lifecycle.
   */
  async status(options: {
    month: string;
    teams?: string[];
    now?: Date;
  }): Promise<BudgetStatus[]> {
    const now = (options.now ?? new Date()).getTime();
    const stored = await this.options.budgets.list({ teams: options.teams });
    const environments = await this.options.facts.environmentBudgets(
      options.teams,
    );
    const budgets: Array<{
      scope: BudgetScope | 'environment';
      subject: string;
      micros: Micros;
      ledgerSubject: LedgerSubject;
    }> = [
      ...stored.map(b => ({
        scope: b.scope,
        subject: b.subject,
        micros: b.monthlyMicros,
        ledgerSubject:
          b.scope === 'team' ? { team: b.subject } : { costCenter: b.subject },
      })),
      ...environments.map(e => ({
        scope: 'environment' as const,
        subject: e.environmentId,
        micros: e.monthlyBudgetMicros,
        ledgerSubject: { environment: e.environmentId },
      })),
    ];
    const { start, end } = monthBounds(options.month);
    // One query per kind of subject for the whole page, not one per budget.
    const dailies = await this.options.ledger.dailyCosts(
      budgets.map(b => b.ledgerSubject),
      {
        from: new Date(start).toISOString(),
        to: new Date(end).toISOString(),
        basis: this.options.basis,
      },
    );
    const statuses: BudgetStatus[] = [];
    for (const [i, budget] of budgets.entries()) {
      const daily = dailies[i];
      const { monthToDate, forecast } = forecastMonth({
        monthStart: start,
        monthEnd: end,
        now,
        daily,
      });
      statuses.push({
        scope: budget.scope,
        subject: budget.subject,
        month: options.month,
        currency: this.options.currency,
        budgetMicros: budget.micros,
        monthToDateMicros: monthToDate,
        forecast,
        thresholds: thresholdsCrossed(
          budget.micros,
          monthToDate,
          forecast.costMicros,
        ),
      });
    }
    return statuses;
  }
}
