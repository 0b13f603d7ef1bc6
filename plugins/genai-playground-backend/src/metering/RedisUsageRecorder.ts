import type { LoggerService } from '@backstage/backend-plugin-api';
import { createClient, ErrorReply } from '@redis/client';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { MemoryUsageRecorder, withRecordId } from './MemoryUsageRecorder';
import type { UsageRecorder } from './UsageRecorder';
import type { UsageRecord, UsageStore } from './UsageStore';
import { validRecord } from './validRecord';

type Client = ReturnType<typeof createClient>;

export interface RedisUsageRecorderOptions {
  store: UsageStore;
  logger: LoggerService;
  /** Drain the stream at least this often (ms). */
  flushIntervalMs: number;
  /** Records per database transaction. */
  batchSize: number;
  /** The stream's key; every replica of one deployment uses the same. */
  streamKey: string;
  /** An entry read by a replica that has not acknowledged it for this long is taken over (ms). */
  claimIdleMs: number;
}

/** The consumer group all replicas drain the stream in. */
const GROUP = 'usage-writers';

/** Stream entry ids ("ms-seq") in order. */
function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(BigInt);
  const [bm, bs] = b.split('-').map(BigInt);
  if (am !== bm) return am < bm ? -1 : 1;
  if (as !== bs) return as < bs ? -1 : 1;
  return 0;
}

/**
 * Metering that outlives the replica that served a call. `record` appends the record to a Redis
 * stream (XADD: Redis has it once the promise resolves). Every replica drains the stream in one
 * consumer group: it reads a batch (XREADGROUP), inserts it in one transaction, and only then
 * acknowledges and deletes the entries (XACK, XDEL). Entries a replica read and never
 * acknowledged (it died, or its insert failed) are taken over by any replica once idle for
 * `claimIdleMs` (XAUTOCLAIM). An entry inserted but not acknowledged is inserted again by
 * whoever claims it; the usage table's unique `record_id` keeps it once.
 *
 * When Redis refuses an XADD the call is not left unmetered: the record goes to a
 * MemoryUsageRecorder (straight to the database at its next flush, as without Redis) and an
 * error is logged, since such records are lost again if this replica crashes before the flush.
 */
