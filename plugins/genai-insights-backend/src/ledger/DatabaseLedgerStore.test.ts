import { mockServices } from '@backstage/backend-test-utils';
import type { LedgerRow } from '@genai-portal/plugin-genai-insights-common';
import { resolve as resolvePath } from 'node:path';
import { formatFigures, optionsFromEnv, runBench } from '../../bench/cost';
import { DEFAULT_SCALE } from '../../bench/scenario';
import { databases, makeStores } from '../__testUtils__/database';
import { APPS, ML } from '../__testUtils__/fixtures';
import { mondayOf } from '../lib/hours';
import { migrateDatabase } from '../lib/migrateDatabase';
import { DatabaseLedgerStore } from './DatabaseLedgerStore';

jest.setTimeout(120_000);

function row(overrides: Partial<LedgerRow>): LedgerRow {
  return {
    hour: '2026-11-02T10:00:00.000Z',
    environment: 'ml-a',
    team: ML,
    costCenter: 'CC-1',
    pool: 'mi300x',
    category: 'gpu',
    unit: 'gpu-hours',
    model: '',
    basis: 'reserved',
    capacity: 'on-demand',
    quantity: 1,
    rateMicros: 1_000_000,
    ratePer: 1,
    costMicros: 1_000_000,
    ...overrides,
  };
}

// 2026-11-01 is a Sunday: its week starts Monday 2026-10-26.
const ROWS: LedgerRow[] = [
  row({ hour: '2026-11-01T23:00:00.000Z', costMicros: 5 }),
  row({ hour: '2026-11-02T10:00:00.000Z', costMicros: 1_000_000 }),
  row({
    hour: '2026-11-02T10:00:00.000Z',
    category: 'cpu',
    unit: 'core-hours',
    costMicros: 300,
  }),
  row({
    hour: '2026-11-02T11:00:00.000Z',
    basis: 'used',
    quantity: 0.25,
    costMicros: 250_000,
  }),
  row({
    hour: '2026-11-03T00:00:00.000Z',
    pool: 'mi355x',
    environment: 'ml-b',
    costMicros: 4_000_000,
  }),
  row({
    hour: '2026-11-03T00:00:00.000Z',
    category: 'tokens',
    unit: 'input-tokens',
    model: 'llama',
    environment: 'ml-b',
    quantity: 1e6,
    ratePer: 1e6,
    costMicros: 150_000,
  }),
  row({
    hour: '2026-11-03T00:00:00.000Z',
    category: 'tokens',
    unit: 'input-tokens',
    model: 'llama',
    environment: 'ml-b',
    basis: 'used',
    quantity: 1e6,
    ratePer: 1e6,
    costMicros: 150_000,
  }),
  row({
    hour: '2026-11-03T01:00:00.000Z',
    team: APPS,
    environment: 'apps-x',
    costCenter: 'CC-2',
    costMicros: 9_000_000,
  }),
  row({ hour: '2026-12-01T00:00:00.000Z', costMicros: 7 }),
];

const NOV = {
  from: '2026-11-01T00:00:00.000Z',
  to: '2026-12-01T00:00:00.000Z',
};

