/**
 * Redis going away under the gateway (limits and budgets live there in production): calls are
 * refused at once with a 503 in OpenAI's shape, never left hanging and never let through
 * unchecked; when Redis is back, calls go through again without a restart.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import {
  CHAT_MODEL,
  post,
  startGateway,
} from '../__testUtils__/gatewayHarness';
import { ifRedis, REDIS_URL } from '../__testUtils__/redis';
import { RedisLimitStore } from './RedisLimitStore';

jest.setTimeout(30_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/**
 * A TCP proxy in front of Redis that can be cut (every connection dropped) and restored, or
 * stalled (Redis' answers held back: a Redis that does not answer) and resumed.
 */
async function cuttableProxy(target: URL) {
  const sockets = new Set<net.Socket>();
  const answers = new Set<{ from: net.Socket; to: net.Socket }>();
  let server: net.Server | undefined;
  let port = 0;
  const open = async () => {
    server = net.createServer(client => {
      const upstream = net.connect(
        Number(target.port || 6379),
        target.hostname,
      );
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
      answers.add({ from: upstream, to: client });
    });
    await new Promise<void>(resolve =>
      server!.listen(port, '127.0.0.1', resolve),
    );
    port = (server!.address() as net.AddressInfo).port;
  };
  const cut = async () => {
    const closed = new Promise<void>(resolve => server!.close(() => resolve()));
    for (const s of sockets) s.destroy();
    await closed;
  };
  let stalled = false;
  const stall = () => {
    if (!stalled) answers.forEach(a => a.from.unpipe(a.to));
    stalled = true;
  };
  // (once: a second pipe would deliver every answer twice)
  const resume = () => {
    if (stalled) answers.forEach(a => a.from.pipe(a.to));
    stalled = false;
  };
  await open();
  return {
    url: `redis://127.0.0.1:${port}`,
    cut,
    restore: open,
    stall,
    resume,
  };
}

/** The gateway on a Redis behind the proxy, a key with a budget, and a chat call with it. */
async function gatewayOnProxiedRedis(
  body: (t: {
    proxy: Awaited<ReturnType<typeof cuttableProxy>>;
    call: () => ReturnType<typeof post>;
    usageStatuses: () => Promise<number[]>;
  }) => Promise<void>,
) {
  const proxy = await cuttableProxy(new URL(REDIS_URL));
  const limits = await RedisLimitStore.connect({
    url: proxy.url,
    keyPrefix: `outage:${randomUUID()}:`,
  });
  const h = await startGateway({
    knex: await databases.init('SQLITE_3'),
    limits,
    llamaReplicas: 1,
  });
  try {
    const env = await h.addEnvironment('outage');
    const key = await h.createKey(env, { monthlyBudget: 10 });
    const call = () =>
      post(
        `${h.baseURL}/chat/completions`,
        JSON.stringify({
          model: CHAT_MODEL,
          messages: [{ role: 'user', content: 'hi' }],
          max_tokens: 4,
        }),
        { authorization: `Bearer ${key.key}` },
      );
    expect((await call()).status).toBe(200);
    await body({
      proxy,
      call,
      usageStatuses: async () => (await h.usageRows()).map(r => r.status),
    });
  } finally {
    proxy.resume();
    await h.close();
    await limits.close();
    await proxy.cut().catch(() => undefined);
  }
}

/** A 503 in OpenAI's shape that says the limits could not be checked, within `ms`. */
async function expectRefused(call: () => ReturnType<typeof post>, ms: number) {
  const started = Date.now();
  const refused = await call();
  expect(Date.now() - started).toBeLessThan(ms);
  expect(refused.status).toBe(503);
  expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
  expect(refused.json.error).toMatchObject({
    type: 'api_error',
    code: 'limits_unavailable',
  });
  expect(refused.json.error.message).toMatch(/rate limits and budgets/i);
}

/** Calls until one passes (the client reconnects by itself), for up to 5 s. */
async function expectServedAgain(call: () => ReturnType<typeof post>) {
  let status = 0;
  for (let i = 0; i < 50 && status !== 200; i++) {
    await new Promise(resolve => setTimeout(resolve, 100));
    status = (await call()).status;
  }
  expect(status).toBe(200);
}

describe('the gateway when Redis goes away', () => {
  it(
    'refuses calls with a 503 at once while Redis is down, and serves again when it is back',
    ifRedis(() =>
      gatewayOnProxiedRedis(async ({ proxy, call, usageStatuses }) => {
        await proxy.cut();
        await expectRefused(call, 1_000);
        await proxy.restore();
        await expectServedAgain(call);
        // every call is metered, the refused one too
        expect(await usageStatuses()).toEqual(
          expect.arrayContaining([200, 503]),
        );
      }),
    ),
  );

  it(
    'refuses calls with a 503 after 2 s while Redis does not answer, and serves again after',
    ifRedis(() =>
      gatewayOnProxiedRedis(async ({ proxy, call, usageStatuses }) => {
        proxy.stall();
        await expectRefused(call, 4_000);
        proxy.resume();
        await expectServedAgain(call);
        expect(await usageStatuses()).toEqual(
          expect.arrayContaining([200, 503]),
        );
      }),
    ),
  );
});
