import {
  pluginTokenHandlerDecoratorServiceRef,
  type PluginTokenHandler,
} from '@backstage/backend-defaults/auth';
import { createServiceFactory } from '@backstage/backend-plugin-api';

/** How long an issued or verified plugin token is reused: well inside the keys' hour. */
export const REUSE_MS = 60_000;
/** An issued token is handed out again only while it has this long to live. */
const MIN_LIFE_LEFT_MS = 5 * 60_000;
/** Entries past this many are dropped oldest first; a busy replica sees a few users a minute. */
const MAX_ENTRIES = 10_000;

interface Entry<T> {
  value: Promise<T>;
  until: number;
}

/** A map of promises that expire, bounded, failures never kept. */
class ExpiringPromises<T> {
  readonly #entries = new Map<string, Entry<T>>();

  get(key: string, now: number): Promise<T> | undefined {
    const entry = this.#entries.get(key);
    if (entry && entry.until > now) return entry.value;
    if (entry) this.#entries.delete(key);
    return undefined;
  }

  set(key: string, value: Promise<T>, until: number) {
    if (this.#entries.size >= MAX_ENTRIES) {
      this.#entries.delete(this.#entries.keys().next().value!);
    }
    this.#entries.set(key, { value, until });
    value.catch(() => {
      if (this.#entries.get(key)?.value === value) this.#entries.delete(key);
    });
  }
}

/** The `exp` of a token the handler issued or verified, in ms (0 when it has none). */
function expiresAt(token: string): number {
  try {
    const payload = JSON.parse(
      Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'),
    );
    return typeof payload?.exp === 'number' ? payload.exp * 1000 : 0;
  } catch {
    return 0;
  }
}

/**
 * Plugin-to-plugin tokens without the per-request crypto: every permission check a plugin makes
 * for a user issues a token for the permission backend (importing the private JWK and signing),
 * which verifies it (a signature check); that was a fifth of a read request's CPU.
 *
 * - An issued token is reused for the same caller, target and user token for up to REUSE_MS
 *   while it has MIN_LIFE_LEFT_MS to live: the token says nothing more than a new one would
 *   (same subject, audience and `obo` claim; its `exp` still bounds it, and its key stays in the
 *   plugin's JWKS for the key's hour).
 * - A verified token's answer (subject, on-behalf-of user token) is reused for the same token
 *   string for up to REUSE_MS and never past its `exp`; the `obo` user token is still verified by
 *   the auth service on every request. What this lets through that a fresh check would not: a
 *   token whose signing key was withdrawn from the issuer's JWKS less than REUSE_MS ago. Only
 *   answers that verified are kept; a failure is checked afresh every time.
 *
 * Per plugin (the decorator is a plugin-scoped service): a verification is only ever reused for
 * the plugin (audience) that made it.
 */
export function reusePluginTokens(
  handler: PluginTokenHandler,
  clock: () => number = Date.now,
): PluginTokenHandler {
  const issued = new ExpiringPromises<{ token: string }>();
  const verified = new ExpiringPromises<
    Awaited<ReturnType<PluginTokenHandler['verifyToken']>>
  >();
  return {
    async issueToken(options) {
      const now = clock();
      const key = JSON.stringify([
        options.pluginId,
        options.targetPluginId,
        options.onBehalfOf?.limitedUserToken ?? '',
      ]);
      const hit = issued.get(key, now);
      if (hit) {
        const { token } = await hit;
        if (expiresAt(token) - clock() >= MIN_LIFE_LEFT_MS) return { token };
      }
      const fresh = handler.issueToken(options);
      issued.set(key, fresh, now + REUSE_MS);
      return fresh;
    },
    async verifyToken(token) {
      const now = clock();
      const hit = verified.get(token, now);
      if (hit) return hit;
      const result = handler.verifyToken(token);
      const answer = await result;
      // Not a plugin token (undefined) is cheap to tell again; only verified tokens are kept.
      if (answer) {
        verified.set(token, result, Math.min(now + REUSE_MS, expiresAt(token)));
      }
      return answer;
    },
  };
}

/** reusePluginTokens for every plugin's auth service. */
export const reusePluginTokensServiceFactory = createServiceFactory({
  service: pluginTokenHandlerDecoratorServiceRef,
  deps: {},
  async factory() {
    return (handler: PluginTokenHandler) => reusePluginTokens(handler);
  },
});
