import type {
  UsageGroupBy,
  UsageRow,
} from '@genai-portal/plugin-genai-playground-common';

/** One call of the gateway, as metered. */
export interface UsageRecord {
  /** ISO time the call started. */
  at: string;
  keyId?: string;
  userRef?: string;
  team: string;
  environmentId?: string;
  model: string;
  endpoint: 'chat' | 'completions' | 'embeddings';
  inputTokens: number;
  outputTokens: number;
  cost: number;
  latencyMs: number;
  ttftMs?: number;
  status: number;
  error?: string;
  stream: boolean;
  /** The call's `x-request-id`. */
  requestId?: string;
  /** Given by the recorder, unique: a record written twice is kept once. */
  recordId?: string;
}

export interface UsageFilter {
  /** ISO time, inclusive. */
  from: string;
  /** ISO time, exclusive. */
  to: string;
  /** Group refs; absent: all teams. */
  teams?: string[];
  environmentId?: string;
  keyId?: string;
  model?: string;
}

export interface UsageTotals {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cost: number;
}

/** The metered calls. */
export interface UsageStore {
  /** Writes the records in one transaction; those whose `recordId` is already there are skipped. */
  insert(records: UsageRecord[]): Promise<void>;
  aggregate(groupBy: UsageGroupBy, filter: UsageFilter): Promise<UsageRow[]>;
  /** Totals per key over a period (for the keys list). */
  totalsByKey(
    keyIds: string[],
    period: { from: string; to: string },
  ): Promise<Map<string, UsageTotals>>;
  /** Cost spent by a key, an environment or a team over a period, to seed budgets. */
  sumCost(
    subject: { keyId: string } | { environmentId: string } | { team: string },
    period: { from: string; to: string },
  ): Promise<number>;
}
