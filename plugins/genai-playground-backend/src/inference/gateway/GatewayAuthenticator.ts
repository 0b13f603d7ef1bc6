import type {
  HttpAuthService,
  LoggerService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ENVIRONMENT_HEADER,
  environmentUsePermission,
  inferenceUsePermission,
} from '@genai-portal/plugin-genai-playground-common';
import type { Request } from 'express';
import type {
  EnvironmentRecord,
  EnvironmentStore,
} from '../../environments/EnvironmentStore';
import { hashApiKey, looksLikeApiKey, sameHash } from '../../keys/apiKeySecret';
import type { ApiKeyRecord, ApiKeyStore } from '../../keys/ApiKeyStore';
import type { UsageStore } from '../../metering/UsageStore';
import type { PermissionGate } from '../../permissions/PermissionGate';
import type { InferenceConfig } from '../config';
import type { BudgetSubject, LimitStore } from '../limits/LimitStore';
import { LimitStoreUnavailableError, monthOf } from '../limits/LimitStore';
import type { Caller } from './Caller';
import { GatewayError } from './errors';
import { LruMap } from './LruMap';

export interface GatewayAuthenticatorOptions {
  keys: ApiKeyStore;
  environments: Pick<EnvironmentStore, 'get'>;
  usage: Pick<UsageStore, 'sumCost'>;
  limits: LimitStore;
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  permissions: PermissionsService;
  /** Decides which environments a user may charge (genai-playground.environment.use). */
  gate: Pick<PermissionGate, 'predicate'>;
  config: Pick<
    InferenceConfig,
    | 'keyCacheSeconds'
    | 'userLimits'
    | 'environmentBudgets'
    | 'keyCeilings'
    | 'teamBudgets'
  >;
  logger: LoggerService;
  clock?: () => number;
}

/** A looked-up key: the caller it makes, or why it is refused. */
interface KeyEntry {
  caller?: Caller;
  refusal?: string;
  /** The environment's lease end (ms): the key stops working then, cache or not. */
  validUntil: number;
  /** Re-read after this (ms). */
  freshUntil: number;
  hash: string;
  keyId?: string;
  environmentId?: string;
}

interface UserEntry {
  allowed: boolean;
  userRef: string;
  groups: string[];
  /** Whether the policy lets the user charge the environment. */
  mayUse: (environment: EnvironmentRecord) => boolean;
  freshUntil: number;
}

const MICROS = 1_000_000;
const UNKNOWN_KEY_CACHE_MS = 2_000;
/**
 * Caps of the in-memory caches. Keys and environments that exist are far fewer; the caps are for
 * made-up ones (random keys, junk x-genai-environment values), which must not grow memory.
 */
const MAX_KEYS = 10_000;
const MAX_UNKNOWN_KEYS = 1_000;
const MAX_USERS = 10_000;
const MAX_ENVIRONMENTS = 10_000;
/** How long past its freshness a good key still answers while it is re-read. */
const STALE_GRACE_MS = 60_000;
const USER_CACHE_MS = 60_000;

const unauthorized = (message: string) =>
  new GatewayError(401, message, { code: 'invalid_api_key' });

/**
 * Who is calling the gateway: an API key (`Authorization: Bearer gpk-...`), looked up by the
 * SHA-256 of the key and kept in memory for `keyCacheSeconds`, so that the hot path makes no
 * database call; or a Backstage user token (the playground page), who may name one of their
 * environments in `x-genai-environment` to charge it.
 *
 * A key works while it is not revoked and its environment is ready and its lease has not ended:
 * keys expire with the environment, follow its extends, and die with it. A revoke on this
 * replica applies at once; on other replicas within `keyCacheSeconds`.
 */
