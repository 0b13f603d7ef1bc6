import { toMicros } from '@genai-portal/plugin-genai-insights-common';
import {
  HOURS_PER_MONTH,
  poolRates,
  tokenRates,
  type RateCard,
  type RateVersion,
} from '../src/rates/RateCard';

/** How big a history the benchmark generates. */
export interface BenchScale {
  days: number;
  environments: number;
  teams: number;
  /** End of the history (exclusive), a UTC midnight. */
  end: string;
}

export const DEFAULT_SCALE: BenchScale = {
  days: 90,
  environments: 500,
  teams: 40,
  end: '2026-12-16T00:00:00.000Z',
};

/** One environment of the generated history: its owner, quota and habits. */
export interface BenchEnvironment {
  index: number;
  id: string;
  team: string;
  costCenter: string;
  pool: 'mi300x' | 'mi355x';
  gpus: number;
  cpu: number;
  memoryGi: number;
  storageGi: number;
  /** Models its applications call. */
  models: string[];
  /** Part of its jobs runs on spot nodes (mi300x only). */
  spot: boolean;
  /** Share of hours its jobs and pods run. */
  activity: number;
  /** Share of hours it calls each of its models. */
  tokenActivity: number;
  /** Monthly budget from its lifecycle, in currency units. */
  monthlyBudget?: number;
}

export interface Scenario {
  scale: BenchScale;
  /** Start of the history, a UTC midnight. */
  start: string;
  teams: string[];
  costCenters: string[];
  environments: BenchEnvironment[];
  /** The model each team's keys call without an environment. */
  teamModels: string[];
  rateCard: RateCard;
}

export const MODELS = [
  'llama-3.3-70b',
  'qwen3-32b',
  'mixtral-8x22b',
  'deepseek-r1',
  'gpt-oss-120b',
];

/** GPUs per environment, cycled: 2 on average, so 500 environments hold a 1,000-GPU cluster. */
const GPUS = [1, 1, 2, 2, 1, 4, 2, 3];

/** A deterministic number in [0, 1) for a pair of integers. */
export function noise(a: number, b: number): number {
  const x = Math.sin(a * 12.9898 + b * 78.233) * 43758.5453;
  return x - Math.floor(x);
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** The rate card of the benchmark: the playground's default prices, spot and token prices. */
export function benchRateCard(): RateCard {
  const version: RateVersion = {
    from: '2026-01-01T00:00:00.000Z',
    pools: new Map([
      ['mi355x', { gpuHour: toMicros(4.1), spotGpuHour: toMicros(4.1) }],
      ['mi300x', { gpuHour: toMicros(2.9), spotGpuHour: toMicros(1.2) }],
    ]),
    cpuCoreHour: toMicros(0.04),
    memoryGiHour: toMicros(0.005),
    storageGiMonth: toMicros(0.08),
    tokens: new Map([
      [
        'llama-3.3-70b',
        { inputPerMillion: 150_000, outputPerMillion: 600_000 },
      ],
      ['qwen3-32b', { inputPerMillion: 100_000, outputPerMillion: 400_000 }],
      [
        'mixtral-8x22b',
        { inputPerMillion: 300_000, outputPerMillion: 900_000 },
      ],
      [
        'deepseek-r1',
        { inputPerMillion: 550_000, outputPerMillion: 2_190_000 },
      ],
      ['*', { inputPerMillion: 1_000_000, outputPerMillion: 2_000_000 }],
    ]),
  };
  return {
    versions: [version],
    spotNodeLabels: { 'node.kubernetes.io/capacity-type': 'spot' },
  };
}

/** Teams, cost centers and environments of a history of this scale. */
export function scenario(scale: BenchScale): Scenario {
  const teams = Array.from(
    { length: scale.teams },
    (_, t) => `group:default/team-${pad(t + 1, 2)}`,
  );
  const costCenterCount = Math.max(1, Math.min(12, Math.ceil(scale.teams / 3)));
  const costCenters = Array.from(
    { length: costCenterCount },
    (_, c) => `CC-${100 + c}`,
  );
  const environments = Array.from(
    { length: scale.environments },
    (_, i): BenchEnvironment => {
      // Environment j of team t; what varies within a team goes by j + t.
      const t = i % scale.teams;
      const j = Math.floor(i / scale.teams) + t;
      const gpus = GPUS[j % GPUS.length];
      const pool = j % 5 < 3 ? 'mi300x' : 'mi355x';
      // Most environments are charged to their team's cost center, some to a shared one.
      const cc = j % 5 === 4 ? (t + 5) % costCenterCount : t % costCenterCount;
      const models = [MODELS[j % MODELS.length]];
      if (j % 3 === 0) models.push(MODELS[(j + 2) % MODELS.length]);
      return {
        index: i,
        id: `${teams[t].slice('group:default/'.length)}-env-${pad(i + 1, 4)}`,
        team: teams[t],
        costCenter: costCenters[cc],
        pool,
        gpus,
        cpu: 12 * gpus,
        memoryGi: 96 * gpus,
        storageGi: 250 * (1 + (i % 8)),
        models,
        spot: pool === 'mi300x' && j % 4 === 0,
        activity: 0.5 + 0.45 * noise(i, 1),
        tokenActivity: 0.4 + 0.55 * noise(i, 2),
        monthlyBudget: j % 3 === 0 ? gpus * 2500 : undefined,
      };
    },
  );
  const start = new Date(
    Date.parse(scale.end) - scale.days * 86_400_000,
  ).toISOString();
  return {
    scale,
    start,
    teams,
    costCenters,
    environments,
    teamModels: teams.map((_, t) => MODELS[(t + 1) % MODELS.length]),
    rateCard: benchRateCard(),
  };
}

/** The prices the generator writes into rows, taken from the rate card as computeLedger does. */
export function ratesOf(card: RateCard) {
  const v = card.versions[0];
  return {
    gpu: (pool: string) => poolRates(v, pool),
    tokens: (model: string) => tokenRates(v, model),
    cpuCoreHour: v.cpuCoreHour,
    memoryGiHour: v.memoryGiHour,
    storageGiMonth: v.storageGiMonth,
    storagePer: HOURS_PER_MONTH,
  };
}
