import type {
  DatabaseService,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type { Capability } from '../lib/Capability';
import type { PermissionGate } from '../permissions/PermissionGate';
import { readFactsFeedConfig } from './config';
import { DatabaseFactsFeedStore } from './DatabaseFactsFeedStore';
import { FactsService } from './FactsService';
import { createFactsRouter } from './router';

/**
 * The facts feed: environments' lifecycle, jobs' GPUs and token usage as facts for the
 * genai-insights ledger, read incrementally (`GET /facts`, under facts.read).
 */
export async function createFactsCapability(options: {
  database: DatabaseService;
  httpAuth: HttpAuthService;
  gate: Pick<PermissionGate, 'require'>;
  /** The root config: the feed reads `genaiPlayground.factsFeed`. */
  rootConfig: Config;
  /** inference.metering.flushIntervalMs: how long a metered call may wait to be written. */
  usageFlushMs: number;
  clock?: { now(): Date };
}): Promise<
  Capability & { service: FactsService; store: DatabaseFactsFeedStore }
> {
  const config = readFactsFeedConfig(options.rootConfig);
  const store = await DatabaseFactsFeedStore.create({
    database: options.database,
  });
  const service = new FactsService({
    store,
    gate: options.gate,
    settleSeconds: config.settleSeconds,
    usageFlushMs: options.usageFlushMs,
    clock: options.clock,
  });
  return {
    service,
    store,
    routes: [createFactsRouter({ httpAuth: options.httpAuth, facts: service })],
  };
}
