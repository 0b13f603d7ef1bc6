/**
 * Budget counters in Redis can be lost (FLUSHALL, eviction, a Redis without persistence
 * restarting): a lost counter is seeded again from the metered usage before the next call is
 * reserved, so a flush never gives a key its budget back. Against the machine's real Redis; the
 * test deletes only its own keys (a FLUSHALL would wipe other tests' keys too).
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import { createClient } from '@redis/client';
import { randomUUID } from 'node:crypto';
import {
  CHAT_MODEL,
  post,
  startGateway,
} from '../__testUtils__/gatewayHarness';
import { ifRedis, REDIS_URL } from '../__testUtils__/redis';
import { monthOf } from './LimitStore';
import { MemoryLimitStore } from './MemoryLimitStore';
import { RedisLimitStore } from './RedisLimitStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/** Deletes every key under `prefix`: a FLUSHALL of this test's keys. */
async function flush(prefix: string) {
  const client = createClient({ url: REDIS_URL });
  await client.connect();
  try {
    const keys: string[] = [];
    for await (const batch of client.scanIterator({
      MATCH: `${prefix}*`,
      COUNT: 1000,
    })) {
      keys.push(...(Array.isArray(batch) ? batch : [batch]));
    }
    if (keys.length) await client.del(keys);
    return keys.length;
  } finally {
    await client.quit();
  }
}

describe('budget counters after a Redis flush', () => {
  it(
    'are seeded again from usage_records: a flush gives no budget back',
    ifRedis(async () => {
      const prefix = `flush:${randomUUID()}:`;
      const limits = await RedisLimitStore.connect({
        url: REDIS_URL,
        keyPrefix: prefix,
      });
      const h = await startGateway({
        knex: await databases.init('SQLITE_3'),
        limits,
        llamaReplicas: 1,
      });
      try {
        const env = await h.addEnvironment('flush');
        const body = JSON.stringify({
          model: CHAT_MODEL,
          messages: [{ role: 'user', content: 'a short question' }],
          max_tokens: 20,
          ignore_eos: true,
        });
        const call = (key: string) =>
          post(`${h.baseURL}/chat/completions`, body, {
            authorization: `Bearer ${key}`,
          });
        // what one call costs (the same every time: llm-sim is deterministic), and reserves
        const probe = await call((await h.createKey(env)).key);
        const actual = Math.round(
          probe.json.usage.prompt_tokens * 0.2 +
            probe.json.usage.completion_tokens * 0.6,
        );
        const reserved = Math.ceil(
          (Buffer.byteLength(body) + 66) * 0.2 + 20 * 0.6,
        );
        // two calls fit, a third does not
        const budget = 2 * actual + reserved - 2;
        const key = await h.createKey(env, {
          name: 'two calls',
          monthlyBudget: (budget + 0.5) / 1e6,
        });
        expect((await call(key.key)).status).toBe(200);
        expect((await call(key.key)).status).toBe(200);
        expect((await call(key.key)).status).toBe(429);

        expect(await flush(prefix)).toBeGreaterThan(0);
        const after = await call(key.key);
        expect(after.status).toBe(429);
        expect(after.json.error.type).toBe('insufficient_quota');
        const held = await limits.getSpent(
          [`key:${key.id}`],
          monthOf(Date.now()),
        );
        expect(held.get(`key:${key.id}`)).toBeGreaterThanOrEqual(
          2 * actual - 1,
        );

        // metered spend never went over the budget
        const rows = (await h.usageRows()).filter(r => r.key_id === key.id);
        const spent = rows.reduce((sum, r) => sum + Number(r.cost), 0) * 1e6;
        expect(spent).toBeLessThanOrEqual(budget);
      } finally {
        await h.close();
        await limits.close();
      }
    }),
  );

  it(
    'a call in flight across the flush settles to its actual cost on the new counter',
    ifRedis(async () => {
      const prefix = `flush:${randomUUID()}:`;
      const store = await RedisLimitStore.connect({
        url: REDIS_URL,
        keyPrefix: prefix,
      });
      try {
        const now = Date.now();
        const month = monthOf(now);
        const budget = { id: `key:${randomUUID()}`, limitMicros: 1_000_000 };
        const reserve = () =>
          store.reserve({
            rates: [],
            tokens: 1,
            budgets: [budget],
            amountMicros: 500,
            now,
            requireSeeded: true,
          });
        expect(await reserve()).toEqual({ ok: false, unseeded: [budget] });
        await store.seedBudget(budget.id, month, 0);
        const inFlight = await reserve();
        expect(inFlight.ok).toBe(true);

        await flush(prefix);
        // a lost counter is not counted from zero
        expect(await reserve()).toEqual({ ok: false, unseeded: [budget] });
        // the metered usage (which does not hold the call in flight yet) seeds it again
        await store.seedBudget(budget.id, month, 1_000);
        await store.settle((inFlight as any).reservation, {
          tokens: 1,
          costMicros: 200,
        });
        expect((await store.getSpent([budget.id], month)).get(budget.id)).toBe(
          1_200,
        );
      } finally {
        await store.close();
      }
    }),
  );

  it('the memory store asks for seeds too', async () => {
    const store = new MemoryLimitStore();
    const budget = { id: 'key:k', limitMicros: 100 };
    const request = {
      rates: [],
      tokens: 1,
      budgets: [budget],
      amountMicros: 10,
      now: Date.now(),
      requireSeeded: true,
    };
    expect(await store.reserve(request)).toEqual({
      ok: false,
      unseeded: [budget],
    });
    await store.seedBudget(budget.id, monthOf(request.now), 95);
    expect(await store.reserve(request)).toMatchObject({
      ok: false,
      limit: 'budget',
    });
  });
});
