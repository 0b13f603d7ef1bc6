import type { UsageRecord } from './UsageStore';

/**
 * Where the gateway hands each metered call's record, on its way to the usage table. Two kinds:
 * MemoryUsageRecorder (one process; records wait in memory until the next flush) and
 * RedisUsageRecorder (records written ahead to a Redis stream shared by the replicas, so that
 * they outlive the replica that served the call).
 */
export interface UsageRecorder {
  /**
   * Takes a call's record. Resolves once the record is as safe as this recorder makes it (in the
   * Redis stream, or in memory); never rejects: a failure is logged and the record kept locally.
   * The gateway awaits it before it sends an answer's last bytes (acknowledged means recorded).
   */
  record(record: UsageRecord): Promise<void>;
  /** Records known not to be in the database yet: budgets count them as spent. */
  unwritten(): readonly UsageRecord[];
  /** Writes what waits now. */
  flush(): Promise<void>;
  /** Writes what is left and lets go of connections and timers (the plugin's shutdown). */
  close(): Promise<void>;
}