describe.each(databases.eachSupportedId())(
  'DatabaseLedgerStore on %p',
  databaseId => {
    async function makeStore() {
      const stores = await makeStores(databaseId);
      await stores.ledger.replaceHours(
        { from: '2026-11-01T00:00:00.000Z', to: '2026-12-02T00:00:00.000Z' },
        ROWS,
      );
      return stores;
    }

    it('sums cost over time per day, week and month, stacked', async () => {
      const { ledger } = await makeStore();
      const filter = { ...NOV, teams: [ML], basis: 'reserved' as const };
      expect(await ledger.costOverTime(filter, 'day', 'pool')).toEqual([
        { period: '2026-11-01', key: 'mi300x', costMicros: 5 },
        { period: '2026-11-02', key: 'mi300x', costMicros: 1_000_300 },
        { period: '2026-11-03', key: 'mi300x', costMicros: 150_000 },
        { period: '2026-11-03', key: 'mi355x', costMicros: 4_000_000 },
      ]);
      expect(await ledger.costOverTime(filter, 'week', 'category')).toEqual([
        { period: '2026-10-26', key: 'gpu', costMicros: 5 },
        { period: '2026-11-02', key: 'cpu', costMicros: 300 },
        { period: '2026-11-02', key: 'gpu', costMicros: 5_000_000 },
        { period: '2026-11-02', key: 'tokens', costMicros: 150_000 },
      ]);
      expect(
        await ledger.costOverTime(
          { ...NOV, basis: 'reserved' },
          'month',
          'team',
        ),
      ).toEqual([
        { period: '2026-11', key: APPS, costMicros: 9_000_000 },
        { period: '2026-11', key: ML, costMicros: 5_150_305 },
      ]);
      expect(await ledger.costOverTime(filter, 'month', 'model')).toEqual([
        { period: '2026-11', key: '', costMicros: 5_000_305 },
        { period: '2026-11', key: 'llama', costMicros: 150_000 },
      ]);
    });

    it('totals a range and ranks environments and models', async () => {
      const { ledger } = await makeStore();
      expect(await ledger.total({ ...NOV, basis: 'used' })).toBe(400_000);
      expect(
        await ledger.top({ ...NOV, basis: 'reserved' }, 'environment', 2),
      ).toEqual([
        { key: 'apps-x', team: APPS, costMicros: 9_000_000 },
        { key: 'ml-b', team: ML, costMicros: 4_150_000 },
      ]);
      expect(
        await ledger.top(
          { ...NOV, basis: 'reserved', teams: [ML] },
          'model',
          5,
        ),
      ).toEqual([{ key: 'llama', team: '', costMicros: 150_000 }]);
    });

    it('sums cost and quantity per category and basis', async () => {
      const { ledger } = await makeStore();
      expect(await ledger.byCategory({ ...NOV, teams: [ML] })).toEqual([
        { category: 'cpu', basis: 'reserved', costMicros: 300, quantity: 1 },
        {
          category: 'gpu',
          basis: 'reserved',
          costMicros: 5_000_005,
          quantity: 3,
        },
        { category: 'gpu', basis: 'used', costMicros: 250_000, quantity: 0.25 },
        {
          category: 'tokens',
          basis: 'reserved',
          costMicros: 150_000,
          quantity: 1e6,
        },
        {
          category: 'tokens',
          basis: 'used',
          costMicros: 150_000,
          quantity: 1e6,
        },
      ]);
    });

    it('sums a subject per day', async () => {
      const { ledger } = await makeStore();
      const filter = { ...NOV, basis: 'reserved' as const };
      expect([
        ...(await ledger.dailyCost({ costCenter: 'CC-2' }, filter)),
      ]).toEqual([['2026-11-03', 9_000_000]]);
      expect([
        ...(await ledger.dailyCost({ environment: 'ml-b' }, filter)),
      ]).toEqual([['2026-11-03', 4_150_000]]);
      expect(
        (await ledger.dailyCost({ team: ML }, filter)).get('2026-11-02'),
      ).toBe(1_000_300);
    });

    it('pages the rows of a range in order, and replaces only the hours asked', async () => {
      const { ledger } = await makeStore();
      const pages = [];
      for await (const page of ledger.pages(NOV, 3)) pages.push(page);
      expect(pages.map(p => p.length)).toEqual([3, 3, 2]);
      expect(pages.flat()).toEqual(ROWS.slice(0, 8));

      await ledger.replaceHours(
        { from: '2026-11-02T00:00:00.000Z', to: '2026-11-03T00:00:00.000Z' },
        [row({ costMicros: 42 })],
      );
      expect(
        await ledger.total({ ...NOV, basis: 'reserved', teams: [ML] }),
      ).toBe(5 + 42 + 4_150_000);
    });
  },
);

/** A small deterministic number in [0, 1). */
function rand(a: number, b: number): number {
  const x = Math.sin(a * 12.9898 + b * 78.233) * 43758.5453;
  return x - Math.floor(x);
}

/**
 * Four days across a week and a month boundary (Monday 2026-11-30, December 1st): environments
 * of two teams in two cost centers and pools, every category, both bases, spot and on-demand
 * GPUs, input and output tokens of two models, an environment-less key's tokens, and hours
 * without rows.
 */
