import type {
  DatabaseService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { Capability } from '../lib/Capability';
import type { PermissionGate } from '../permissions/PermissionGate';
import { DatabaseUsageStore } from './DatabaseUsageStore';
import { UsageRecorder } from './UsageRecorder';
import { UsageService } from './UsageService';

/**
 * Metering: every gateway call's tokens and cost, buffered and written in batches (`recorder`),
 * kept in `store`, and reported per team, environment, model or key (`service`).
 */
export async function createMeteringCapability(options: {
  database: DatabaseService;
  gate: PermissionGate;
  currency: string;
  flushIntervalMs: number;
  batchSize: number;
  logger: LoggerService;
}): Promise<
  Capability & {
    service: UsageService;
    recorder: UsageRecorder;
    store: DatabaseUsageStore;
  }
> {
  const { gate, currency, flushIntervalMs, batchSize, logger } = options;
  const store = await DatabaseUsageStore.create({ database: options.database });
  const recorder = new UsageRecorder({
    store,
    logger,
    flushIntervalMs,
    batchSize,
  });
  const service = new UsageService({ store, gate, currency });
  return { service, recorder, store };
}
