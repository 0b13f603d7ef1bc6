import type { UsageRecord } from './UsageStore';

/** Largest value of an integer column (PostgreSQL's integer). */
const MAX_INT = 2_147_483_647;

/** Lengths of the string columns of usage_records (see the migrations). */
const LENGTHS = {
  at: 32,
  keyId: 36,
  userRef: 255,
  team: 255,
  environmentId: 253,
  model: 253,
  endpoint: 32,
  error: 64,
  requestId: 128,
  recordId: 36,
} as const;

const count = (v: number) =>
  Number.isFinite(v) && v > 0 ? Math.min(Math.round(v), MAX_INT) : 0;
const amount = (v: number) => (Number.isFinite(v) && v > 0 ? v : 0);

/**
 * A record every database takes: counts whole, finite, non-negative and within an integer
 * column, amounts finite and non-negative, strings within their columns. Records are written in
 * batches, and one the database refused would fail its whole batch, again at every retry: what a
 * model server reported must never stop the metering of every other call. The second value says
 * whether anything had to be changed.
 */
export function validRecord(record: UsageRecord): [UsageRecord, boolean] {
  const fixed: UsageRecord = {
    ...record,
    inputTokens: count(record.inputTokens),
    outputTokens: count(record.outputTokens),
    cost: amount(record.cost),
    latencyMs: amount(record.latencyMs),
    status:
      Number.isInteger(record.status) &&
      record.status >= 100 &&
      record.status <= 599
        ? record.status
        : 500,
  };
  if (record.ttftMs !== undefined) fixed.ttftMs = amount(record.ttftMs);
  for (const [field, max] of Object.entries(LENGTHS)) {
    const value = fixed[field as keyof typeof LENGTHS];
    if (typeof value === 'string' && value.length > max) {
      (fixed as any)[field] = value.slice(0, max);
    }
  }
  const changed = (Object.keys(fixed) as Array<keyof UsageRecord>).some(
    k => fixed[k] !== record[k],
  );
  return [fixed, changed];
}