export class GatewayAuthenticator {
  readonly #options: GatewayAuthenticatorOptions;
  readonly #now: () => number;
  /** Keys that exist (good, revoked or expired). */
  readonly #keys = new LruMap<string, KeyEntry>(MAX_KEYS);
  /** Keys that do not, kept apart so that junk cannot push good keys out of the cache. */
  readonly #unknownKeys = new LruMap<string, KeyEntry>(MAX_UNKNOWN_KEYS);
  readonly #loading = new Map<string, Promise<KeyEntry>>();
  readonly #users = new LruMap<string, UserEntry>(MAX_USERS);
  readonly #environments = new LruMap<
    string,
    { record?: EnvironmentRecord; freshUntil: number }
  >(MAX_ENVIRONMENTS);
  /** Budgets seeded from the metered usage this process, as `${id}|${month}`. */
  readonly #seeded = new Set<string>();

  constructor(options: GatewayAuthenticatorOptions) {
    this.#options = options;
    this.#now = options.clock ?? Date.now;
  }

  async authenticate(req: Request): Promise<Caller> {
    const header = req.headers.authorization;
    if (!header) {
      throw unauthorized(
        "You didn't provide an API key. Send it in the Authorization header: 'Bearer gpk-...'",
      );
    }
    const token = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    if (looksLikeApiKey(token)) return this.#fromKey(token);
    if (!token || token.startsWith('gpk')) {
      throw unauthorized('Incorrect API key provided');
    }
    return this.#fromUser(req)
      .then(caller => this.#withTeamBudget(caller))
      .catch(error => {
        throw this.#checkFailed(error, 'Your access');
      });
  }

  /** Entries in the in-memory caches (all capped). */
  cacheSizes() {
    return {
      keys: this.#keys.size,
      unknownKeys: this.#unknownKeys.size,
      users: this.#users.size,
      environments: this.#environments.size,
    };
  }

  /** Forgets a key (revoked here): its next call reads it again. */
  evictKey(keyId: string) {
    for (const [hash, entry] of this.#keys) {
      if (entry.keyId === keyId) this.#keys.delete(hash);
    }
  }

  /** Forgets an environment and its keys (extended, deleted). */
  evictEnvironment(environmentId: string) {
    this.#environments.delete(environmentId);
    for (const [hash, entry] of this.#keys) {
      if (entry.environmentId === environmentId) this.#keys.delete(hash);
    }
  }

  // ------------------------------------------------------------ API keys

  async #fromKey(token: string): Promise<Caller> {
    const hash = hashApiKey(token);
    const now = this.#now();
    let entry = this.#keys.get(hash) ?? this.#unknownKeys.get(hash);
    if (!entry || entry.freshUntil <= now) {
      const loading = this.#load(hash);
      if (entry?.caller && entry.freshUntil + STALE_GRACE_MS > now) {
        // stale but known good: answer from it while it is read again in the background, so
        // that no call waits for the database (a failed read is retried by the next call)
        loading.catch(() => undefined);
      } else {
        entry = await loading;
      }
    }
    if (!entry.caller || !sameHash(entry.hash, hash)) {
      throw unauthorized(entry.refusal ?? 'Incorrect API key provided');
    }
    if (entry.validUntil <= this.#now()) {
      throw unauthorized(
        `The API key has expired: environment ${entry.environmentId} reached the end of its lease`,
      );
    }
    return entry.caller;
  }

  /** Reads a key, once however many calls ask at the same time. */
  #load(hash: string): Promise<KeyEntry> {
    let loading = this.#loading.get(hash);
    if (!loading) {
      loading = this.#loadKey(hash)
        .catch(error => {
          throw this.#checkFailed(error, 'The API key');
        })
        .finally(() => this.#loading.delete(hash));
      this.#loading.set(hash, loading);
    }
    return loading;
  }

