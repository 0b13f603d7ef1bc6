import type { EnvironmentEvent } from '@genai-portal/plugin-genai-insights-common';
import type { Knex } from 'knex';
import type { BudgetStore } from '../src/budgets/BudgetStore';
import type { FactStore } from '../src/facts/FactStore';
import { ratesOf, type Scenario } from './scenario';

const DAY_MS = 86_400_000;

/**
 * A number in [0, 1) for an environment (`e.idx`), an hour (`h.k`) and a seed, in SQL: the
 * fractional part of a scaled sine, so a history is the same every run.
 */
const u = (seed: number, idx = 'e.idx', k = 'h.k') => {
  const x = `(sin(${idx} * 12.9898 + ${k} * 78.233 + ${seed} * 3.7193) * 43758.5453)`;
  return `(${x} - floor(${x}))`;
};

/**
 * The ledger rows of the hours [from, to) of the scenario as computeLedger writes them: per hour
 * and environment, the quota reserved (GPU, CPU, memory, storage), what its jobs and pods used
 * in the hours it was active (on-demand and spot GPUs, CPU, memory), and the input and output
 * tokens of each model it called in both bases; per team, tokens of keys without an
 * environment. Costs are round(quantity / ratePer × rate) in integer micros, rounded as
 * Math.round does (half up: PostgreSQL's round of a double rounds half to even); rows in key
 * order within each hour.
 */
const ROWS_SQL = `
WITH e AS (
  SELECT * FROM jsonb_to_recordset(:environments::jsonb) AS e(
    idx int, environment text, team text, cost_center text, pool text,
    gpus float8, cpu float8, memory_gi float8, storage_gi float8,
    gpu_rate bigint, spot_rate bigint, spot boolean, activity float8, token_activity float8)
), m AS (
  SELECT * FROM jsonb_to_recordset(:models::jsonb) AS m(
    idx int, slot int, model text, input_rate bigint, output_rate bigint)
), t AS (
  SELECT * FROM jsonb_to_recordset(:teams::jsonb) AS t(
    idx int, team text, model text, input_rate bigint, output_rate bigint)
), h AS (
  SELECT g AS t, (extract(epoch FROM g) / 3600)::int AS k
  FROM generate_series(:from::timestamp, :to::timestamp - interval '1 hour', interval '1 hour') AS g
), eh AS (
  SELECT h.t, h.k, e.*,
    ${u(1)} < e.activity AS active, ${u(2)} AS u2, ${u(3)} AS u3, ${u(4)} AS u4
  FROM h CROSS JOIN e
), rows AS (
  SELECT eh.t, eh.environment, eh.team, eh.cost_center, eh.pool,
    r.category, r.unit, ''::text AS model, r.basis, r.capacity, r.quantity, r.rate_micros, r.rate_per
  FROM eh CROSS JOIN LATERAL (VALUES
    ('gpu', 'gpu-hours', 'reserved', 'on-demand', eh.gpus, eh.gpu_rate, 1),
    ('cpu', 'core-hours', 'reserved', 'on-demand', eh.cpu, :cpuRate::bigint, 1),
    ('memory', 'gib-hours', 'reserved', 'on-demand', eh.memory_gi, :memoryRate::bigint, 1),
    ('storage', 'gib-hours', 'reserved', 'on-demand', eh.storage_gi, :storageRate::bigint, :storagePer::int),
    ('gpu', 'gpu-hours', 'used', 'on-demand',
      CASE WHEN eh.active THEN eh.gpus * (0.2 + 0.8 * eh.u2) * (CASE WHEN eh.spot THEN 0.6 ELSE 1 END) ELSE 0 END,
      eh.gpu_rate, 1),
    ('gpu', 'gpu-hours', 'used', 'spot',
      CASE WHEN eh.active AND eh.spot THEN eh.gpus * (0.2 + 0.8 * eh.u2) * 0.4 ELSE 0 END,
      eh.spot_rate, 1),
    ('cpu', 'core-hours', 'used', 'on-demand',
      CASE WHEN eh.active THEN eh.cpu * (0.1 + 0.5 * eh.u3) ELSE 0 END, :cpuRate::bigint, 1),
    ('memory', 'gib-hours', 'used', 'on-demand',
      CASE WHEN eh.active THEN eh.memory_gi * (0.2 + 0.6 * eh.u4) ELSE 0 END, :memoryRate::bigint, 1)
  ) AS r(category, unit, basis, capacity, quantity, rate_micros, rate_per)
  WHERE r.quantity > 0
  UNION ALL
  SELECT eh.t, eh.environment, eh.team, eh.cost_center, eh.pool,
    'tokens', tk.unit, m.model, b.basis, 'on-demand', tk.quantity, tk.rate_micros, 1000000
  FROM eh
  JOIN m ON m.idx = eh.idx
  CROSS JOIN LATERAL (SELECT
    ${u(5, 'm.idx * 7 + m.slot', 'eh.k')} AS a,
    ${u(6, 'm.idx * 7 + m.slot', 'eh.k')} AS v
  ) AS n
  CROSS JOIN LATERAL (VALUES
    ('input-tokens', round(200000 + 3000000 * n.v)::float8, m.input_rate),
    ('output-tokens', round((200000 + 3000000 * n.v) * (0.1 + 0.4 * eh.u3))::float8, m.output_rate)
  ) AS tk(unit, quantity, rate_micros)
  CROSS JOIN (VALUES ('reserved'), ('used')) AS b(basis)
  WHERE n.a < eh.token_activity
  UNION ALL
  SELECT h.t, '', t.team, '', '',
    'tokens', tk.unit, t.model, b.basis, 'on-demand', tk.quantity, tk.rate_micros, 1000000
  FROM h CROSS JOIN t
  CROSS JOIN LATERAL (SELECT ${u(7, 't.idx')} AS a, ${u(8, 't.idx')} AS v) AS n
  CROSS JOIN LATERAL (VALUES
    ('input-tokens', round(50000 + 500000 * n.v)::float8, t.input_rate),
    ('output-tokens', round((50000 + 500000 * n.v) * 0.3)::float8, t.output_rate)
  ) AS tk(unit, quantity, rate_micros)
  CROSS JOIN (VALUES ('reserved'), ('used')) AS b(basis)
  WHERE n.a < 0.9
)
INSERT INTO ledger_rows (hour, week, environment, team, cost_center, pool, category, unit,
  model, basis, capacity, quantity, rate_micros, rate_per, cost_micros)
SELECT to_char(t, 'YYYY-MM-DD"T"HH24":00:00.000Z"'), to_char(date_trunc('week', t), 'YYYY-MM-DD'),
  environment, team, cost_center, pool, category, unit, model, basis, capacity, quantity,
  rate_micros, rate_per, floor(quantity / rate_per * rate_micros + 0.5)::bigint
FROM rows
ORDER BY t, environment, team, cost_center, pool, category, unit, model, basis, capacity
`;

