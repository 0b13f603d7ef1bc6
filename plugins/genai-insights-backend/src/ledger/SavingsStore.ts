import type {
  SavingsEntry,
  SavingsTotals,
} from '@genai-portal/plugin-genai-insights-common';

/** Which environments a savings query reads. Times are ISO, on whole hours; `to` is exclusive. */
export interface SavingsFilter {
  from: string;
  to: string;
  /** Group refs; absent: all teams. */
  teams?: string[];
}

/** Reserved against used per environment, read from the ledger, for `GET /cost/savings`. */
export interface SavingsStore {
  /**
   * The `limit` environments with the most idle cost (GPUs, CPU and memory) first, each with
   * the GPU quota that would have covered its busiest hour; totals over every environment read.
   */
  savings(
    filter: SavingsFilter,
    limit: number,
  ): Promise<{ items: SavingsEntry[]; totals: SavingsTotals }>;
}
