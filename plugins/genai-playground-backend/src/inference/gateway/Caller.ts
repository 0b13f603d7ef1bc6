import type { BudgetSubject, RateSubject } from '../limits/LimitStore';

/** Who a gateway call is for and what limits it runs under. */
export interface Caller {
  kind: 'key' | 'user';
  keyId?: string;
  userRef?: string;
  /** Group ref charged. */
  team: string;
  environmentId?: string;
  /** Models the caller may use; undefined: every model. */
  models?: ReadonlySet<string>;
  rates: RateSubject[];
  budgets: BudgetSubject[];
}