/** The parameters of ROWS_SQL for a scenario. */
function parameters(s: Scenario) {
  const rates = ratesOf(s.rateCard);
  return {
    environments: JSON.stringify(
      s.environments.map(e => ({
        idx: e.index,
        environment: e.id,
        team: e.team,
        cost_center: e.costCenter,
        pool: e.pool,
        gpus: e.gpus,
        cpu: e.cpu,
        memory_gi: e.memoryGi,
        storage_gi: e.storageGi,
        gpu_rate: rates.gpu(e.pool).gpuHour,
        spot_rate: rates.gpu(e.pool).spotGpuHour,
        spot: e.spot,
        activity: e.activity,
        token_activity: e.tokenActivity,
      })),
    ),
    models: JSON.stringify(
      s.environments.flatMap(e =>
        e.models.map((model, slot) => ({
          idx: e.index,
          slot,
          model,
          input_rate: rates.tokens(model).inputPerMillion,
          output_rate: rates.tokens(model).outputPerMillion,
        })),
      ),
    ),
    teams: JSON.stringify(
      s.teams.map((team, idx) => ({
        idx,
        team,
        model: s.teamModels[idx],
        input_rate: rates.tokens(s.teamModels[idx]).inputPerMillion,
        output_rate: rates.tokens(s.teamModels[idx]).outputPerMillion,
      })),
    ),
    cpuRate: rates.cpuCoreHour,
    memoryRate: rates.memoryGiHour,
    storageRate: rates.storageGiMonth,
    storagePer: rates.storagePer,
  };
}

/** `2026-12-01T00:00:00.000Z` as the timestamp without time zone the SQL works in. */
const timestamp = (value: string) =>
  new Date(value).toISOString().slice(0, 19).replace('T', ' ');

/**
 * Inserts the scenario's ledger rows of [from, to) (whole hours) in one statement; returns the
 * number of rows. PostgreSQL only.
 */
export async function insertLedgerRows(
  knex: Knex,
  s: Scenario,
  range: { from: string; to: string },
): Promise<number> {
  const result = await knex.raw(ROWS_SQL, {
    ...parameters(s),
    from: timestamp(range.from),
    to: timestamp(range.to),
  });
  return result.rowCount ?? 0;
}

