import type {
  BudgetScope,
  Micros,
} from '@genai-portal/plugin-genai-insights-common';

/** A monthly budget set by a lead or an admin. */
export interface StoredBudget {
  scope: BudgetScope;
  subject: string;
  monthlyMicros: Micros;
  currency: string;
  updatedBy: string;
  updatedAt: string;
}

/** Team and cost-center budgets. */
export interface BudgetStore {
  list(filter?: { teams?: string[] }): Promise<StoredBudget[]>;
  /** Sets a budget, replacing the one of the same scope and subject. */
  put(budget: StoredBudget): Promise<void>;
  /** Removes a budget; true when there was one. */
  remove(scope: BudgetScope, subject: string): Promise<boolean>;
}