function history(version = 0): LedgerRow[] {
  const rows: LedgerRow[] = [];
  const start = Date.parse('2026-11-28T00:00:00.000Z');
  const owners = [
    { environment: 'ml-a', team: ML, costCenter: 'CC-1', pool: 'mi300x' },
    { environment: 'ml-b', team: ML, costCenter: 'CC-2', pool: 'mi355x' },
    { environment: 'apps-x', team: APPS, costCenter: 'CC-2', pool: 'mi300x' },
    { environment: '', team: APPS, costCenter: '', pool: '' },
  ];
  for (let h = 0; h < 4 * 24; h++) {
    const hour = new Date(start + h * 3_600_000).toISOString();
    owners.forEach((owner, o) => {
      if (rand(h + version, o) < 0.2) return;
      const lines: Array<Partial<LedgerRow>> = owner.environment
        ? [
            { category: 'gpu', unit: 'gpu-hours', basis: 'reserved' },
            { category: 'cpu', unit: 'core-hours', basis: 'reserved' },
            { category: 'storage', unit: 'gib-hours', basis: 'reserved' },
            { category: 'gpu', unit: 'gpu-hours', basis: 'used' },
            {
              category: 'gpu',
              unit: 'gpu-hours',
              basis: 'used',
              capacity: 'spot',
            },
            { category: 'memory', unit: 'gib-hours', basis: 'used' },
          ]
        : [];
      for (const model of o === 1 ? ['llama', 'qwen'] : ['llama']) {
        for (const basis of ['reserved', 'used'] as const) {
          lines.push(
            { category: 'tokens', unit: 'input-tokens', model, basis },
            { category: 'tokens', unit: 'output-tokens', model, basis },
          );
        }
      }
      lines.forEach((line, l) => {
        const quantity = Math.round(rand(h * 7 + l, o + version) * 1e6) / 1e3;
        rows.push(
          row({
            ...owner,
            hour,
            capacity: 'on-demand',
            ...line,
            quantity,
            costMicros: Math.round(quantity * (1000 + 37 * l)),
          }),
        );
      });
    });
  }
  return rows;
}

/** What a query over the hourly rows alone gives: the reference for the daily sums. */
function reference(
  rows: LedgerRow[],
  filter: { from: string; to: string; teams?: string[]; basis?: string },
) {
  const selected = rows.filter(
    r =>
      r.hour >= filter.from &&
      r.hour < filter.to &&
      (!filter.teams || filter.teams.includes(r.team)) &&
      (!filter.basis || r.basis === filter.basis),
  );
  const sum = (
    list: LedgerRow[],
    key: (r: LedgerRow) => string,
  ): Map<
    string,
    { cost: number; quantity: number; rows: number; team: string }
  > => {
    const sums = new Map<
      string,
      { cost: number; quantity: number; rows: number; team: string }
    >();
    for (const r of list) {
      const k = key(r);
      const s = sums.get(k) ?? { cost: 0, quantity: 0, rows: 0, team: '' };
      s.cost += r.costMicros;
      s.quantity += r.quantity;
      s.rows += 1;
      if (r.team > s.team) s.team = r.team;
      sums.set(k, s);
    }
    return sums;
  };
  return { selected, sum };
}

const DIMENSIONS = {
  pool: (r: LedgerRow) => r.pool,
  category: (r: LedgerRow) => r.category,
  model: (r: LedgerRow) => r.model,
  team: (r: LedgerRow) => r.team,
  costCenter: (r: LedgerRow) => r.costCenter,
  environment: (r: LedgerRow) => r.environment,
};
const PERIODS = {
  day: (r: LedgerRow) => r.hour.slice(0, 10),
  week: (r: LedgerRow) => mondayOf(Date.parse(r.hour)),
  month: (r: LedgerRow) => r.hour.slice(0, 7),
};

/** Ranges of whole days, of parts of days at either end, within one day, and empty. */
const RANGES = [
  { from: '2026-11-28T00:00:00.000Z', to: '2026-12-02T00:00:00.000Z' },
  { from: '2026-11-28T05:00:00.000Z', to: '2026-12-01T19:00:00.000Z' },
  { from: '2026-11-29T00:00:00.000Z', to: '2026-11-30T13:00:00.000Z' },
  { from: '2026-11-29T21:00:00.000Z', to: '2026-12-01T00:00:00.000Z' },
  { from: '2026-11-30T03:00:00.000Z', to: '2026-11-30T22:00:00.000Z' },
  { from: '2026-11-30T03:00:00.000Z', to: '2026-12-01T02:00:00.000Z' },
  { from: '2026-11-30T00:00:00.000Z', to: '2026-11-30T00:00:00.000Z' },
  { from: '2026-11-01T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z' },
];

