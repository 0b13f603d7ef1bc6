import type { LoggerService } from '@backstage/backend-plugin-api';
import { randomUUID } from 'node:crypto';
import type { UsageRecorder } from './UsageRecorder';
import type { UsageRecord, UsageStore } from './UsageStore';
import { validRecord } from './validRecord';

export interface MemoryUsageRecorderOptions {
  store: UsageStore;
  logger: LoggerService;
  /** Flush at least this often (ms). */
  flushIntervalMs: number;
  /** Flush as soon as this many records wait. */
  batchSize: number;
  /** Records kept while the database is down; the oldest are dropped beyond it (and logged). */
  maxBuffered?: number;
}

/**
 * Takes metered calls off the request path: `record` only appends to a buffer; a timer writes
 * the buffer in one batch every `flushIntervalMs`, or sooner once `batchSize` records wait.
 * A failed write keeps the records for the next flush. `close()` (the plugin's shutdown hook)
 * writes what is left, so an acknowledged call is not lost on a clean shutdown; a crash
 * (SIGKILL, OOM) loses what waits, up to `flushIntervalMs` of calls. That is the mode without
 * Redis (development, tests, one replica); with Redis, RedisUsageRecorder writes ahead instead.
 */
export class MemoryUsageRecorder implements UsageRecorder {
  #buffer: UsageRecord[] = [];
  /** The batch being written (neither buffered nor in the database yet). */
  #writing: UsageRecord[] = [];
  #flushing: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  readonly #options: MemoryUsageRecorderOptions;
  readonly #maxBuffered: number;

  constructor(options: MemoryUsageRecorderOptions) {
    this.#options = options;
    this.#maxBuffered = options.maxBuffered ?? 100_000;
    this.#timer = setInterval(() => {
      void this.flush();
    }, options.flushIntervalMs);
    this.#timer.unref();
  }

  /**
   * Queues a call's record, made valid first (see validRecord) and given its `recordId`. Resolves
   * at once: the record lives in this process's memory until the next flush. After close() it is
   * written to the database straight away.
   */
  async record(record: UsageRecord): Promise<void> {
    const [valid, changed] = validRecord(withRecordId(record));
    if (changed) {
      this.#options.logger.warn(
        `Usage metering: record of call ${
          record.requestId ?? '(no id)'
        } had invalid values; metered as corrected`,
      );
    }
    if (this.#closed) {
      // after shutdown's flush (a call that outran the drain): nothing would write it later
      await this.#options.store.insert([valid]).catch(error => {
        this.#options.logger.error(
          `Usage metering: record of call ${
            record.requestId ?? '(no id)'
          } arrived after shutdown and could not be written: ${error}`,
        );
      });
      return;
    }
    this.#buffer.push(valid);
    if (this.#buffer.length >= this.#options.batchSize && !this.#flushing) {
      void this.flush();
    }
  }

  /** Records waiting to be written. */
  get pending(): number {
    return this.#buffer.length;
  }

  /** Records not in the database yet: buffered or being written (budgets are seeded with them). */
  unwritten(): readonly UsageRecord[] {
    return this.#writing.length
      ? this.#writing.concat(this.#buffer)
      : this.#buffer;
  }

  /** Writes what is buffered now (waits for a flush in progress first). */
  async flush(): Promise<void> {
    while (this.#flushing) await this.#flushing;
    if (this.#buffer.length === 0) return;
    const batch = this.#buffer;
    this.#buffer = [];
    this.#writing = batch;
    this.#flushing = this.#options.store.insert(batch).then(
      () => {
        this.#writing = [];
      },
      error => {
        this.#writing = [];
        this.#buffer = batch.concat(this.#buffer);
        const over = this.#buffer.length - this.#maxBuffered;
        if (over > 0) {
          this.#buffer.splice(0, over);
          this.#options.logger.error(
            `Usage metering: dropped ${over} records, the database has been failing`,
          );
        }
        this.#options.logger.warn(
          `Usage metering: could not write ${batch.length} records, will retry: ${error}`,
        );
      },
    );
    try {
      await this.#flushing;
    } finally {
      this.#flushing = undefined;
    }
  }

  /** Stops the timer and writes the rest (retrying a few times). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    for (let attempt = 0; attempt < 3 && this.#buffer.length > 0; attempt++) {
      await this.flush();
    }
    if (this.#buffer.length > 0) {
      this.#options.logger.error(
        `Usage metering: ${
          this.#buffer.length
        } records could not be written at shutdown`,
      );
    }
  }
}

/** The record with an id of its own, if it has none yet (see UsageRecord.recordId). */
export function withRecordId(record: UsageRecord): UsageRecord {
  return record.recordId ? record : { ...record, recordId: randomUUID() };
}
