/**
 * Failing calls cost the caller as much as good ones, and cost the portal little: every
 * authenticated call counts toward RPM whatever it is refused for; made-up keys and model names
 * grow no cache, no metric label and no usage row beyond a bound.
 */
import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { randomBytes } from 'node:crypto';
import {
  CHAT_MODEL,
  MARCO,
  post,
  startGateway,
  type GatewayHarness,
} from '../__testUtils__/gatewayHarness';
import { LruMap } from './LruMap';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const hello = [{ role: 'user', content: 'hello' }];

/** Runs `count` calls, `concurrency` at a time. */
async function inParallel<T>(
  count: number,
  concurrency: number,
  call: (i: number) => Promise<T>,
): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await call(i);
      }
    }),
  );
  return results;
}

describe('junk calls are bounded', () => {
  let h: GatewayHarness;
  let env: string;

  beforeAll(async () => {
    h = await startGateway({
      knex: await databases.init('SQLITE_3'),
      llamaReplicas: 1,
      inference: { userLimits: { rpm: 5, tpm: 1_000_000 } },
    });
    env = await h.addEnvironment('junk');
  });
  afterAll(() => h.close());

  it('5,000 calls with random unknown keys: 401, a bounded key cache, no usage rows', async () => {
    const before = (await h.usageRows()).length;
    const statuses = await inParallel(5_000, 50, async () => {
      const res = await post(
        `${h.baseURL}/chat/completions`,
        JSON.stringify({ model: CHAT_MODEL, messages: hello }),
        {
          authorization: `Bearer gpk-${randomBytes(32).toString('base64url')}`,
        },
      );
      return res.status;
    });
    expect(new Set(statuses)).toEqual(new Set([401]));
    const sizes = h.gateway.auth.cacheSizes();
    expect(sizes.unknownKeys).toBeLessThanOrEqual(1_000);
    expect(sizes.keys).toBe(0);
    expect((await h.usageRows()).length).toBe(before);
  });

  it('unknown models and bad bodies count toward RPM; their names reach no label and no usage row', async () => {
    const key = await h.createKey(env, { name: 'rpm 20', rpm: 20 });
    const auth = { authorization: `Bearer ${key.key}` };
    const names = Array.from(
      { length: 200 },
      () => `made-up-${randomBytes(6).toString('hex')}`,
    );
    const answers = [];
    for (const [i, model] of names.entries()) {
      // every other call is not even JSON
      const body =
        i % 2 ? '{"model": ' : JSON.stringify({ model, messages: hello });
      answers.push(await post(`${h.baseURL}/chat/completions`, body, auth));
    }
    const statuses = answers.map(a => a.status);
    expect(statuses.slice(0, 20).every(s => s === 404 || s === 400)).toBe(true);
    expect(new Set(statuses.slice(20))).toEqual(new Set([429]));
    expect(answers[20].json.error).toMatchObject({
      type: 'rate_limit_error',
      code: 'rate_limit_exceeded',
    });
    // a good call now is over the RPM too: the junk counted
    const good = await post(
      `${h.baseURL}/chat/completions`,
      JSON.stringify({ model: CHAT_MODEL, messages: hello, max_tokens: 2 }),
      auth,
    );
    expect(good.status).toBe(429);

    // at most RPM counted calls and RPM refusals are metered per minute
    const rows = (await h.usageRows()).filter(r => r.key_id === key.id);
    expect(rows.length).toBeLessThanOrEqual(2 * 20);
    expect(new Set(rows.map(r => r.model))).toEqual(new Set(['unknown']));

    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).not.toMatch(/made-up-/);
  });

  it('a call refused for its budget counts toward RPM', async () => {
    const key = await h.createKey(env, {
      name: 'poor',
      rpm: 3,
      monthlyBudget: 0.000001,
    });
    const auth = { authorization: `Bearer ${key.key}` };
    const body = JSON.stringify({
      model: CHAT_MODEL,
      messages: hello,
      max_tokens: 50,
    });
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      const res = await post(`${h.baseURL}/chat/completions`, body, auth);
      statuses.push(`${res.status} ${res.json.error.code}`);
    }
    expect(statuses).toEqual([
      '429 insufficient_quota',
      '429 insufficient_quota',
      '429 insufficient_quota',
      '429 rate_limit_exceeded',
    ]);
  });

  it("a signed-in user's calls for unknown models count toward the user's RPM", async () => {
    const auth = { authorization: mockCredentials.user.header(MARCO) };
    const statuses = [];
    for (let i = 0; i < 6; i++) {
      const res = await post(
        `${h.baseURL}/chat/completions`,
        JSON.stringify({ model: `nope-${i}`, messages: hello }),
        auth,
      );
      statuses.push(res.status);
    }
    expect(statuses).toEqual([404, 404, 404, 404, 404, 429]);
  });
});

describe('LruMap', () => {
  it('keeps at most max entries, dropping the least recently used', () => {
    const map = new LruMap<string, number>(3);
    map.set('a', 1).set('b', 2).set('c', 3);
    expect(map.get('a')).toBe(1); // a is now the most recent
    map.set('d', 4);
    expect([...map.keys()]).toEqual(['c', 'a', 'd']);
    for (let i = 0; i < 1000; i++) map.set(`x${i}`, i);
    expect(map.size).toBe(3);
  });
});
