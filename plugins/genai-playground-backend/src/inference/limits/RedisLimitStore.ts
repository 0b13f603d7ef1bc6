import { createClient, ErrorReply } from '@redis/client';
import { createHash, randomBytes } from 'node:crypto';
import {
  monthOf,
  rateRetryAfterSeconds,
  secondsToNextMonth,
  WINDOW_MS,
  windowOf,
  type BudgetSubject,
  type CountResult,
  type LimitStore,
  type RateSubject,
  type Refusal,
  type Reservation,
  type ReserveRequest,
  type ReserveResult,
  LimitStoreUnavailableError,
} from './LimitStore';

/*
 * Shared head of the two scripts: the RPM check of every rate subject. A subject over its RPM
 * gets its refusal counted (field x) and the script answers {0, index, 'rpm', previous, current,
 * refused}. `count_requests` counts the call (field r) for every subject.
 * KEYS: for each rate subject its current and previous window hash (fields r = requests,
 * t = tokens, x = refused for RPM). ARGV[1] nRates, ARGV[3] fraction of the window gone,
 * ARGV[6] window TTL (ms), ARGV[8..] rpm and tpm per subject.
 */
const RPM_CHECK = `
local nRates = tonumber(ARGV[1])
local f = tonumber(ARGV[3])
local function count_requests()
  for i = 1, nRates do
    redis.call('HINCRBY', KEYS[2 * i - 1], 'r', 1)
    redis.call('PEXPIRE', KEYS[2 * i - 1], ARGV[6])
  end
end
for i = 1, nRates do
  local rpm = tonumber(ARGV[6 + 2 * i])
  local cr = tonumber(redis.call('HGET', KEYS[2 * i - 1], 'r')) or 0
  local pr = tonumber(redis.call('HGET', KEYS[2 * i], 'r')) or 0
  if rpm > 0 and pr * (1 - f) + cr + 1 > rpm then
    local x = redis.call('HINCRBY', KEYS[2 * i - 1], 'x', 1)
    redis.call('PEXPIRE', KEYS[2 * i - 1], ARGV[6])
    return {0, i, 'rpm', tostring(pr), tostring(cr), x}
  end
end
`;

/*
 * KEYS: the rate window hashes as above, then one hash per budget (fields s = spent and
 * reserved, g = the generation its seed gave it).
 * ARGV: nRates, nBudgets, fraction of the window gone, tokens, amount, window TTL (ms), budget
 * TTL (s), then rpm and tpm per rate subject, then the limit per budget, then 1 when a budget
 * without a counter must be seeded first.
 * Answers {1, generation...} when reserved, {2, index...} for the budgets that must be seeded
 * first (nothing counted), or {0, index, kind, previous, current[, refused]} for the first limit
 * hit; a call refused for TPM or a budget still counts as a request.
 */
const RESERVE = `${RPM_CHECK}
local nBudgets = tonumber(ARGV[2])
local tokens = tonumber(ARGV[4])
local amount = tonumber(ARGV[5])
local off = 7 + 2 * nRates
if ARGV[off + nBudgets + 1] == '1' then
  local missing = {2}
  for j = 1, nBudgets do
    if redis.call('EXISTS', KEYS[2 * nRates + j]) == 0 then
      table.insert(missing, j)
    end
  end
  if #missing > 1 then return missing end
end
for i = 1, nRates do
  local tpm = tonumber(ARGV[7 + 2 * i])
  local ct = tonumber(redis.call('HGET', KEYS[2 * i - 1], 't')) or 0
  local pt = tonumber(redis.call('HGET', KEYS[2 * i], 't')) or 0
  if tpm > 0 and pt * (1 - f) + ct + tokens > tpm then
    count_requests()
    return {0, i, 'tpm', tostring(pt), tostring(ct)}
  end
end
for j = 1, nBudgets do
  local limit = tonumber(ARGV[off + j])
  local spent = tonumber(redis.call('HGET', KEYS[2 * nRates + j], 's')) or 0
  if spent + amount > limit then
    count_requests()
    return {0, j, 'budget', tostring(spent), '0'}
  end
end
count_requests()
for i = 1, nRates do
  redis.call('HINCRBY', KEYS[2 * i - 1], 't', tokens)
end
local reply = {1}
for j = 1, nBudgets do
  local k = KEYS[2 * nRates + j]
  redis.call('HINCRBY', k, 's', amount)
  redis.call('HSETNX', k, 'g', '-')
  redis.call('EXPIRE', k, ARGV[7])
  table.insert(reply, redis.call('HGET', k, 'g'))
end
return reply
`;

/* A call refused before it reserved: the RPM check, then counted. Same KEYS and ARGV layout. */
const COUNT = `${RPM_CHECK}
count_requests()
return {1}
`;

/*
 * KEYS: rate window hashes, then budget hashes. ARGV: nRates, token delta, cost delta, actual
 * cost, then the generation each budget had at the reservation.
 * A budget counter that is gone (flushed, evicted) is left alone: its seed will come from the
 * metered usage, this call's included. One seeded again since the reservation (another
 * generation) never held the reservation: it gets the actual cost, not the difference.
 */