describe.each(databases.eachSupportedId())(
  'DatabaseLedgerStore daily sums on %p',
  databaseId => {
    it('answers every query as the hourly rows alone would, for whole and partial days', async () => {
      const { ledger, knex } = await makeStores(databaseId);
      const all = {
        from: '2026-11-28T00:00:00.000Z',
        to: '2026-12-02T00:00:00.000Z',
      };
      // Written whole, then parts of days replaced (the hourly recompute), one hour emptied.
      await ledger.replaceHours(all, history(0));
      const second = history(1).filter(
        r =>
          r.hour >= '2026-11-29T10:00:00.000Z' &&
          r.hour < '2026-11-30T06:00:00.000Z',
      );
      await ledger.replaceHours(
        { from: '2026-11-29T10:00:00.000Z', to: '2026-11-30T06:00:00.000Z' },
        second,
      );
      await ledger.replaceHours(
        { from: '2026-12-01T07:00:00.000Z', to: '2026-12-01T08:00:00.000Z' },
        [],
      );
      // A whole day again with one environment left: the others' keys of the day go.
      await ledger.replaceHours(
        { from: '2026-11-28T00:00:00.000Z', to: '2026-11-29T00:00:00.000Z' },
        history(3).filter(
          r => r.hour < '2026-11-29T00:00:00.000Z' && r.environment === 'ml-b',
        ),
      );
      // The same hours again change nothing.
      await ledger.replaceHours(
        { from: '2026-11-29T10:00:00.000Z', to: '2026-11-30T06:00:00.000Z' },
        second,
      );
      const rows: LedgerRow[] = [];
      for await (const page of ledger.pages(all, 500)) rows.push(...page);
      expect(rows.length).toBeGreaterThan(1000);

      // The daily table is the hourly rows summed per day (units and capacities together).
      const daily = await knex('ledger_daily').orderBy([
        'day',
        'environment',
        'team',
        'cost_center',
        'pool',
        'category',
        'model',
        'basis',
      ]);
      const expected = reference(rows, all).sum(rows, r =>
        [
          r.hour.slice(0, 10),
          r.environment,
          r.team,
          r.costCenter,
          r.pool,
          r.category,
          r.model,
          r.basis,
        ].join('|'),
      );
      expect(daily).toHaveLength(expected.size);
      for (const d of daily) {
        const e = expected.get(
          [
            d.day,
            d.environment,
            d.team,
            d.cost_center,
            d.pool,
            d.category,
            d.model,
            d.basis,
          ].join('|'),
        );
        expect(Number(d.cost_micros)).toBe(e?.cost);
        expect(d.quantity).toBeCloseTo(e?.quantity ?? NaN, 6);
        expect(Number(d.row_count)).toBe(e?.rows);
        expect(d.week).toBe(mondayOf(Date.parse(`${d.day}T00:00:00Z`)));
      }

      for (const range of RANGES) {
        for (const teams of [undefined, [ML], [ML, APPS]]) {
          for (const basis of ['reserved', 'used'] as const) {
            const filter = { ...range, teams, basis };
            const { selected, sum } = reference(rows, filter);
            const money = (m: Map<string, { cost: number }>) =>
              [...m].map(([k, v]) => [k, v.cost]).sort();

            // Every interval stacked by pool, and every dimension per week.
            const stacks = [
              ...Object.keys(PERIODS).map(i => [i, 'pool']),
              ...Object.keys(DIMENSIONS).map(d => ['week', d]),
            ] as Array<[keyof typeof PERIODS, keyof typeof DIMENSIONS]>;
            for (const [interval, stackBy] of stacks) {
              const period = PERIODS[interval];
              const key = DIMENSIONS[stackBy];
              const points = await ledger.costOverTime(
                filter,
                interval,
                stackBy,
              );
              expect(
                points.map(p => [`${p.period}|${p.key}`, p.costMicros]).sort(),
              ).toEqual(money(sum(selected, r => `${period(r)}|${key(r)}`)));
            }
            expect(await ledger.total(filter)).toBe(
              selected.reduce((s, r) => s + r.costMicros, 0),
            );
            const byEnvironment = sum(
              selected.filter(r => r.environment !== ''),
              r => r.environment,
            );
            expect(await ledger.top(filter, 'environment', 10)).toEqual(
              [...byEnvironment]
                .map(([key, v]) => ({ key, team: v.team, costMicros: v.cost }))
                .sort(
                  (a, b) =>
                    b.costMicros - a.costMicros || (a.key < b.key ? -1 : 1),
                ),
            );
            expect(await ledger.top(filter, 'model', 10)).toEqual(
              [
                ...sum(
                  selected.filter(r => r.category === 'tokens'),
                  r => r.model,
                ),
              ]
                .map(([key, v]) => ({ key, team: '', costMicros: v.cost }))
                .sort(
                  (a, b) =>
                    b.costMicros - a.costMicros || (a.key < b.key ? -1 : 1),
                ),
            );
            const subjects = [
              { subject: { team: ML }, of: (r: LedgerRow) => r.team === ML },
              {
                subject: { costCenter: 'CC-2' },
                of: (r: LedgerRow) => r.costCenter === 'CC-2',
              },
              {
                subject: { environment: 'ml-b' },
                of: (r: LedgerRow) => r.environment === 'ml-b',
              },
            ];
            for (const { subject, of } of subjects) {
              const mine = selected.filter(of);
              expect(
                [...(await ledger.dailyCost(subject, filter))].sort(),
              ).toEqual(money(sum(mine, r => r.hour.slice(0, 10))));
            }
            const batched = [
              ...subjects.map(x => x.subject),
              { team: APPS },
              { environment: 'none' },
            ];
            expect(await ledger.dailyCosts(batched, filter)).toEqual(
              await Promise.all(batched.map(x => ledger.dailyCost(x, filter))),
            );
          }
          // Pages of the rows in the range (from the first id of the teams' range), in id order.
          for (const basis of [undefined, 'used' as const]) {
            const paged: LedgerRow[] = [];
            for await (const page of ledger.pages(
              { ...range, teams, basis },
              97,
            )) {
              paged.push(...page);
            }
            expect(paged).toEqual(
              reference(rows, { ...range, teams, basis }).selected,
            );
          }
          const { selected, sum } = reference(rows, { ...range, teams });
          const categories = await ledger.byCategory({ ...range, teams });
          const expectedCategories = sum(
            selected,
            r => `${r.category}|${r.basis}`,
          );
          expect(
            categories.map(c => `${c.category}|${c.basis}`).sort(),
          ).toEqual([...expectedCategories.keys()].sort());
          for (const c of categories) {
            const e = expectedCategories.get(`${c.category}|${c.basis}`);
            expect(c.costMicros).toBe(e?.cost);
            expect(c.quantity).toBeCloseTo(e?.quantity ?? NaN, 6);
          }
        }
      }
    });

    it('sums the rows already in the ledger when migrating, and again on sumDays', async () => {
      const knex = await databases.init(databaseId);
      const directory = resolvePath(__dirname, '../../migrations');
      // Up to the ledger's first migration: rows written before the daily table existed.
      while (!(await knex.schema.hasTable('ledger_rows'))) {
        await knex.migrate.up({ directory });
      }
      const rows = history(2).slice(0, 400);
      await knex('ledger_rows').insert(
        rows.map(r => ({
          hour: r.hour,
          week: mondayOf(Date.parse(r.hour)),
          environment: r.environment,
          team: r.team,
          cost_center: r.costCenter,
          pool: r.pool,
          category: r.category,
          unit: r.unit,
          model: r.model,
          basis: r.basis,
          capacity: r.capacity,
          quantity: r.quantity,
          rate_micros: r.rateMicros,
          rate_per: r.ratePer,
          cost_micros: r.costMicros,
        })),
      );
      await migrateDatabase(mockServices.database({ knex }));
      const ledger = await DatabaseLedgerStore.create({
        database: mockServices.database({ knex }),
      });
      const range = {
        from: '2026-11-01T00:00:00.000Z',
        to: '2026-12-31T00:00:00.000Z',
        basis: 'reserved' as const,
      };
      const expected = rows
        .filter(r => r.basis === 'reserved')
        .reduce((s, r) => s + r.costMicros, 0);
      expect(await ledger.total(range)).toBe(expected);
      const daily = async () =>
        (await knex('ledger_daily').sum({ cost: 'cost_micros' }))[0].cost;
      const before = Number(await daily());
      // A bulk load past replaceHours, summed by sumDays.
      await knex('ledger_daily').delete();
      expect(await ledger.total(range)).toBe(0);
      await ledger.sumDays(range);
      expect(Number(await daily())).toBe(before);
      expect(await ledger.total(range)).toBe(expected);

      // replaceHours keeps on from the migrated sums.
      const day = {
        from: '2026-11-28T00:00:00.000Z',
        to: '2026-11-29T00:00:00.000Z',
      };
      const replaced = rows.filter(
        r => r.hour < day.to && r.basis === 'reserved',
      );
      await ledger.replaceHours(day, [row({ hour: day.from, costMicros: 11 })]);
      expect(await ledger.total(range)).toBe(
        expected - replaced.reduce((s, r) => s + r.costMicros, 0) + 11,
      );
    });
  },
);

