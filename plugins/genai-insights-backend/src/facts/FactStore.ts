import type { LedgerFacts } from '@genai-portal/plugin-genai-insights-common';

/** An environment's monthly budget, from its latest lifecycle event. */
export interface EnvironmentBudget {
  environmentId: string;
  team: string;
  monthlyBudgetMicros: number;
}

/** The facts the ledger is computed from, kept in the plugin's database. */
export interface FactStore {
  /**
   * Stores facts; a fact whose id is already stored replaces it (a job that ended, a record
   * delivered again), so delivering a page of the feed twice changes nothing.
   */
  add(facts: Partial<LedgerFacts>): Promise<void>;
  /**
   * The facts that touch [from, to): every lifecycle event up to `to` of environments not
   * deleted before `from`, the jobs and pods that ran in the range, the tokens of calls in it,
   * the idle GPU episodes that overlap it.
   */
  read(range: { from: string; to: string }): Promise<LedgerFacts>;
  /** Environments' budgets, from the latest event of each environment that has one. */
  environmentBudgets(teams?: string[]): Promise<EnvironmentBudget[]>;
}
