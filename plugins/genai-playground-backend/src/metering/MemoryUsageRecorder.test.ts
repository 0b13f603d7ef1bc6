import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { DatabaseUsageStore } from './DatabaseUsageStore';
import { MemoryUsageRecorder } from './MemoryUsageRecorder';
import type { UsageRecord, UsageStore } from './UsageStore';
import { migrateDatabase } from '../lib/migrateDatabase';

const rec = (i: number): UsageRecord => ({
  at: new Date(i).toISOString(),
  team: 'group:default/ml-research',
  model: 'm',
  endpoint: 'chat',
  inputTokens: i,
  outputTokens: 0,
  cost: 0,
  latencyMs: 1,
  status: 200,
  stream: false,
});

function fakeStore(fail = 0) {
  const batches: UsageRecord[][] = [];
  let failures = fail;
  const store = {
    insert: jest.fn(async (records: UsageRecord[]) => {
      if (failures > 0) {
        failures--;
        throw new Error('database down');
      }
      batches.push(records);
    }),
  } as unknown as UsageStore;
  return { store, batches };
}

describe('MemoryUsageRecorder', () => {
  it('writes nothing on the request path, then one batch per interval', async () => {
    const { store, batches } = fakeStore();
    const recorder = new MemoryUsageRecorder({
      store,
      logger: mockServices.logger.mock(),
      flushIntervalMs: 30,
      batchSize: 1000,
    });
    for (let i = 0; i < 5; i++) recorder.record(rec(i));
    expect(store.insert).not.toHaveBeenCalled();
    await new Promise(r => setTimeout(r, 80));
    expect(batches).toHaveLength(1);
    expect(batches[0].map(r => r.inputTokens)).toEqual([0, 1, 2, 3, 4]);
    await recorder.close();
  });

  it('writes as soon as a batch is full', async () => {
    const { store, batches } = fakeStore();
    const recorder = new MemoryUsageRecorder({
      store,
      logger: mockServices.logger.mock(),
      flushIntervalMs: 60_000,
      batchSize: 3,
    });
    for (let i = 0; i < 3; i++) recorder.record(rec(i));
    await recorder.flush();
    expect(batches.map(b => b.length)).toEqual([3]);
    await recorder.close();
  });

  it('writes a record that arrives after shutdown straight to the database', async () => {
    const { store, batches } = fakeStore();
    const recorder = new MemoryUsageRecorder({
      store,
      logger: mockServices.logger.mock(),
      flushIntervalMs: 60_000,
      batchSize: 1000,
    });
    recorder.record(rec(1));
    await recorder.close();
    await recorder.record(rec(2));
    expect(batches.map(b => b.map(r => r.inputTokens))).toEqual([[1], [2]]);
    expect(recorder.pending).toBe(0);
  });

  it('keeps what the database refused for the next flush, and writes the rest at shutdown', async () => {
    const { store, batches } = fakeStore(1);
    const logger = mockServices.logger.mock();
    const recorder = new MemoryUsageRecorder({
      store,
      logger,
      flushIntervalMs: 60_000,
      batchSize: 1000,
    });
    recorder.record(rec(1));
    await recorder.flush();
    expect(recorder.pending).toBe(1);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('could not write 1 records, will retry'),
    );
    recorder.record(rec(2));
    await recorder.close();
    expect(recorder.pending).toBe(0);
    expect(batches.flat().map(r => r.inputTokens)).toEqual([1, 2]);
  });
});

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())(
  'MemoryUsageRecorder on %p: one bad record',
  databaseId => {
    it('does not fail its batch: it is made valid before it is queued', async () => {
      const knex = await databases.init(databaseId);
      const database = mockServices.database({ knex });
      await migrateDatabase(database);
      const store = await DatabaseUsageStore.create({ database });
      const recorder = new MemoryUsageRecorder({
        store,
        logger: mockServices.logger.mock(),
        flushIntervalMs: 60_000,
        batchSize: 1000,
      });
      recorder.record(rec(1));
      // what a broken model server or a bug could hand over
      recorder.record({
        ...rec(2),
        inputTokens: NaN,
        outputTokens: 1e12,
        cost: -3,
        latencyMs: Infinity,
        model: 'm'.repeat(400),
        error: 'e'.repeat(100),
      });
      recorder.record(rec(3));
      await recorder.close();
      const rows = await knex('usage_records').orderBy('id');
      expect(rows.map(r => r.at)).toEqual([1, 2, 3].map(i => rec(i).at));
      expect(rows[1]).toMatchObject({
        input_tokens: 0,
        output_tokens: 2_147_483_647,
        error: 'e'.repeat(64),
        model: 'm'.repeat(253),
      });
      expect(Number(rows[1].cost)).toBe(0);
      expect(Number(rows[1].latency_ms)).toBe(0);
    });
  },
);