/**
 * Runs `load` with the table's indexes other than its primary key dropped, then builds them
 * again exactly as they were (from the catalog's own definitions): building an index once is
 * several times faster than maintaining it row by row. PostgreSQL only.
 */
export async function withoutIndexes<T>(
  knex: Knex,
  table: string,
  load: () => Promise<T>,
): Promise<T> {
  const { rows: indexes } = await knex.raw(
    `SELECT i.relname AS name, pg_get_indexdef(i.oid) AS index_def,
       c.conname AS constraint_name, pg_get_constraintdef(c.oid) AS constraint_def
     FROM pg_index x
     JOIN pg_class i ON i.oid = x.indexrelid
     LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.conrelid = x.indrelid
     WHERE x.indrelid = ?::regclass AND NOT x.indisprimary
     ORDER BY i.relname`,
    [table],
  );
  for (const index of indexes) {
    await (index.constraint_name
      ? knex.raw('ALTER TABLE ?? DROP CONSTRAINT ??', [
          table,
          index.constraint_name,
        ])
      : knex.raw('DROP INDEX ??', [index.name]));
  }
  const result = await load();
  await knex.transaction(async tx => {
    await tx.raw(`SET LOCAL maintenance_work_mem = '256MB'`);
    for (const index of indexes) {
      await (index.constraint_name
        ? tx.raw(`ALTER TABLE ?? ADD CONSTRAINT ?? ${index.constraint_def}`, [
            table,
            index.constraint_name,
          ])
        : tx.raw(index.index_def));
    }
  });
  return result;
}

/**
 * The scenario's whole history, a day per statement (in the order the hourly recompute writes
 * them), on `parallel` connections (each its own days), reporting after each day; the table's
 * indexes are built once at the end. Returns the rows written.
 */
export async function generateLedger(
  knex: Knex,
  s: Scenario,
  options: {
    parallel?: number;
    onDay?: (days: number, rows: number) => void;
  } = {},
): Promise<number> {
  const start = Date.parse(s.start);
  let next = 0;
  let done = 0;
  let total = 0;
  const worker = async () => {
    for (let d = next++; d < s.scale.days; d = next++) {
      const from = new Date(start + d * DAY_MS).toISOString();
      const to = new Date(start + (d + 1) * DAY_MS).toISOString();
      const written = await insertLedgerRows(knex, s, { from, to });
      total += written;
      options.onDay?.(++done, total);
    }
  };
  return withoutIndexes(knex, 'ledger_rows', async () => {
    await Promise.all(
      Array.from({ length: Math.max(1, options.parallel ?? 1) }, worker),
    );
    return total;
  });
}

/** The lifecycle the rows were generated from: each environment created before the history. */
export function environmentEvents(s: Scenario): EnvironmentEvent[] {
  const at = new Date(Date.parse(s.start) - DAY_MS).toISOString();
  return s.environments.map(e => ({
    id: `bench-${e.id}-created`,
    environmentId: e.id,
    type: 'created',
    team: e.team,
    costCenter: e.costCenter,
    pool: e.pool,
    quota: {
      gpus: e.gpus,
      cpu: e.cpu,
      memoryGi: e.memoryGi,
      storageGi: e.storageGi,
    },
    monthlyBudget: e.monthlyBudget,
    at,
  }));
}

/**
 * The stored side of the scenario: environments' lifecycle events (with their budgets) in the
 * fact tables, and a monthly budget for every team and cost center.
 */
export async function storeScenarioFacts(
  s: Scenario,
  stores: { facts: FactStore; budgets: BudgetStore },
): Promise<void> {
  await stores.facts.add({ environmentEvents: environmentEvents(s) });
  const updatedAt = s.start;
  const monthly = (gpus: number) => Math.round(gpus * 2.9 * 730 * 1.1) * 1e6;
  for (const team of s.teams) {
    const gpus = s.environments
      .filter(e => e.team === team)
      .reduce((sum, e) => sum + e.gpus, 0);
    await stores.budgets.put({
      scope: 'team',
      subject: team,
      monthlyMicros: monthly(gpus),
      currency: 'USD',
      updatedBy: 'user:default/bench',
      updatedAt,
    });
  }
  for (const costCenter of s.costCenters) {
    const gpus = s.environments
      .filter(e => e.costCenter === costCenter)
      .reduce((sum, e) => sum + e.gpus, 0);
    await stores.budgets.put({
      scope: 'cost-center',
      subject: costCenter,
      monthlyMicros: monthly(gpus),
      currency: 'USD',
      updatedBy: 'user:default/bench',
      updatedAt,
    });
  }
}