  /**
   * A service that failed while the caller was checked (the database, the catalog or the
   * permission service down or slow): not the caller's fault, so a 503 to retry, not a 401 or a
   * 500; the cause goes to the log, not to the caller.
   */
  #checkFailed(error: unknown, what: 'The API key' | 'Your access'): unknown {
    if (
      error instanceof GatewayError ||
      error instanceof LimitStoreUnavailableError
    ) {
      return error;
    }
    this.#options.logger.warn(
      `Inference gateway: checking a caller failed: ${error}`,
    );
    return new GatewayError(
      503,
      `${what} cannot be checked right now (a portal service did not answer); the call was not made. Try again in a few seconds.`,
      {
        type: 'api_error',
        code: 'auth_unavailable',
        headers: { 'retry-after': '2' },
      },
    );
  }

  async #loadKey(hash: string): Promise<KeyEntry> {
    const now = this.#now();
    const key = await this.#options.keys.getByHash(hash);
    let entry: KeyEntry;
    if (!key) {
      entry = {
        hash,
        refusal: 'Incorrect API key provided',
        validUntil: 0,
        freshUntil: now + UNKNOWN_KEY_CACHE_MS,
      };
    } else {
      const env = await this.#environment(key.environmentId, now);
      entry = {
        hash,
        keyId: key.id,
        environmentId: key.environmentId,
        validUntil: env ? Date.parse(env.expiresAt) : 0,
        freshUntil: now + this.#options.config.keyCacheSeconds * 1000,
      };
      if (key.revokedAt) {
        entry.refusal = `The API key ${key.prefix}... was revoked`;
      } else if (!env || env.status !== 'ready') {
        entry.refusal = `The API key ${
          key.prefix
        }... is no longer valid: environment ${key.environmentId} is ${
          env?.status ?? 'gone'
        }`;
      } else {
        entry.caller = await this.#keyCaller(key, env, now);
      }
    }
    (key ? this.#keys : this.#unknownKeys).set(hash, entry);
    return entry;
  }

  async #keyCaller(
    key: ApiKeyRecord,
    env: EnvironmentRecord,
    now: number,
  ): Promise<Caller> {
    // keys issued before a ceiling was set (or lowered) are held to it too
    const ceilings = this.#options.config.keyCeilings;
    const atMost = (value: number | undefined, ceiling: number | undefined) =>
      ceiling === undefined || (value !== undefined && value <= ceiling)
        ? value
        : ceiling;
    const budgets: BudgetSubject[] = [];
    const monthlyBudget = atMost(key.monthlyBudget, ceilings.monthlyBudget);
    if (monthlyBudget !== undefined) {
      budgets.push({
        id: `key:${key.id}`,
        limitMicros: monthlyBudget * MICROS,
      });
    }
    const envBudget = this.#environmentBudget(env);
    if (envBudget) budgets.push(envBudget);
    await this.#seed(budgets, now, { keyId: key.id }, env.id);
    return this.#withTeamBudget({
      kind: 'key',
      keyId: key.id,
      team: key.team,
      environmentId: key.environmentId,
      models: key.models.length ? new Set(key.models) : undefined,
      rates: [
        {
          id: `key:${key.id}`,
          rpm: atMost(key.rpm, ceilings.rpm)!,
          tpm: atMost(key.tpm, ceilings.tpm)!,
        },
      ],
      budgets,
    });
  }

  /** Adds the team's monthly budget (genaiPlayground.inference.teamBudgets), if it has one. */
  async #withTeamBudget(caller: Caller): Promise<Caller> {
    const limit = this.#options.config.teamBudgets[caller.team];
    if (limit === undefined) return caller;
    const budget = { id: `team:${caller.team}`, limitMicros: limit * MICROS };
    await this.#seed([budget], this.#now(), undefined, undefined);
    return { ...caller, budgets: [...caller.budgets, budget] };
  }

  #environmentBudget(env: EnvironmentRecord): BudgetSubject | undefined {
    if (
      !this.#options.config.environmentBudgets ||
      env.monthlyBudget === undefined
    ) {
      return undefined;
    }
    return { id: `env:${env.id}`, limitMicros: env.monthlyBudget * MICROS };
  }

  /** Seeds this month's budget counters from the metered usage, once per process and month. */
  async #seed(
    budgets: BudgetSubject[],
    now: number,
    key: { keyId: string } | undefined,
    environmentId: string | undefined,
  ) {
    const month = monthOf(now);
    const d = new Date(now);
    const period = {
      from: new Date(
        Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1),
      ).toISOString(),
      to: new Date(
        Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1),
      ).toISOString(),
    };
    for (const b of budgets) {
      const mark = `${b.id}|${month}`;
      if (this.#seeded.has(mark)) continue;
      let subject: Parameters<UsageStore['sumCost']>[0];
      if (b.id.startsWith('key:') && key) subject = key;
      else if (b.id.startsWith('team:')) subject = { team: b.id.slice(5) };
      else subject = { environmentId: environmentId! };
      const spent = await this.#options.usage.sumCost(subject, period);
      await this.#options.limits.seedBudget(
        b.id,
        month,
        Math.round(spent * MICROS),
      );
      this.#seeded.add(mark);
    }
  }

  async #environment(
    id: string,
    now: number,
  ): Promise<EnvironmentRecord | undefined> {
    const cached = this.#environments.get(id);
    if (cached && cached.freshUntil > now) return cached.record;
    const record = await this.#options.environments.get(id);
    this.#environments.set(id, {
      record,
      freshUntil: now + this.#options.config.keyCacheSeconds * 1000,
    });
    return record;
  }

  // ------------------------------------------------------------ users

  async #fromUser(req: Request): Promise<Caller> {
    let credentials;
    try {
      credentials = await this.#options.httpAuth.credentials(req, {
        allow: ['user'],
      });
    } catch {
      throw unauthorized(
        'Incorrect API key provided: send an API key of an environment (gpk-...) or a Backstage user token',
      );
    }
    const now = this.#now();
    const userRef = credentials.principal.userEntityRef;
    let user = this.#users.get(userRef);
    if (!user || user.freshUntil <= now) {
      const [decision] = await this.#options.permissions.authorize(
        [{ permission: inferenceUsePermission }],
        { credentials },
      );
      const info = await this.#options.userInfo.getUserInfo(credentials);
      const groups = info.ownershipEntityRefs.filter(r =>
        r.startsWith('group:'),
      );
      const mayUse = await this.#options.gate
        .predicate(environmentUsePermission, credentials)
        .catch(error => {
          if (error instanceof NotAllowedError) return () => false;
          throw error;
        });
      user = {
        allowed: decision.result === AuthorizeResult.ALLOW,
        userRef,
        groups,
        mayUse,
        freshUntil: now + USER_CACHE_MS,
      };
      this.#users.set(userRef, user);
    }
    if (!user.allowed) {
      throw new GatewayError(
        403,
        `${userRef} may not use the inference gateway (${inferenceUsePermission.name})`,
      );
    }
    const { userLimits } = this.#options.config;
    const rates = [
      { id: `user:${userRef}`, rpm: userLimits.rpm, tpm: userLimits.tpm },
    ];
    const environmentId = req.headers[ENVIRONMENT_HEADER];
    if (typeof environmentId === 'string' && environmentId) {
      const env = await this.#environment(environmentId, now);
      if (!env) {
        throw new GatewayError(
          400,
          `There is no environment '${environmentId}'`,
          { param: ENVIRONMENT_HEADER },
        );
      }
      if (!user.mayUse(env)) {
        throw new GatewayError(
          403,
          `Environment ${env.id} belongs to ${env.team}; ${userRef} may not charge it (${environmentUsePermission.name})`,
        );
      }
      if (env.status !== 'ready' || Date.parse(env.expiresAt) <= now) {
        throw new GatewayError(
          403,
          `Environment ${env.id} is not ready (${env.status}) or its lease has ended`,
        );
      }
      const budgets: BudgetSubject[] = [];
      const envBudget = this.#environmentBudget(env);
      if (envBudget) {
        budgets.push(envBudget);
        await this.#seed(budgets, now, undefined, env.id);
      }
      return {
        kind: 'user',
        userRef,
        team: env.team,
        environmentId: env.id,
        rates,
        budgets,
      };
    }
    return {
      kind: 'user',
      userRef,
      team: user.groups[0] ?? userRef,
      rates,
      budgets: [],
    };
  }
}