const SETTLE = `
local nRates = tonumber(ARGV[1])
local tokens = tonumber(ARGV[2])
local delta = tonumber(ARGV[3])
local actual = tonumber(ARGV[4])
for i = 1, #KEYS do
  if i <= nRates then
    if tokens ~= 0 and redis.call('EXISTS', KEYS[i]) == 1 then
      redis.call('HINCRBY', KEYS[i], 't', tokens)
    end
  else
    local g = redis.call('HGET', KEYS[i], 'g')
    if g == ARGV[4 + i - nRates] then
      if delta ~= 0 then redis.call('HINCRBY', KEYS[i], 's', delta) end
    elseif g then
      redis.call('HINCRBY', KEYS[i], 's', actual)
    end
  end
end
return 1
`;

/* Seeds a budget hash unless it exists. KEYS: the hash. ARGV: spent, generation, TTL (s). */
const SEED = `
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], 's', ARGV[1], 'g', ARGV[2])
  redis.call('EXPIRE', KEYS[1], ARGV[3])
end
return 1
`;

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

type Script = typeof RESERVE | typeof SETTLE | typeof COUNT | typeof SEED;

/** Budget counters outlive their month by a few days, for reports that look back. */
const BUDGET_TTL_SECONDS = 40 * 24 * 3600;

type Client = ReturnType<typeof createClient>;

/** Longest wait for one Redis command: a call is not held longer for its limits. */
const COMMAND_TIMEOUT_MS = 2_000;

/**
 * Limits in Redis, shared by every backend replica: each reserve and settle is one Lua script,
 * atomic on the server. The keys of one call may live in different hash slots, so this needs a
 * single Redis (or a primary with replicas), not Redis Cluster.
 */
export class RedisLimitStore implements LimitStore {
  readonly #client: Client;
  readonly #prefix: string;
  readonly #ownsClient: boolean;
  readonly #shas = new Map<Script, string>();

  /** Connects to `url` (redis://...); keys start with `keyPrefix`. */
  static async connect(options: {
    url: string;
    keyPrefix: string;
  }): Promise<RedisLimitStore> {
    const client = createClient({
      url: options.url,
      // while the connection is down commands fail at once instead of queueing (the calls
      // waiting on them would hang until Redis came back)
      disableOfflineQueue: true,
      socket: {
        connectTimeout: 5_000,
        reconnectStrategy: n => Math.min(n * 100, 2_000),
      },
    });
    // Errors surface on the calls; the client reconnects by itself.
    client.on('error', () => {});
    await client.connect();
    return new RedisLimitStore(client, options.keyPrefix, true);
  }

  private constructor(client: Client, prefix: string, ownsClient: boolean) {
    this.#client = client;
    this.#prefix = prefix;
    this.#ownsClient = ownsClient;
  }

