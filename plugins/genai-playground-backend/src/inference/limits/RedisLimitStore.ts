import { createClient, ErrorReply } from '@redis/client';
import { createHash } from 'node:crypto';
import {
  monthOf,
  rateRetryAfterSeconds,
  secondsToNextMonth,
  WINDOW_MS,
  windowOf,
  type LimitStore,
  type Reservation,
  type ReserveRequest,
  type ReserveResult,
  LimitStoreUnavailableError,
} from './LimitStore';

/*
 * KEYS: for each rate subject its current and previous window hash (fields r = requests,
 * t = tokens), then one counter per budget.
 * ARGV: nRates, nBudgets, fraction of the window gone, tokens, amount, window TTL (ms), budget
 * TTL (s), then rpm and tpm per rate subject, then the limit per budget.
 * Answers {1} when reserved, or {0, index, kind, previous, current} for the first limit hit.
 */
const RESERVE = `
local nRates = tonumber(ARGV[1])
local nBudgets = tonumber(ARGV[2])
local f = tonumber(ARGV[3])
local tokens = tonumber(ARGV[4])
local amount = tonumber(ARGV[5])
local off = 7
for i = 1, nRates do
  local rpm = tonumber(ARGV[off + 1])
  local tpm = tonumber(ARGV[off + 2])
  off = off + 2
  local c = redis.call('HMGET', KEYS[2 * i - 1], 'r', 't')
  local p = redis.call('HMGET', KEYS[2 * i], 'r', 't')
  local cr, ct = tonumber(c[1]) or 0, tonumber(c[2]) or 0
  local pr, pt = tonumber(p[1]) or 0, tonumber(p[2]) or 0
  if rpm > 0 and pr * (1 - f) + cr + 1 > rpm then
    return {0, i, 'rpm', tostring(pr), tostring(cr)}
  end
  if tpm > 0 and pt * (1 - f) + ct + tokens > tpm then
    return {0, i, 'tpm', tostring(pt), tostring(ct)}
  end
end
for j = 1, nBudgets do
  local limit = tonumber(ARGV[off + j])
  local spent = tonumber(redis.call('GET', KEYS[2 * nRates + j]) or '0')
  if spent + amount > limit then
    return {0, j, 'budget', tostring(spent), '0'}
  end
end
for i = 1, nRates do
  redis.call('HINCRBY', KEYS[2 * i - 1], 'r', 1)
  redis.call('HINCRBY', KEYS[2 * i - 1], 't', tokens)
  redis.call('PEXPIRE', KEYS[2 * i - 1], ARGV[6])
end
for j = 1, nBudgets do
  redis.call('INCRBY', KEYS[2 * nRates + j], amount)
  redis.call('EXPIRE', KEYS[2 * nRates + j], ARGV[7])
end
return {1}
`;

/* KEYS: rate window hashes, then budget counters. ARGV: nRates, token delta, cost delta. */
const SETTLE = `
local nRates = tonumber(ARGV[1])
local tokens = tonumber(ARGV[2])
local amount = tonumber(ARGV[3])
for i = 1, #KEYS do
  if i <= nRates then
    if tokens ~= 0 and redis.call('EXISTS', KEYS[i]) == 1 then
      redis.call('HINCRBY', KEYS[i], 't', tokens)
    end
  elseif amount ~= 0 then
    redis.call('INCRBY', KEYS[i], amount)
  end
end
return 1
`;

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

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
  #reserveSha = sha1(RESERVE);
  #settleSha = sha1(SETTLE);

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

  async reserve(request: ReserveRequest): Promise<ReserveResult> {
    const { start, fraction } = windowOf(request.now);
    const month = monthOf(request.now);
    const p = this.#prefix;
    const rateKeys = request.rates.map(s => `${p}rate:${s.id}:${start}`);
    const keys: string[] = [];
    request.rates.forEach((s, i) => {
      keys.push(rateKeys[i], `${p}rate:${s.id}:${start - WINDOW_MS}`);
    });
    const budgetKeys = request.budgets.map(b => `${p}budget:${b.id}:${month}`);
    keys.push(...budgetKeys);
    const args = [
      String(request.rates.length),
      String(request.budgets.length),
      String(fraction),
      String(Math.round(request.tokens)),
      String(Math.round(request.amountMicros)),
      String(2 * WINDOW_MS + 5_000),
      String(BUDGET_TTL_SECONDS),
      ...request.rates.flatMap(s => [String(s.rpm), String(s.tpm)]),
      ...request.budgets.map(b => String(Math.floor(b.limitMicros))),
    ];
    const reply = (await this.#run('reserve', keys, args)) as Array<
      number | string
    >;
    if (Number(reply[0]) === 1) {
      return {
        ok: true,
        reservation: {
          rateKeys,
          budgetKeys,
          tokens: Math.round(request.tokens),
          amountMicros: Math.round(request.amountMicros),
        },
      };
    }
    const index = Number(reply[1]) - 1;
    const kind = String(reply[2]) as 'rpm' | 'tpm' | 'budget';
    if (kind === 'budget') {
      return {
        ok: false,
        limit: 'budget',
        subject: request.budgets[index].id,
        retryAfterSeconds: secondsToNextMonth(request.now),
      };
    }
    const subject = request.rates[index];
    return {
      ok: false,
      limit: kind,
      subject: subject.id,
      retryAfterSeconds: rateRetryAfterSeconds({
        limit: kind === 'rpm' ? subject.rpm : subject.tpm,
        need: kind === 'rpm' ? 1 : request.tokens,
        previous: Number(reply[3]),
        current: Number(reply[4]),
        fraction,
      }),
    };
  }

  async settle(
    reservation: Reservation,
    actual: { tokens: number; costMicros: number },
  ): Promise<void> {
    const tokenDelta = Math.round(actual.tokens) - reservation.tokens;
    const costDelta = Math.round(actual.costMicros) - reservation.amountMicros;
    if (tokenDelta === 0 && costDelta === 0) return;
    await this.#run(
      'settle',
      [...reservation.rateKeys, ...reservation.budgetKeys],
      [
        String(reservation.rateKeys.length),
        String(tokenDelta),
        String(costDelta),
      ],
    );
  }

  async seedBudget(id: string, month: string, spentMicros: number) {
    await this.#command(() =>
      this.#client.set(
        `${this.#prefix}budget:${id}:${month}`,
        String(Math.round(spentMicros)),
        { NX: true, EX: BUDGET_TTL_SECONDS },
      ),
    );
  }

  async getSpent(ids: string[], month: string) {
    if (ids.length === 0) return new Map<string, number>();
    const values = await this.#command(() =>
      this.#client.mGet(ids.map(id => `${this.#prefix}budget:${id}:${month}`)),
    );
    return new Map(ids.map((id, i) => [id, Number(values[i] ?? 0)]));
  }

  async close() {
    if (this.#ownsClient && this.#client.isOpen) await this.#client.quit();
  }

  /** EVALSHA, loading the script when Redis does not have it (first call, or after a flush). */
  async #run(which: 'reserve' | 'settle', keys: string[], args: string[]) {
    const script = which === 'reserve' ? RESERVE : SETTLE;
    const sha = which === 'reserve' ? this.#reserveSha : this.#settleSha;
    try {
      return await this.#command(() =>
        this.#client.evalSha(sha, { keys, arguments: args }),
      );
    } catch (error) {
      if (!String((error as Error)?.message).includes('NOSCRIPT')) throw error;
      const loaded = await this.#command(() => this.#client.scriptLoad(script));
      if (which === 'reserve') this.#reserveSha = loaded;
      else this.#settleSha = loaded;
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
