import type { LoggerService } from '@backstage/backend-plugin-api';
import type { ComplianceCheck } from '@genai-portal/plugin-genai-insights-node';
import type { InsightsConfig } from '../config';
import { ClusterObjectsReader } from './ClusterObjectsReader';
import {
  ComplianceService,
  type EnvironmentObjectsReader,
  type WaiverSource,
} from './ComplianceService';
import { assertLevels } from './config';
import { levelProblems } from './score';
import { type IdleGpuSource, withIdleGpus } from './withIdleGpus';

export interface ComplianceServiceFactoryOptions {
  config: Pick<InsightsConfig, 'cluster' | 'gpu' | 'compliance'>;
  /** The checks modules added (the registry's list, complete at init). */
  checks: ComplianceCheck[];
  logger: LoggerService;
  /** For tests: a reader instead of the configured cluster's. */
  reader?: EnvironmentObjectsReader;
  /** The waivers in force, read at every answer; absent: nothing is waived. */
  waivers?: WaiverSource;
  /** The idle scan's open episodes, while it runs; absent: `gpu-not-idle` does not apply. */
  idleGpus?: IdleGpuSource;
  clock?: () => Date;
}

/**
 * The compliance scorecards' service: configured levels are checked against the checks added (a
 * level naming a check nobody added stops the backend, naming the key), the check context comes from
 * config, and the cluster is read with a ClusterObjectsReader; no cluster: empty scorecards.
 */
export function createComplianceService(
  options: ComplianceServiceFactoryOptions,
): ComplianceService {
  const { config, checks, logger } = options;
  const { compliance, gpu } = config;
  const ids = checks.map(c => c.id);
  // Levels config names must name checks some module added; the default levels keep the
  // built-in checks that are there (a backend without the built-in module still starts).
  const levels = compliance.levelsConfigured
    ? compliance.levels
    : compliance.levels.map(level => ({
        ...level,
        checks:
          level.checks === '*'
            ? level.checks
            : level.checks.filter(id => ids.includes(id)),
      }));
  assertLevels(levelProblems(levels, ids));
  const cluster =
    options.reader ??
    (config.cluster
      ? ClusterObjectsReader.fromCluster(config.cluster, { logger })
      : undefined);
  const reader = cluster && withIdleGpus(cluster, options.idleGpus);
  return new ComplianceService({
    reader,
    checks,
    levels,
    context: {
      allowedRegistries: compliance.allowedRegistries,
      pools: compliance.pools.map(pool => ({
        name: pool.name,
        nodeLabel: gpu.poolLabel,
        nodeLabelValue: pool.name,
        workloadType: pool.workloadType,
      })),
    },
    cacheSeconds: compliance.cacheSeconds,
    waivers: options.waivers,
    logger,
    clock: options.clock,
  });
}
