import type { PluginTokenHandler } from '@backstage/backend-defaults/auth';
import { REUSE_MS, reusePluginTokens } from './reusePluginTokens';

/** A token-shaped string whose payload carries `exp` (seconds). */
function tokenExpiring(expMs: number, tag: string) {
  const part = (o: object) =>
    Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'ES256' })}.${part({
    exp: Math.floor(expMs / 1000),
    tag,
  })}.sig`;
}

function fakeHandler(now: () => number) {
  let issuedCount = 0;
  const calls = { issue: 0, verify: 0 };
  const handler: PluginTokenHandler = {
    async issueToken() {
      calls.issue++;
      return { token: tokenExpiring(now() + 3_600_000, `t${++issuedCount}`) };
    },
    async verifyToken(token) {
      calls.verify++;
      if (token.startsWith('user')) return undefined;
      if (token.endsWith('.bad'))
        throw new Error('Failed plugin token verification');
      return { subject: 'plugin:genai-playground', limitedUserToken: 'obo' };
    },
  };
  return { handler, calls };
}

describe('reusePluginTokens', () => {
  let now = 1_000_000_000_000;
  const clock = () => now;
  beforeEach(() => {
    now = 1_000_000_000_000;
  });

  const issue = (
    h: PluginTokenHandler,
    obo = 'user-a',
    target = 'permission',
  ) =>
    h.issueToken({
      pluginId: 'genai-playground',
      targetPluginId: target,
      onBehalfOf: {
        limitedUserToken: obo,
        expiresAt: new Date(now + 3_600_000),
      },
    });

  it('reuses an issued token for the same caller, target and user, for REUSE_MS', async () => {
    const { handler, calls } = fakeHandler(clock);
    const h = reusePluginTokens(handler, clock);
    const first = await issue(h);
    expect(await issue(h)).toEqual(first);
    expect(calls.issue).toBe(1);
    expect(await issue(h, 'user-b')).not.toEqual(first);
    expect(await issue(h, 'user-a', 'catalog')).not.toEqual(first);
    expect(calls.issue).toBe(3);
    now += REUSE_MS;
    expect(await issue(h)).not.toEqual(first);
    expect(calls.issue).toBe(4);
  });

  it('issues afresh when the kept token is about to expire', async () => {
    const { handler, calls } = fakeHandler(clock);
    let exp = now + 60_000;
    const h = reusePluginTokens(
      {
        ...handler,
        async issueToken() {
          calls.issue++;
          return { token: tokenExpiring(exp, `t${calls.issue}`) };
        },
      },
      clock,
    );
    await issue(h);
    exp = now + 3_600_000;
    await issue(h);
    expect(calls.issue).toBe(2);
  });

  it('reuses a verified answer for the same token only, never past exp or REUSE_MS', async () => {
    const { handler, calls } = fakeHandler(clock);
    const h = reusePluginTokens(handler, clock);
    const token = tokenExpiring(now + 3_600_000, 'a');
    const answer = await h.verifyToken(token);
    expect(answer).toEqual({
      subject: 'plugin:genai-playground',
      limitedUserToken: 'obo',
    });
    expect(await h.verifyToken(token)).toEqual(answer);
    expect(calls.verify).toBe(1);
    await h.verifyToken(tokenExpiring(now + 3_600_000, 'b'));
    expect(calls.verify).toBe(2);
    now += REUSE_MS;
    await h.verifyToken(token);
    expect(calls.verify).toBe(3);

    const short = tokenExpiring(now + 10_000, 'c');
    await h.verifyToken(short);
    now += 10_000;
    await h.verifyToken(short);
    expect(calls.verify).toBe(5);
  });

  it('checks failures and tokens of other kinds afresh every time', async () => {
    const { handler, calls } = fakeHandler(clock);
    const h = reusePluginTokens(handler, clock);
    const bad = `${tokenExpiring(now + 3_600_000, 'x').slice(0, -4)}.bad`;
    await expect(h.verifyToken(bad)).rejects.toThrow('verification');
    await expect(h.verifyToken(bad)).rejects.toThrow('verification');
    expect(await h.verifyToken('user-token')).toBeUndefined();
    expect(await h.verifyToken('user-token')).toBeUndefined();
    expect(calls.verify).toBe(4);
  });
});
