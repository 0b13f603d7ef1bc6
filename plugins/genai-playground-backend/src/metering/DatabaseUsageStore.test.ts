import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import knexFactory from 'knex';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseUsageStore } from './DatabaseUsageStore';
import type { UsageRecord } from './UsageStore';
import { migrateDatabase } from '../lib/migrateDatabase';
import { useSqliteWriteAheadLog } from '../lib/useSqliteWriteAheadLog';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const ML = 'group:default/ml-research';
const APPS = 'group:default/genai-apps';

function record(overrides: Partial<UsageRecord>): UsageRecord {
  return {
    at: '2025-06-01T10:00:00.000Z',
    team: ML,
    model: 'llama',
    endpoint: 'chat',
    inputTokens: 10,
    outputTokens: 20,
    cost: 0.001,
    latencyMs: 100,
    status: 200,
    stream: false,
    ...overrides,
  };
}

const RECORDS: UsageRecord[] = [
  record({ keyId: 'k1', environmentId: 'ml-research-a' }),
  record({
    keyId: 'k1',
    environmentId: 'ml-research-a',
    at: '2025-06-02T09:00:00.000Z',
    latencyMs: 300,
  }),
  record({
    keyId: 'k2',
    environmentId: 'ml-research-a',
    model: 'qwen',
    cost: 0.004,
    status: 429,
    inputTokens: 0,
    outputTokens: 0,
  }),
  record({
    userRef: 'user:default/marco.rossi',
    model: 'qwen',
    at: '2025-06-02T23:59:59.999Z',
    ttftMs: 12.5,
    stream: true,
  }),
  record({
    team: APPS,
    keyId: 'k3',
    environmentId: 'genai-apps-b',
    cost: 0.5,
    inputTokens: 1000,
    outputTokens: 2000,
  }),
  record({ team: APPS, keyId: 'k3', at: '2025-07-01T00:00:00.000Z', cost: 9 }),
];

const JUNE = {
  from: '2025-06-01T00:00:00.000Z',
  to: '2025-07-01T00:00:00.000Z',
};

describe.each(databases.eachSupportedId())(
  'DatabaseUsageStore on %p',
  databaseId => {
    async function makeStore() {
      const knex = await databases.init(databaseId);
      const database = mockServices.database({ knex });
      await migrateDatabase(database);
      const store = await DatabaseUsageStore.create({ database });
      await store.insert(RECORDS);
      return { store, knex };
    }

    it('writes records in batches with every field', async () => {
      const { knex } = await makeStore();
      const rows = await knex('usage_records').orderBy('id');
      expect(rows).toHaveLength(6);
      expect(rows[3]).toMatchObject({
        user_ref: 'user:default/marco.rossi',
        key_id: null,
        ttft_ms: 12.5,
        status: 200,
      });
      expect(Boolean(rows[3].stream)).toBe(true);
    });

    it('writes a batch larger than one INSERT whole, in order', async () => {
      const { store, knex } = await makeStore();
      const batch = Array.from({ length: 130 }, (_, i) =>
        record({ keyId: `batch-${i}`, latencyMs: i }),
      );
      await store.insert(batch);
      const rows = await knex('usage_records')
        .where('key_id', 'like', 'batch-%')
        .orderBy('id');
      expect(rows.map(r => r.latency_ms)).toEqual(batch.map(r => r.latencyMs));
    });

    it('keeps a record written twice once (by its record id), records without one each', async () => {
      const { store, knex } = await makeStore();
      const twice = record({ keyId: 'again', recordId: 'r-1' });
      await store.insert([twice, record({ keyId: 'again' })]);
      // a replica that wrote the batch died before acknowledging it; another writes it again
      await store.insert([twice, record({ keyId: 'again' })]);
      const rows = await knex('usage_records').where('key_id', 'again');
      expect(rows.filter(r => r.record_id === 'r-1')).toHaveLength(1);
      expect(rows.filter(r => r.record_id === null)).toHaveLength(2);
    });

    it('aggregates by team, key, model, environment and day in SQL', async () => {
      const { store } = await makeStore();
      expect(await store.aggregate('team', JUNE)).toEqual([
        {
          group: APPS,
          requests: 1,
          errors: 0,
          inputTokens: 1000,
          outputTokens: 2000,
          cost: 0.5,
          avgLatencyMs: 100,
        },
        {
          group: ML,
          requests: 4,
          errors: 1,
          inputTokens: 30,
          outputTokens: 60,
          cost: 0.007,
          avgLatencyMs: 150,
        },
      ]);
      expect(
        (await store.aggregate('key', { ...JUNE, teams: [ML] })).map(r => [
          r.group,
          r.requests,
        ]),
      ).toEqual([
        ['k2', 1],
        ['k1', 2],
        ['', 1],
      ]);
      expect(
        (await store.aggregate('model', JUNE)).map(r => r.group).sort(),
      ).toEqual(['llama', 'qwen']);
      expect(
        (await store.aggregate('environment', { ...JUNE, teams: [ML] })).map(
          r => [r.group, r.requests],
        ),
      ).toEqual([
        ['ml-research-a', 3],
        ['', 1],
      ]);
      expect(
        (await store.aggregate('day', JUNE)).map(r => [r.group, r.requests]),
      ).toEqual([
        ['2025-06-01', 3],
        ['2025-06-02', 2],
      ]);
      expect(
        (
          await store.aggregate('day', {
            ...JUNE,
            model: 'qwen',
            environmentId: 'ml-research-a',
          })
        ).map(r => r.group),
      ).toEqual(['2025-06-01']);
    });

    it('sums per key for the keys list, and cost for budgets', async () => {
      const { store } = await makeStore();
      const totals = await store.totalsByKey(['k1', 'k3', 'nope'], JUNE);
      expect(totals.get('k1')).toEqual({
        requests: 2,
        inputTokens: 20,
        outputTokens: 40,
        cost: 0.002,
      });
      expect(totals.get('k3')).toEqual({
        requests: 1,
        inputTokens: 1000,
        outputTokens: 2000,
        cost: 0.5,
      });
      expect(totals.has('nope')).toBe(false);
      expect(await store.sumCost({ keyId: 'k3' }, JUNE)).toBeCloseTo(0.5);
      expect(
        await store.sumCost({ environmentId: 'ml-research-a' }, JUNE),
      ).toBeCloseTo(0.006);
      expect(await store.sumCost({ keyId: 'none' }, JUNE)).toBe(0);
    });
  },
);

describe("DatabaseUsageStore on an SQLite file with the plugin's write-ahead log setting", () => {
  it('switches it to write-ahead logging, so that commits make no fsync on the event loop', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'usage-store-'));
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: path.join(dir, 'genai.sqlite') },
      useNullAsDefault: true,
    });
    try {
      const database = mockServices.database({ knex });
      await migrateDatabase(database);
      await useSqliteWriteAheadLog(knex);
      const store = await DatabaseUsageStore.create({ database });
      await store.insert(RECORDS);
      const [mode] = await knex.raw('PRAGMA journal_mode');
      const [sync] = await knex.raw('PRAGMA synchronous');
      expect(mode.journal_mode).toBe('wal');
      expect(sync.synchronous).toBe(1); // NORMAL
    } finally {
      await knex.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