  async countCall(rates: RateSubject[], now: number): Promise<CountResult> {
    const { keys, args } = this.#rateArgs(rates, now);
    const reply = (await this.#run(COUNT, keys, [
      String(rates.length),
      '0',
      ...args,
    ])) as Array<number | string>;
    if (Number(reply[0]) === 1) return { ok: true };
    return this.#refusal(reply, rates, [], 1, now) as Refusal;
  }

  /** The rate subjects' window keys, and ARGV[3..] of the scripts (see RPM_CHECK). */
  #rateArgs(
    rates: RateSubject[],
    now: number,
    tokens = 0,
    amountMicros = 0,
  ): { keys: string[]; rateKeys: string[]; args: string[] } {
    const { start, fraction } = windowOf(now);
    const p = this.#prefix;
    const rateKeys = rates.map(s => `${p}rate:${s.id}:${start}`);
    const keys: string[] = [];
    rates.forEach((s, i) => {
      keys.push(rateKeys[i], `${p}rate:${s.id}:${start - WINDOW_MS}`);
    });
    const args = [
      String(fraction),
      String(Math.round(tokens)),
      String(Math.round(amountMicros)),
      String(2 * WINDOW_MS + 5_000),
      String(BUDGET_TTL_SECONDS),
      ...rates.flatMap(s => [String(s.rpm), String(s.tpm)]),
    ];
    return { keys, rateKeys, args };
  }

  async reserve(request: ReserveRequest): Promise<ReserveResult> {
    const month = monthOf(request.now);
    const { keys, rateKeys, args } = this.#rateArgs(
      request.rates,
      request.now,
      request.tokens,
      request.amountMicros,
    );
    const budgetKeys = request.budgets.map(b => this.#budgetKey(b.id, month));
    keys.push(...budgetKeys);
    const reply = (await this.#run(RESERVE, keys, [
      String(request.rates.length),
      String(request.budgets.length),
      ...args,
      ...request.budgets.map(b => String(Math.floor(b.limitMicros))),
      request.requireSeeded ? '1' : '0',
    ])) as Array<number | string>;
    if (Number(reply[0]) === 2) {
      return {
        ok: false,
        unseeded: reply.slice(1).map(j => request.budgets[Number(j) - 1]),
      };
    }
    if (Number(reply[0]) === 1) {
      return {
        ok: true,
        reservation: {
          rateKeys,
          budgetKeys,
          tokens: Math.round(request.tokens),
          amountMicros: Math.round(request.amountMicros),
          budgetGenerations: reply.slice(1).map(String),
        },
      };
    }
    return this.#refusal(
      reply,
      request.rates,
      request.budgets,
      request.tokens,
      request.now,
    );
  }

  /** A script's {0, index, kind, previous, current[, refused]} as a Refusal. */
  #refusal(
    reply: Array<number | string>,
    rates: RateSubject[],
    budgets: BudgetSubject[],
    tokens: number,
    now: number,
  ): Refusal {
    const index = Number(reply[1]) - 1;
    const kind = String(reply[2]) as 'rpm' | 'tpm' | 'budget';
    if (kind === 'budget') {
      return {
        ok: false,
        limit: 'budget',
        subject: budgets[index].id,
        retryAfterSeconds: secondsToNextMonth(now),
      };
    }
    const subject = rates[index];
    const refusal: Refusal = {
      ok: false,
      limit: kind,
      subject: subject.id,
      retryAfterSeconds: rateRetryAfterSeconds({
        limit: kind === 'rpm' ? subject.rpm : subject.tpm,
        need: kind === 'rpm' ? 1 : tokens,
        previous: Number(reply[3]),
        current: Number(reply[4]),
        fraction: windowOf(now).fraction,
      }),
    };
    if (kind === 'rpm') refusal.refused = Number(reply[5]);
    return refusal;
  }

  async settle(
    reservation: Reservation,
    actual: { tokens: number; costMicros: number },
  ): Promise<void> {
    const tokenDelta = Math.round(actual.tokens) - reservation.tokens;
    const costDelta = Math.round(actual.costMicros) - reservation.amountMicros;
    if (tokenDelta === 0 && costDelta === 0) return;
    await this.#run(
      SETTLE,
      [...reservation.rateKeys, ...reservation.budgetKeys],
      [
        String(reservation.rateKeys.length),
        String(tokenDelta),
        String(costDelta),
        String(Math.round(actual.costMicros)),
        ...reservation.budgetKeys.map(
          (_, j) => reservation.budgetGenerations?.[j] ?? '-',
        ),
      ],
    );
  }

  async seedBudget(id: string, month: string, spentMicros: number) {
    await this.#run(
      SEED,
      [this.#budgetKey(id, month)],
      [
        String(Math.round(spentMicros)),
        randomBytes(8).toString('hex'),
        String(BUDGET_TTL_SECONDS),
      ],
    );
  }

  async getSpent(ids: string[], month: string) {
    const spent = new Map<string, number>();
    for (const id of ids) {
      const value = await this.#command(() =>
        this.#client.hGet(this.#budgetKey(id, month), 's'),
      );
      spent.set(id, Number(value ?? 0));
    }
    return spent;
  }

  /**
   * A budget's hash. (`spend:`, not the `budget:` strings of earlier versions: those are left to
   * expire, and the hashes are seeded from the metered usage on first use.)
   */
  #budgetKey(id: string, month: string) {
    return `${this.#prefix}spend:${id}:${month}`;
  }

  async close() {
    if (this.#ownsClient && this.#client.isOpen) await this.#client.quit();
  }

  /** EVALSHA, loading the script when Redis does not have it (first call, or after a flush). */
  async #run(script: Script, keys: string[], args: string[]) {
    const sha = this.#shas.get(script) ?? sha1(script);
    try {
      return await this.#command(() =>
        this.#client.evalSha(sha, { keys, arguments: args }),
      );
    } catch (error) {
      if (!String((error as Error)?.message).includes('NOSCRIPT')) throw error;
      const loaded = await this.#command(() => this.#client.scriptLoad(script));
      this.#shas.set(script, loaded);
      return await this.#command(() =>
        this.#client.evalSha(loaded, { keys, arguments: args }),
      );
    }
  }

  /**
   * One command, given at most COMMAND_TIMEOUT_MS (a command already sent waits for its answer
   * however long Redis takes; the call does not). Anything but Redis' own answer of an error
   * (the connection down or lost, the time up) is a LimitStoreUnavailableError.
   */
  async #command<T>(send: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeUp = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${COMMAND_TIMEOUT_MS} ms`)),
        COMMAND_TIMEOUT_MS,
      );
    });
    try {
      return await Promise.race([send(), timeUp]);
    } catch (error) {
      if (error instanceof ErrorReply) throw error;
      throw new LimitStoreUnavailableError(
        `the limits store (Redis) is unreachable: ${
          (error as Error)?.message ?? String(error)
        }`,
      );
    } finally {
      clearTimeout(timer);
    }
  }
}
