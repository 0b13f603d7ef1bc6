import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { createClient } from '@redis/client';
import type { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { ifRedis, REDIS_URL } from '../inference/__testUtils__/redis';
import { migrateDatabase } from '../lib/migrateDatabase';
import { DatabaseUsageStore } from './DatabaseUsageStore';
import { RedisUsageRecorder } from './RedisUsageRecorder';
import type { UsageRecord, UsageStore } from './UsageStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const rec = (i: number): UsageRecord => ({
  at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
  team: 'group:default/ml-research',
  model: 'm',
  endpoint: 'chat',
  inputTokens: i,
  outputTokens: 0,
  cost: 0.5,
  latencyMs: 1,
  status: 200,
  stream: false,
  requestId: `req-${i}`,
});

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

describe.each(databases.eachSupportedId())('RedisUsageRecorder on %p', id => {
  let knex: Knex;
  let store: DatabaseUsageStore;
  let redis: ReturnType<typeof createClient>;
  let streamKey: string;
  const recorders: RedisUsageRecorder[] = [];

  async function recorder(
    overrides: Partial<{ store: UsageStore; claimIdleMs: number }> = {},
  ) {
    const logger = mockServices.logger.mock();
    const r = await RedisUsageRecorder.connect({
      url: REDIS_URL,
      streamKey,
      store,
      logger,
      // drains only when the test says so
      flushIntervalMs: 3_600_000,
      batchSize: 2,
      claimIdleMs: 60_000,
      ...overrides,
    });
    recorders.push(r);
    // the drain every start makes is over before the test records anything
    await r.flush();
    return { recorder: r, logger };
  }

  const rows = () => knex('usage_records').orderBy('input_tokens');

  beforeAll(async () => {
    knex = await databases.init(id);
    const database = mockServices.database({ knex });
    await migrateDatabase(database);
    store = await DatabaseUsageStore.create({ database });
  });

  beforeEach(
    ifRedis(async () => {
      await knex('usage_records').delete();
      streamKey = `test:usage:${randomUUID()}`;
      redis = createClient({ url: REDIS_URL });
      await redis.connect();
    }),
  );

  afterEach(
    ifRedis(async () => {
      await Promise.all(recorders.splice(0).map(r => r.close()));
      await redis.del(streamKey);
      await redis.quit();
    }),
  );

  it(
    'writes each record ahead to the stream, and counts it unwritten until drained',
    ifRedis(async () => {
      const { recorder: r } = await recorder();
      await r.record(rec(1));
      await r.record(rec(2));
      const entries = await redis.xRange(streamKey, '-', '+');
      expect(entries.map(e => JSON.parse(e.message.r).requestId)).toEqual([
        'req-1',
        'req-2',
      ]);
      expect(await rows()).toHaveLength(0);
      expect(r.unwritten().map(u => u.requestId)).toEqual(['req-1', 'req-2']);
    }),
  );

  it(
    'drains the stream into the database in batches, then acknowledges and deletes the entries',
    ifRedis(async () => {
      const { recorder: r } = await recorder();
      for (let i = 1; i <= 5; i++) await r.record(rec(i));
      await r.flush();
      expect((await rows()).map(row => row.request_id)).toEqual(
        [1, 2, 3, 4, 5].map(i => `req-${i}`),
      );
      expect(await redis.xLen(streamKey)).toBe(0);
      expect((await redis.xPending(streamKey, 'usage-writers')).pending).toBe(
        0,
      );
      expect(r.unwritten()).toHaveLength(0);
    }),
  );

  it(
    'acknowledges nothing before the insert committed; a failed batch is taken over later',
    ifRedis(async () => {
      let failing = true;
      const flaky: UsageStore = Object.assign(Object.create(store), {
        insert: async (records: UsageRecord[]) => {
          if (failing) throw new Error('database down');
          return store.insert(records);
        },
      });
      const { recorder: r } = await recorder({ store: flaky, claimIdleMs: 50 });
      await r.record(rec(1));
      await r.flush();
      expect(await rows()).toHaveLength(0);
      expect((await redis.xPending(streamKey, 'usage-writers')).pending).toBe(
        1,
      );
      expect(r.unwritten()).toHaveLength(1);
      failing = false;
      await sleep(100);
      await r.flush();
      expect((await rows()).map(row => row.request_id)).toEqual(['req-1']);
      expect(await redis.xLen(streamKey)).toBe(0);
      expect(r.unwritten()).toHaveLength(0);
    }),
  );

  it(
    'takes over the entries of a replica that read them and died, and keeps a record inserted twice once',
    ifRedis(async () => {
      const { recorder: dying } = await recorder();
      await dying.record(rec(1));
      await dying.record(rec(2));
      // the dead replica read both and inserted the first, then died before acknowledging
      const read = await redis.xReadGroup(
        'usage-writers',
        'dead-replica',
        { key: streamKey, id: '>' },
        { COUNT: 10 },
      );
      expect(read?.[0].messages).toHaveLength(2);
      await store.insert([JSON.parse(read![0].messages[0].message.r)]);

      const { recorder: live } = await recorder({ claimIdleMs: 500 });
      await live.flush();
      // not idle long enough yet: the dead replica might still be writing them
      expect(await redis.xLen(streamKey)).toBe(2);
      await sleep(600);
      await live.flush();
      expect((await rows()).map(row => row.request_id)).toEqual([
        'req-1',
        'req-2',
      ]);
      expect(await redis.xLen(streamKey)).toBe(0);
      expect((await redis.xPending(streamKey, 'usage-writers')).pending).toBe(
        0,
      );
    }),
  );

  it(
    "forgets as unwritten the records another replica wrote, so budgets don't count them twice",
    ifRedis(async () => {
      const { recorder: a } = await recorder();
      const { recorder: b } = await recorder();
      await a.record(rec(1));
      await b.flush();
      expect(await rows()).toHaveLength(1);
      expect(a.unwritten()).toHaveLength(1);
      await a.flush();
      expect(a.unwritten()).toHaveLength(0);
      expect(await rows()).toHaveLength(1);
    }),
  );

  it(
    'keeps a record Redis refused in memory, logs an error, and still writes it',
    ifRedis(async () => {
      const { recorder: r, logger } = await recorder();
      // the stream replaced by a plain value: every XADD fails
      await redis.del(streamKey);
      await redis.set(streamKey, 'not a stream');
      await expect(r.record(rec(1))).resolves.toBeUndefined();
      expect(logger.error).toHaveBeenCalledWith(
        expect.stringMatching(/Redis refused a record/),
      );
      expect(r.unwritten().map(u => u.requestId)).toEqual(['req-1']);
      await redis.del(streamKey);
      await r.flush();
      expect((await rows()).map(row => row.request_id)).toEqual(['req-1']);
      expect(r.unwritten()).toHaveLength(0);
    }),
  );
});
