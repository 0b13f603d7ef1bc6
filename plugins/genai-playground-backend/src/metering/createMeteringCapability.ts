import type {
  DatabaseService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { Capability } from '../lib/Capability';
import type { PermissionGate } from '../permissions/PermissionGate';
import { DatabaseUsageStore } from './DatabaseUsageStore';
import { MemoryUsageRecorder } from './MemoryUsageRecorder';
import { RedisUsageRecorder } from './RedisUsageRecorder';
import type { UsageRecorder } from './UsageRecorder';
import { UsageService } from './UsageService';

/**
 * Metering: every gateway call's tokens and cost, written in batches (`recorder`: through a Redis
 * stream shared by the replicas when `redis` is given, so that records outlive a crash; else
 * buffered in memory), kept in `store`, and reported per team, environment, model or key
 * (`service`).
 */
export async function createMeteringCapability(options: {
  database: DatabaseService;
  gate: PermissionGate;
  currency: string;
  flushIntervalMs: number;
  batchSize: number;
  logger: LoggerService;
  redis?: { url: string; streamKey: string; claimIdleMs: number };
}): Promise<
  Capability & {
    service: UsageService;
    recorder: UsageRecorder;
    store: DatabaseUsageStore;
  }
> {
  const { gate, currency, flushIntervalMs, batchSize, logger } = options;
  const store = await DatabaseUsageStore.create({ database: options.database });
  const recorder: UsageRecorder = options.redis
    ? await RedisUsageRecorder.connect({
        ...options.redis,
        store,
        logger,
        flushIntervalMs,
        batchSize,
      })
    : new MemoryUsageRecorder({ store, logger, flushIntervalMs, batchSize });
  const service = new UsageService({ store, gate, currency });
  return { service, recorder, store };
}
