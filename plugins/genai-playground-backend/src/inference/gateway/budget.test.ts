import { TestDatabases } from '@backstage/backend-test-utils';
import { randomUUID } from 'node:crypto';
import {
  CHAT_MODEL,
  post,
  startGateway,
} from '../__testUtils__/gatewayHarness';
import { ifRedis, REDIS_URL } from '../__testUtils__/redis';
import type { LimitStore } from '../limits/LimitStore';
import { monthOf } from '../limits/LimitStore';
import { MemoryLimitStore } from '../limits/MemoryLimitStore';
import { RedisLimitStore } from '../limits/RedisLimitStore';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/**
 * The price of one chat call's reservation: every body byte as an input token, plus the chat
 * template's 64 and the prompt's 2 special tokens, max_tokens as output. The test sizes the
 * budget from it so that exactly 10 reservations fit.
 */
function reservationMicros(body: string, maxTokens: number) {
  return Math.ceil((Buffer.byteLength(body) + 66) * 0.2 + maxTokens * 0.6);
}

async function budgetUnderConcurrency(limits: LimitStore) {
  const h = await startGateway({
    knex: await databases.init('SQLITE_3'),
    limits,
    llamaReplicas: 1,
    // slow answers: all 200 calls are in flight before the first one settles
    simOptions: { ttftMs: 1500, tpotMs: 1 },
  });
  try {
    const env = await h.addEnvironment(`budget-${randomUUID().slice(0, 8)}`);
    const maxTokens = 50;
    const body = JSON.stringify({
      model: CHAT_MODEL,
      messages: [{ role: 'user', content: 'a short question' }],
      max_tokens: maxTokens,
    });
    const each = reservationMicros(body, maxTokens);
    const budget = (10 * each + each / 2) / 1e6; // covers 10, not 11
    const key = await h.createKey(env, {
      name: 'tight',
      monthlyBudget: budget,
    });
    const results = await Promise.all(
      Array.from({ length: 200 }, () =>
        post(`${h.baseURL}/chat/completions`, body, {
          authorization: `Bearer ${key.key}`,
        }),
      ),
    );
    const statuses = results.map(r => r.status);
    const ok = statuses.filter(s => s === 200).length;
    // every reservation is the worst case: 10 fit while all are in flight; more only when some
    // settled (to their real, smaller cost) before the last ones came in, on a slow machine
    expect(ok).toBeGreaterThanOrEqual(10);
    expect(ok).toBeLessThan(30);
    expect(statuses.filter(s => s === 429)).toHaveLength(200 - ok);
    const refused = results.find(r => r.status === 429)!;
    expect(refused.json.error.type).toBe('insufficient_quota');

    // what was spent, as metered, is within the budget
    const rows = (await h.usageRows()).filter(r => r.key_id === key.id);
    expect(rows).toHaveLength(200);
    const spent = rows.reduce((sum, r) => sum + Number(r.cost), 0);
    expect(spent).toBeGreaterThan(0);
    expect(spent).toBeLessThanOrEqual(budget);
    // and the limit store settled to the real cost (well below the reservations)
    const held = await limits.getSpent([`key:${key.id}`], monthOf(Date.now()));
    expect(held.get(`key:${key.id}`)! / 1e6).toBeCloseTo(spent, 5);
  } finally {
    await h.close();
  }
}

describe('budgets under concurrency: 200 calls, a budget that covers 10', () => {
  it('in memory', async () => {
    await expect(
      budgetUnderConcurrency(new MemoryLimitStore()),
    ).resolves.toBeUndefined();
  });

  it(
    'in Redis',
    ifRedis(async () => {
      const store = await RedisLimitStore.connect({
        url: REDIS_URL,
        keyPrefix: `test:${randomUUID()}:`,
      });
      await expect(budgetUnderConcurrency(store)).resolves.toBeUndefined();
    }),
  );
});

describe("an environment's monthly budget (environmentBudgets: true)", () => {
  it('charges key calls to the environment too, and refuses when it is spent', async () => {
    const h = await startGateway({
      knex: await databases.init('SQLITE_3'),
      inference: { environmentBudgets: true },
    });
    try {
      const rich = await h.addEnvironment('rich', { monthlyBudget: 1000 });
      const poor = await h.addEnvironment('poor', { monthlyBudget: 0.000001 });
      const body = JSON.stringify({
        model: CHAT_MODEL,
        messages: [{ role: 'user', content: 'hi' }],
        max_tokens: 5,
      });
      const call = async (env: string) => {
        const { key } = await h.createKey(env);
        return post(`${h.baseURL}/chat/completions`, body, {
          authorization: `Bearer ${key}`,
        });
      };
      expect((await call(rich)).status).toBe(200);
      const refused = await call(poor);
      expect(refused.status).toBe(429);
      expect(refused.json.error).toMatchObject({
        type: 'insufficient_quota',
        message: expect.stringMatching(
          /^The environment has not enough monthly budget left/,
        ),
      });
    } finally {
      await h.close();
    }
  });
});