// `yarn bench:cost` (bench/) is no test; this runs it at a tiny scale so it cannot rot.
const postgres = databases
  .eachSupportedId()
  .some(([id]) => id === 'POSTGRES_15');
(postgres ? describe : describe.skip)('bench:cost at a tiny scale', () => {
  it('generates rows as computeLedger writes them and measures every query', async () => {
    const knex = await databases.init('POSTGRES_15');
    const options = {
      ...optionsFromEnv({}, []),
      days: 2,
      environments: 12,
      teams: 3,
      concurrency: 2,
      rounds: 1,
      iterations: 1,
      factDays: 1,
      log: () => {},
    };
    const figures = await runBench(options, {
      name: 'bench',
      knex,
      service: mockServices.database({ knex }),
      drop: async () => {},
    });

    const [{ count }] = await knex('ledger_rows').count({ count: '*' });
    expect(figures.rows).toBeGreaterThan(1000);
    // (less the last hour's generated rows, plus the rows recomputed from its facts)
    expect(Math.abs(Number(count) - figures.rows)).toBeLessThan(200);
    expect(figures.queries.map(q => q.name)).toContain(
      'budgets: month to date + forecast',
    );
    for (const q of figures.queries) expect(q.p95).toBeGreaterThan(0);
    expect(figures.update.rows).toBeGreaterThan(100);
    expect(formatFigures(figures, options)).toContain('| cost by day');

    // Every generated row prices its quantity as computeLedger does, and is of a kind the
    // recomputed hour (computeLedger's own rows) has too.
    const kinds = (rows: any[]) =>
      new Set(
        rows.map(r =>
          [
            r.category,
            r.unit,
            r.basis,
            r.capacity,
            r.rate_per,
            r.model === '' ? '' : 'model',
            r.environment === '' ? '' : 'environment',
          ].join('|'),
        ),
      );
    const hour = new Date(
      Date.parse(DEFAULT_SCALE.end) - 3_600_000,
    ).toISOString();
    const generated = await knex('ledger_rows').where('hour', '<', hour);
    const computed = await knex('ledger_rows').where('hour', hour);
    expect([...kinds(generated)].sort()).toEqual([...kinds(computed)].sort());
    for (const r of generated) {
      expect(Number(r.cost_micros)).toBe(
        Math.round((r.quantity / r.rate_per) * Number(r.rate_micros)),
      );
      expect(r.week).toBe(mondayOf(Date.parse(r.hour)));
    }
    // The bulk load's daily sums (sumDays) are those replaceHours keeps.
    const total = async () =>
      Number((await knex('ledger_daily').sum({ cost: 'cost_micros' }))[0].cost);
    const before = await total();
    await knex('ledger_daily').delete();
    const ledger = await DatabaseLedgerStore.create({
      database: mockServices.database({ knex }),
    });
    await ledger.sumDays({
      from: '2026-12-01T00:00:00Z',
      to: DEFAULT_SCALE.end,
    });
    expect(await total()).toBe(before);
  });
});
