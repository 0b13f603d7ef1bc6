import type { Config } from '@backstage/config';
import { ConfigProblem } from '../configProblem';
import type { LevelDefinition } from './score';

const KEY = 'genaiInsights.compliance';

/** `genaiInsights.compliance`: the levels, the registries allowed, the cache and the history kept. */
export interface ComplianceConfig {
  /** From the lowest; each needs its checks and those of the levels below. */
  levels: LevelDefinition[];
  /** Whether config named the levels (else they are the defaults). */
  levelsConfigured: boolean;
  /** Registries containers may pull from; empty: any. */
  allowedRegistries: string[];
  /** How long an evaluation is answered before the cluster is read again. */
  cacheSeconds: number;
  /** The GPU pools and the workload type each is for (the node label value is the name). */
  pools: Array<{ name: string; workloadType: string }>;
  /** Days of compliance history kept before today (the daily snapshots). */
  historyDays: number;
}

/** The levels when config names none. */
export const DEFAULT_LEVELS: LevelDefinition[] = [
  {
    name: 'Bronze',
    checks: ['required-labels', 'quota-gpu', 'cost-annotations'],
  },
  {
    name: 'Silver',
    checks: [
      'pod-security-restricted',
      'network-default-deny',
      'network-ingress-allowed-only',
    ],
  },
  { name: 'Gold', checks: '*' },
];

/** The playground's pools when config names none. */
export const DEFAULT_POOLS = [
  { name: 'mi355x', workloadType: 'inference' },
  { name: 'mi300x', workloadType: 'blueprint' },
];

/** Reads `genaiInsights.compliance` (the `genaiInsights` config given); a bad value names its key. */
export function readComplianceConfig(
  config: Config | undefined,
): ComplianceConfig {
  const section = config?.getOptionalConfig('compliance');
  const levelConfigs = section?.getOptionalConfigArray('levels');
  const levels: LevelDefinition[] = levelConfigs
    ? levelConfigs.map((level, i) => {
        const at = `${KEY}.levels[${i}]`;
        const name = level.getOptionalString('name');
        if (!name?.trim()) throw new ConfigProblem(`${at}.name`, 'is missing');
        const raw = level.getOptional('checks');
        if (raw === '*') return { name, checks: '*' };
        if (
          !Array.isArray(raw) ||
          raw.some(id => typeof id !== 'string' || !id.trim())
        ) {
          throw new ConfigProblem(
            `${at}.checks`,
            "must be a list of check ids or '*'",
          );
        }
        return { name, checks: raw as string[] };
      })
    : DEFAULT_LEVELS;
  if (levelConfigs && levels.length === 0) {
    throw new ConfigProblem(`${KEY}.levels`, 'must name at least one level');
  }
  const allowedRegistries =
    section?.getOptionalStringArray('allowedRegistries') ?? [];
  const cacheSeconds = section?.getOptionalNumber('cacheSeconds') ?? 60;
  if (
    !(
      Number.isFinite(cacheSeconds) &&
      cacheSeconds >= 0 &&
      cacheSeconds <= 86_400
    )
  ) {
    throw new ConfigProblem(
      `${KEY}.cacheSeconds`,
      `must be from 0 to 86400 seconds, got ${cacheSeconds}`,
    );
  }
  const poolConfigs = section?.getOptionalConfigArray('pools');
  const pools = poolConfigs
    ? poolConfigs.map((pool, i) => ({
        name: pool.getString('name'),
        workloadType:
          pool.getOptionalString('workloadType') ??
          (() => {
            throw new ConfigProblem(
              `${KEY}.pools[${i}].workloadType`,
              'is missing',
            );
          })(),
      }))
    : DEFAULT_POOLS;
  return {
    levels,
    levelsConfigured: Boolean(levelConfigs),
    allowedRegistries,
    cacheSeconds,
    pools,
    historyDays: readHistoryDays(section),
  };
}

/**
 * `historyDays`: a whole number of days from 1 to 3650 (ten years), default a year. A value that
 * is not one (a fraction, a word) is refused rather than rounded: a typo should not quietly keep
 * a different history.
 */
function readHistoryDays(section: Config | undefined): number {
  const key = `${KEY}.historyDays`;
  const raw = section?.getOptional('historyDays');
  if (raw === undefined) return 365;
  // Values substituted from the environment arrive as strings.
  const days =
    typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : raw;
  if (
    typeof days !== 'number' ||
    !Number.isInteger(days) ||
    days < 1 ||
    days > 3650
  ) {
    throw new ConfigProblem(
      key,
      `must be a whole number of days from 1 to 3650, got ${JSON.stringify(
        raw,
      )}`,
    );
  }
  return days;
}

/**
 * The levels' problems against the checks modules added, as a ConfigProblem naming the key: a
 * level naming a check nobody added stops the backend at start-up.
 */
export function assertLevels(problems: string[]): void {
  if (problems.length) {
    throw new ConfigProblem(`${KEY}.levels`, problems.join('; '));
  }
}
