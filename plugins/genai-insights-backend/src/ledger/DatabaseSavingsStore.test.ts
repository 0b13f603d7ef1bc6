import type { LedgerRow } from '@genai-portal/plugin-genai-insights-common';
import { databases, makeStores } from '../__testUtils__/database';
import { APPS, ML } from '../__testUtils__/fixtures';
import { DatabaseSavingsStore } from './DatabaseSavingsStore';

jest.setTimeout(120_000);

const H10 = '2026-11-02T10:00:00.000Z';
const H11 = '2026-11-02T11:00:00.000Z';
const H12 = '2026-11-02T12:00:00.000Z';
const H13 = '2026-11-02T13:00:00.000Z';

/** A GPU-hour row at $2.90 an hour (spot $1.20); override what differs. */
function row(overrides: Partial<LedgerRow>): LedgerRow {
  return {
    hour: H10,
    environment: 'ml-big',
    team: ML,
    costCenter: 'CC-1',
    pool: 'mi300x',
    category: 'gpu',
    unit: 'gpu-hours',
    model: '',
    basis: 'reserved',
    capacity: 'on-demand',
    quantity: 1,
    rateMicros: 2_900_000,
    ratePer: 1,
    costMicros: 2_900_000,
    ...overrides,
  };
}

const gpus = (hour: string, quantity: number, o: Partial<LedgerRow> = {}) =>
  row({ hour, quantity, costMicros: Math.round(quantity * 2_900_000), ...o });

const ROWS: LedgerRow[] = [
  // ml-big: 8 GPUs held for three hours, at most 2 busy at once (1.5 on-demand and 0.5 on
  // spot at 10:00, 1 at 11:00, none at 12:00).
  ...[H10, H11, H12].flatMap(hour => [
    gpus(hour, 8),
    row({
      hour,
      category: 'cpu',
      unit: 'core-hours',
      quantity: 16,
      rateMicros: 40_000,
      costMicros: 640_000,
    }),
    row({
      hour,
      category: 'memory',
      unit: 'gib-hours',
      quantity: 128,
      rateMicros: 5_000,
      costMicros: 640_000,
    }),
  ]),
  gpus(H10, 1.5, { basis: 'used' }),
  row({
    hour: H10,
    basis: 'used',
    capacity: 'spot',
    quantity: 0.5,
    rateMicros: 1_200_000,
    costMicros: 600_000,
  }),
  gpus(H11, 1, { basis: 'used' }),
  row({
    basis: 'used',
    category: 'cpu',
    unit: 'core-hours',
    quantity: 4,
    rateMicros: 40_000,
    costMicros: 160_000,
  }),
  // Neither storage nor tokens are a quota to shrink: left out.
  row({
    category: 'storage',
    unit: 'gib-hours',
    quantity: 500,
    rateMicros: 80_000,
    ratePer: 730,
    costMicros: 54_795,
  }),
  row({
    category: 'tokens',
    unit: 'input-tokens',
    model: 'llama',
    quantity: 1e6,
    rateMicros: 150_000,
    ratePer: 1e6,
    costMicros: 150_000,
  }),
  // ml-busy: 2 GPUs held for two hours, both busy at 10:00 (the sum's float noise is not a
  // third GPU) and at 11:00.
  gpus(H10, 2, { environment: 'ml-busy' }),
  gpus(H11, 2, { environment: 'ml-busy' }),
  gpus(H10, 1.0000000001, {
    environment: 'ml-busy',
    basis: 'used',
    costMicros: 2_900_000,
  }),
  row({
    environment: 'ml-busy',
    basis: 'used',
    capacity: 'spot',
    quantity: 1,
    rateMicros: 1_200_000,
    costMicros: 1_200_000,
  }),
  gpus(H11, 2, { environment: 'ml-busy', basis: 'used' }),
  // ml-idle: 4 GPUs held for an hour, nothing ran.
  gpus(H10, 4, { environment: 'ml-idle' }),
  // apps-x: 1 GPU held, 1.5 used (pods beyond the quota): no idle, no saving.
  gpus(H10, 1, { environment: 'apps-x', team: APPS }),
  gpus(H10, 1.5, { environment: 'apps-x', team: APPS, basis: 'used' }),
  // Outside the range, and rows of no environment: not read.
  gpus(H13, 8),
  gpus(H10, 3, { environment: '' }),
];

const RANGE = { from: H10, to: H13 };

