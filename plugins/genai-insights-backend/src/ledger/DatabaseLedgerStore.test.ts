import type { LedgerRow } from '@genai-portal/plugin-genai-insights-common';
import { databases, makeStores } from '../__testUtils__/database';
import { APPS, ML } from '../__testUtils__/fixtures';

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