export class RedisUsageRecorder implements UsageRecorder {
  readonly #client: Client;
  readonly #options: RedisUsageRecorderOptions;
  readonly #consumer = `${os.hostname()}-${process.pid}-${randomBytes(
    3,
  ).toString('hex')}`;
  readonly #fallback: MemoryUsageRecorder;
  /** Records being added to the stream. */
  readonly #adding = new Set<UsageRecord>();
  /** Records this replica added, by entry id, until it knows they are in the database. */
  readonly #added = new Map<string, UsageRecord>();
  readonly #inFlight = new Set<Promise<void>>();
  #claimCursor = '0-0';
  #draining: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #redisFailing = false;
  #closed = false;

  /** Connects to `url`, makes the consumer group if missing and starts draining. */
  static async connect(
    options: RedisUsageRecorderOptions & { url: string },
  ): Promise<RedisUsageRecorder> {
    const client = createClient({
      url: options.url,
      // a call waits for its XADD: while Redis is down it must fail at once (and fall back)
      disableOfflineQueue: true,
      socket: {
        connectTimeout: 5_000,
        reconnectStrategy: n => Math.min(n * 100, 2_000),
      },
    });
    // Errors surface on the commands; the client reconnects by itself.
    client.on('error', () => {});
    await client.connect();
    try {
      await client.xGroupCreate(options.streamKey, GROUP, '0', {
        MKSTREAM: true,
      });
    } catch (error) {
      if (!(error instanceof ErrorReply && /BUSYGROUP/.test(error.message))) {
        await client.quit();
        throw error;
      }
    }
    return new RedisUsageRecorder(client, options);
  }

  private constructor(client: Client, options: RedisUsageRecorderOptions) {
    this.#client = client;
    this.#options = options;
    this.#fallback = new MemoryUsageRecorder({
      store: options.store,
      logger: options.logger,
      flushIntervalMs: options.flushIntervalMs,
      batchSize: options.batchSize,
    });
    this.#timer = setInterval(() => {
      void this.#drain();
    }, options.flushIntervalMs);
    this.#timer.unref();
    // what a replica left in the stream when it died waits no longer than this start
    void this.#drain();
  }

  /** This replica's name in the consumer group. */
  get consumer(): string {
    return this.#consumer;
  }

  record(record: UsageRecord): Promise<void> {
    const [valid, changed] = validRecord(withRecordId(record));
    if (changed) {
      this.#options.logger.warn(
        `Usage metering: record of call ${
          record.requestId ?? '(no id)'
        } had invalid values; metered as corrected`,
      );
    }
    this.#adding.add(valid);
    const added = this.#client
      .xAdd(this.#options.streamKey, '*', { r: JSON.stringify(valid) })
      .then(
        id => {
          this.#added.set(id, valid);
          if (this.#redisFailing) {
            this.#redisFailing = false;
            this.#options.logger.info(
              'Usage metering: Redis takes records again',
            );
          }
        },
        error => {
          if (!this.#redisFailing) {
            this.#redisFailing = true;
            this.#options.logger.error(
              `Usage metering: Redis refused a record (${error}); records are kept in this replica's memory until written, and are lost if it crashes before`,
            );
          }
          return this.#fallback.record(valid);
        },
      )
      .finally(() => {
        this.#adding.delete(valid);
        this.#inFlight.delete(added);
      });
    this.#inFlight.add(added);
    return added;
  }

  unwritten(): readonly UsageRecord[] {
    return [
      ...this.#adding,
      ...this.#added.values(),
      ...this.#fallback.unwritten(),
    ];
  }

  async flush(): Promise<void> {
    await Promise.all(this.#inFlight);
    await this.#drain();
    await this.#fallback.flush();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.flush().catch(() => {});
    await this.#fallback.close();
    try {
      const pending = await this.#client.xPending(
        this.#options.streamKey,
        GROUP,
      );
      const mine = pending.consumers?.some(c => c.name === this.#consumer);
      if (!mine) {
        await this.#client.sendCommand([
          'XGROUP',
          'DELCONSUMER',
          this.#options.streamKey,
          GROUP,
          this.#consumer,
        ]);
      }
      await this.#client.quit();
    } catch {
      await this.#client.disconnect().catch(() => {});
    }
  }

  /** Drains until the stream has nothing more for this replica (one drain at a time). */
  #drain(): Promise<void> {
    if (!this.#draining) {
      this.#draining = (async () => {
        try {
          while ((await this.#drainBatch()) === this.#options.batchSize);
          await this.#forgetWritten();
        } catch (error) {
          this.#options.logger.warn(
            `Usage metering: draining the usage stream failed, will retry: ${error}`,
          );
        }
      })().finally(() => {
        this.#draining = undefined;
      });
    }
    return this.#draining;
  }

  /** Inserts one batch (taken over, then new entries) and acknowledges it; answers its size. */
  async #drainBatch(): Promise<number> {
    const { streamKey, batchSize, claimIdleMs } = this.#options;
    const claimed = await this.#client.xAutoClaim(
      streamKey,
      GROUP,
      this.#consumer,
      claimIdleMs,
      this.#claimCursor,
      { COUNT: batchSize },
    );
    this.#claimCursor = String(claimed.nextId);
    const entries = claimed.messages.flatMap(m => (m ? [m] : []));
    if (entries.length < batchSize) {
      const fresh = await this.#client.xReadGroup(
        GROUP,
        this.#consumer,
        { key: streamKey, id: '>' },
        { COUNT: batchSize - entries.length },
      );
      entries.push(...(fresh?.[0]?.messages ?? []));
    }
    if (entries.length === 0) return 0;
    const records: UsageRecord[] = [];
    for (const { id, message } of entries) {
      try {
        records.push(JSON.parse(message.r));
      } catch {
        // acknowledged below all the same: an entry no replica can read would block none
        this.#options.logger.error(
          `Usage metering: stream entry ${id} is not a usage record; dropped`,
        );
      }
    }
    await this.#options.store.insert(records);
    const ids = entries.map(e => e.id);
    await this.#client.xAck(streamKey, GROUP, ids);
    await this.#client.xDel(streamKey, ids);
    for (const id of ids) this.#added.delete(id);
    return entries.length;
  }

  /**
   * Drops from `unwritten` the records another replica wrote: an entry is in the database once
   * the group has delivered it and it is no longer pending.
   */
  async #forgetWritten() {
    if (this.#added.size === 0) return;
    const { streamKey } = this.#options;
    const [groups, pending] = await Promise.all([
      this.#client.xInfoGroups(streamKey),
      this.#client.xPending(streamKey, GROUP),
    ]);
    const delivered = groups.find(g => g.name === GROUP)?.lastDeliveredId;
    if (!delivered) return;
    const firstPending = pending.firstId ? String(pending.firstId) : undefined;
    for (const id of this.#added.keys()) {
      if (
        compareIds(id, String(delivered)) <= 0 &&
        (!firstPending || compareIds(id, firstPending) < 0)
      ) {
        this.#added.delete(id);
      }
    }
  }
}