describe.each(databases.eachSupportedId())(
  'DatabaseSavingsStore on %p',
  databaseId => {
    async function makeStore() {
      const stores = await makeStores(databaseId);
      await stores.ledger.replaceHours(
        { from: '2026-11-02T00:00:00.000Z', to: '2026-11-03T00:00:00.000Z' },
        ROWS,
      );
      return DatabaseSavingsStore.create({ database: stores.database });
    }

    it('sums reserved against used per environment, with the quota that covered the busiest hour', async () => {
      const store = await makeStore();
      const { items } = await store.savings(RANGE, 10);
      // By hand: 8 GPUs × 3 h × $2.90 = $69.60 reserved; used 1.5 × $2.90 + 0.5 × $1.20 +
      // 1 × $2.90 = $7.85; at most 2 busy at once, so 2 GPUs, saving 6/8 of $69.60.
      expect(items[0]).toEqual({
        environment: 'ml-big',
        team: ML,
        gpu: {
          reservedQuantity: 24,
          usedQuantity: 3,
          reservedMicros: 69_600_000,
          usedMicros: 7_850_000,
          idleMicros: 61_750_000,
          utilization: 0.125,
        },
        cpu: {
          reservedQuantity: 48,
          usedQuantity: 4,
          reservedMicros: 1_920_000,
          usedMicros: 160_000,
          idleMicros: 1_760_000,
          utilization: 4 / 48,
        },
        memory: {
          reservedQuantity: 384,
          usedQuantity: 0,
          reservedMicros: 1_920_000,
          usedMicros: 0,
          idleMicros: 1_920_000,
          utilization: 0,
        },
        idleMicros: 61_750_000 + 1_760_000 + 1_920_000,
        recommendation: {
          currentGpus: 8,
          peakUsedGpus: 2,
          recommendedGpus: 2,
          savingMicros: 52_200_000,
        },
      });
      expect(items[0].recommendation.savingMicros).toBe(
        0.75 * items[0].gpu.reservedMicros,
      );
    });

    it('ranks by idle cost, and totals every environment read', async () => {
      const store = await makeStore();
      const all = await store.savings(RANGE, 10);
      expect(
        all.items.map(i => [
          i.environment,
          i.idleMicros,
          i.recommendation.currentGpus,
          i.recommendation.recommendedGpus,
          i.recommendation.savingMicros,
        ]),
      ).toEqual([
        ['ml-big', 65_430_000, 8, 2, 52_200_000],
        // Nothing ran: 0 GPUs would have done, saving all of its GPUs' cost.
        ['ml-idle', 11_600_000, 4, 0, 11_600_000],
        // 11.6 reserved − (2.9 + 1.2 + 5.8) used; both GPUs busy: nothing to save.
        ['ml-busy', 1_700_000, 2, 2, 0],
        // Used beyond its quota: idle 0, not negative; no smaller quota.
        ['apps-x', 0, 1, 2, 0],
      ]);
      const appsX = all.items[3];
      expect(appsX.gpu.utilization).toBe(1.5);
      expect(appsX.recommendation.peakUsedGpus).toBe(1.5);

      const reserved = 73_440_000 + 11_600_000 + 11_600_000 + 2_900_000;
      const idle = 65_430_000 + 11_600_000 + 1_700_000;
      const gpuReserved = 69_600_000 + 11_600_000 + 11_600_000 + 2_900_000;
      const gpuIdle = 61_750_000 + 11_600_000 + 1_700_000;
      expect(all.totals).toEqual({
        reservedMicros: reserved,
        idleMicros: idle,
        idleRatio: idle / reserved,
        gpuReservedMicros: gpuReserved,
        gpuIdleMicros: gpuIdle,
        gpuIdleRatio: gpuIdle / gpuReserved,
        savingMicros: 52_200_000 + 11_600_000,
      });

      // The limit cuts the list, not the totals.
      const top = await store.savings(RANGE, 2);
      expect(top.items.map(i => i.environment)).toEqual(['ml-big', 'ml-idle']);
      expect(top.totals).toEqual(all.totals);
    });

    it('reads only the teams and the hours asked', async () => {
      const store = await makeStore();
      const apps = await store.savings({ ...RANGE, teams: [APPS] }, 10);
      expect(apps.items.map(i => i.environment)).toEqual(['apps-x']);
      expect(apps.totals.gpuReservedMicros).toBe(2_900_000);

      const none = await store.savings({ ...RANGE, teams: [] }, 10);
      expect(none).toEqual({
        items: [],
        totals: {
          reservedMicros: 0,
          idleMicros: 0,
          idleRatio: null,
          gpuReservedMicros: 0,
          gpuIdleMicros: 0,
          gpuIdleRatio: null,
          savingMicros: 0,
        },
      });

      // 13:00 alone: ml-big's 8 GPUs of that hour, nothing used.
      const later = await store.savings(
        { from: H13, to: '2026-11-02T14:00:00.000Z' },
        10,
      );
      expect(later.items).toHaveLength(1);
      expect(later.items[0]).toMatchObject({
        environment: 'ml-big',
        gpu: { reservedMicros: 23_200_000, usedMicros: 0, utilization: 0 },
        recommendation: { currentGpus: 8, recommendedGpus: 0 },
      });
      expect(later.items[0].recommendation.savingMicros).toBe(23_200_000);
    });
  },
);
