import type {
  CostBasis,
  CostCategory,
  CostDimension,
  CostInterval,
  CostPoint,
  LedgerRow,
  Micros,
} from '@genai-portal/plugin-genai-insights-common';

/** Which rows a query sums. Times are ISO, on whole hours; `to` is exclusive. */
export interface LedgerFilter {
  from: string;
  to: string;
  /** Group refs; absent: all teams. */
  teams?: string[];
  basis?: CostBasis;
}

/** Whose rows a budget counts. */
export type LedgerSubject =
  | { team: string }
  | { costCenter: string }
  | { environment: string };

/** Cost and quantity of one category in one basis. */
export interface CategoryTotal {
  category: CostCategory;
  basis: CostBasis;
  costMicros: Micros;
  quantity: number;
}

/** The hourly cost ledger. Every sum is computed by the database, in integer micros. */
export interface LedgerStore {
  /**
   * Replaces every row of the hours [from, to) with `rows`, in one transaction: readers see
   * the old rows or the new, never a mix, and running it twice leaves the same rows.
   */
  replaceHours(
    range: { from: string; to: string },
    rows: LedgerRow[],
  ): Promise<void>;
  costOverTime(
    filter: LedgerFilter & { basis: CostBasis },
    interval: CostInterval,
    stackBy: CostDimension,
  ): Promise<CostPoint[]>;
  total(filter: LedgerFilter & { basis: CostBasis }): Promise<Micros>;
  top(
    filter: LedgerFilter & { basis: CostBasis },
    by: 'environment' | 'model',
    limit: number,
  ): Promise<Array<{ key: string; team: string; costMicros: Micros }>>;
  /** Cost and quantity per category and basis, for reserved vs used vs idle. */
  byCategory(filter: LedgerFilter): Promise<CategoryTotal[]>;
  /** Cost per day (`YYYY-MM-DD`) of one team, cost center or environment. */
  dailyCost(
    subject: LedgerSubject,
    filter: { from: string; to: string; basis: CostBasis },
  ): Promise<Map<string, Micros>>;
  /**
   * dailyCost of many subjects at once (one query per kind of subject), in the order asked:
   * what a page of budgets needs.
   */
  dailyCosts(
    subjects: LedgerSubject[],
    filter: { from: string; to: string; basis: CostBasis },
  ): Promise<Array<Map<string, Micros>>>;
  /** The rows in the filter in pages of at most `pageSize`, oldest id first, for exports. */
  pages(filter: LedgerFilter, pageSize?: number): AsyncGenerator<LedgerRow[]>;
}
