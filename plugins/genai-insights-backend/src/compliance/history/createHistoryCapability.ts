import type {
  DatabaseService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { Capability } from '../../collect/createCollectorCapability';
import type { InsightsConfig } from '../../config';
import type { ComplianceService } from '../ComplianceService';
import { DatabaseHistoryStore } from './DatabaseHistoryStore';
import { HistorySnapshotter } from './HistorySnapshotter';

export interface HistoryCapabilityOptions {
  config: Pick<InsightsConfig, 'cluster' | 'compliance'>;
  /** The plugin's database, migrated. */
  database: DatabaseService;
  compliance: Pick<ComplianceService, 'current'>;
  logger: LoggerService;
  clock?: () => Date;
}

/**
 * Compliance history: the store `GET /compliance/history` reads and, with a cluster to
 * evaluate, the hourly task keeping today's snapshot. Without a cluster every snapshot would be
 * empty, so nothing is scheduled and the history stays as it was.
 */
export async function createHistoryCapability(
  options: HistoryCapabilityOptions,
): Promise<Capability & { store: DatabaseHistoryStore }> {
  const { config } = options;
  const store = await DatabaseHistoryStore.create(options);
  if (!config.cluster) return { store, tasks: [] };
  const snapshotter = new HistorySnapshotter({
    compliance: options.compliance,
    store,
    historyDays: config.compliance.historyDays,
    logger: options.logger,
    clock: options.clock,
  });
  return { store, tasks: [snapshotter.task()] };
}
