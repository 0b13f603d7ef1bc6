import { randomUUID } from 'node:crypto';
import { ifRedis, REDIS_URL } from '../__testUtils__/redis';
import {
  monthOf,
  rateRetryAfterSeconds,
  secondsToNextMonth,
  slidingCount,
  windowOf,
  type LimitStore,
} from './LimitStore';
import { MemoryLimitStore } from './MemoryLimitStore';
import { RedisLimitStore } from './RedisLimitStore';

jest.setTimeout(30_000);

describe('window maths', () => {
  it('weights the previous window by what still overlaps', () => {
    const now = Date.UTC(2025, 5, 1, 10, 0, 15); // 15 s into the minute
    expect(windowOf(now)).toEqual({
      start: Date.UTC(2025, 5, 1, 10, 0, 0),
      fraction: 0.25,
    });
    expect(slidingCount(40, 10, 0.25)).toBe(40);
  });

  it('says how long until the call fits', () => {
    // only the previous window is in the way: it must fade from 0.75 to 0.5 of its weight
    expect(
      rateRetryAfterSeconds({
        limit: 10,
        need: 1,
        previous: 10,
        current: 4,
        fraction: 0.25,
      }),
    ).toBe(15);
    // the current window alone is full: wait for the next one, and part of it
    expect(
      rateRetryAfterSeconds({
        limit: 10,
        need: 1,
        previous: 0,
        current: 10,
        fraction: 0.5,
      }),
    ).toBe(36);
    expect(
      rateRetryAfterSeconds({
        limit: 5,
        need: 50,
        previous: 0,
        current: 0,
        fraction: 0,
      }),
    ).toBe(120);
  });

  it('knows the month and its end (UTC)', () => {
    const now = Date.UTC(2025, 11, 31, 23, 59, 0);
    expect(monthOf(now)).toBe('2025-12');
    expect(secondsToNextMonth(now)).toBe(60);
    // the month kept from the last call is not answered for a time outside it
    expect(monthOf(now + 60_000)).toBe('2026-01');
    expect(monthOf(now)).toBe('2025-12');
    expect(monthOf(Date.UTC(2025, 11, 1))).toBe('2025-12');
    expect(monthOf(Date.UTC(2025, 11, 1) - 1)).toBe('2025-11');
  });
});

const stores: Array<[string, () => Promise<LimitStore>]> = [
  ['memory', async () => new MemoryLimitStore()],
  [
    'redis',
    async () =>
      RedisLimitStore.connect({
        url: REDIS_URL,
        keyPrefix: `test:${randomUUID()}:`,
      }),
  ],
];

describe.each(stores)('%s LimitStore', (kind, make) => {
  const run = (body: (store: LimitStore) => Promise<void>) => {
    const test = async () => {
      const store = await make();
      try {
        await body(store);
      } finally {
        await store.close();
      }
    };
    return kind === 'redis' ? ifRedis(test) : test;
  };
  const now = Date.UTC(2025, 5, 1, 10, 0, 30);

  it(
    'never lets 200 concurrent calls spend more than a budget that covers 10',
    run(async store => {
      const budget = { id: `key:${randomUUID()}`, limitMicros: 10 * 5_000 };
      const results = await Promise.all(
        Array.from({ length: 200 }, () =>
          store.reserve({
            rates: [],
            tokens: 10,
            budgets: [budget],
            amountMicros: 5_000,
            now,
          }),
        ),
      );
      const ok = results.filter(r => r.ok);
      expect(ok).toHaveLength(10);
      const refused = results.find(r => !r.ok)!;
      expect(refused).toEqual({
        ok: false,
        limit: 'budget',
        subject: budget.id,
        retryAfterSeconds: secondsToNextMonth(now),
      });
      expect(
        (await store.getSpent([budget.id], monthOf(now))).get(budget.id),
      ).toBe(50_000);
      // settling to the real (smaller) cost frees the rest for later calls
      await Promise.all(
        ok.map(r =>
          store.settle((r as any).reservation, {
            tokens: 12,
            costMicros: 1_000,
          }),
        ),
      );
      expect(
        (await store.getSpent([budget.id], monthOf(now))).get(budget.id),
      ).toBe(10_000);
      const more = await Promise.all(
        Array.from({ length: 20 }, () =>
          store.reserve({
            rates: [],
            tokens: 1,
            budgets: [budget],
            amountMicros: 5_000,
            now,
          }),
        ),
      );
      expect(more.filter(r => r.ok)).toHaveLength(8);
    }),
  );

  it(
    'counts requests and tokens per minute; every call counts toward RPM',
    run(async store => {
      const key = { id: `key:${randomUUID()}`, rpm: 4, tpm: 100 };
      const reserve = (tokens: number, at = now) =>
        store.reserve({
          rates: [key],
          tokens,
          budgets: [],
          amountMicros: 0,
          now: at,
        });
      expect((await reserve(10)).ok).toBe(true);
      // over TPM: refused, yet counted against RPM (every call counts), its tokens not
      const tpm = await reserve(95);
      expect(tpm).toMatchObject({ ok: false, limit: 'tpm', subject: key.id });
      expect((await reserve(10)).ok).toBe(true);
      const third = await reserve(10);
      expect(third.ok).toBe(true);
      // the fifth call: over RPM, refused and counted as refused (not as a request)
      const rpm = await reserve(1);
      expect(rpm).toMatchObject({
        ok: false,
        limit: 'rpm',
        subject: key.id,
        refused: 1,
      });
      expect((rpm as any).retryAfterSeconds).toBeGreaterThanOrEqual(1);
      // a call refused before it could reserve (bad input) is checked and counted the same way
      expect(await store.countCall([key], now)).toMatchObject({
        ok: false,
        limit: 'rpm',
        refused: 2,
      });
      const fresh = { ...key, id: `key:${randomUUID()}` };
      expect(await store.countCall([fresh], now)).toEqual({ ok: true });
      expect(
        await store.reserve({
          rates: [{ ...fresh, rpm: 1 }],
          tokens: 1,
          budgets: [],
          amountMicros: 0,
          now,
        }),
      ).toMatchObject({ ok: false, limit: 'rpm' });
      // settle reports the real tokens: 10 estimated, 60 used
      await store.settle((third as any).reservation, {
        tokens: 60,
        costMicros: 0,
      });
      // a minute and a half later the window has slid past
      const later = now + 90_000;
      expect((await reserve(10, later)).ok).toBe(true);
    }),
  );

  it(
    'seeds a budget only when it knows none yet',
    run(async store => {
      const id = `key:${randomUUID()}`;
      await store.seedBudget(id, '2025-06', 7_000);
      await store.seedBudget(id, '2025-06', 1);
      expect((await store.getSpent([id], '2025-06')).get(id)).toBe(7_000);
      const r = await store.reserve({
        rates: [],
        tokens: 0,
        budgets: [{ id, limitMicros: 10_000 }],
        amountMicros: 3_001,
        now,
      });
      expect(r).toMatchObject({ ok: false, limit: 'budget' });
    }),
  );
});
