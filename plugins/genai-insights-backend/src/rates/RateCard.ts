import type { Micros } from '@genai-portal/plugin-genai-insights-common';

/** GPU prices of one pool, in micros per GPU-hour. */
export interface PoolRates {
  gpuHour: Micros;
  spotGpuHour: Micros;
}

/** Token prices of one model, in micros per million tokens. */
export interface TokenRates {
  inputPerMillion: Micros;
  outputPerMillion: Micros;
}

/** One version of the rate card, in effect from `from` until the next version. */
export interface RateVersion {
  /** ISO time, on a whole hour. */
  from: string;
  /** Pool name (or `*`) to its GPU prices. */
  pools: Map<string, PoolRates>;
  cpuCoreHour: Micros;
  memoryGiHour: Micros;
  /** Per GiB for a month of HOURS_PER_MONTH hours. */
  storageGiMonth: Micros;
  /** Model name (or `*`) to its token prices. */
  tokens: Map<string, TokenRates>;
}

/** The rate card: its versions oldest first, and how spot nodes are labelled. */
export interface RateCard {
  versions: RateVersion[];
  spotNodeLabels: Record<string, string>;
}

/** Storage is priced per GiB-month; a month is 730 hours (8,760 / 12), as cloud price lists do. */
export const HOURS_PER_MONTH = 730;

/**
 * The version in effect at `at` (the start of an hour): the latest whose `from` is not after it,
 * so a new version never reprices the hours before it. Hours before the first version are
 * priced by the first.
 */
export function rateAt(card: RateCard, at: string): RateVersion {
  const t = Date.parse(at);
  let found = card.versions[0];
  for (const version of card.versions) {
    if (Date.parse(version.from) <= t) found = version;
  }
  return found;
}

/** A pool's GPU prices, the `*` entry's for pools not listed, else free (priced 0). */
export function poolRates(version: RateVersion, pool: string): PoolRates {
  return (
    version.pools.get(pool) ??
    version.pools.get('*') ?? { gpuHour: 0, spotGpuHour: 0 }
  );
}

/** A model's token prices, the `*` entry's for models not listed, else free (priced 0). */
export function tokenRates(version: RateVersion, model: string): TokenRates {
  return (
    version.tokens.get(model) ??
    version.tokens.get('*') ?? { inputPerMillion: 0, outputPerMillion: 0 }
  );
}

/** Whether a node with these labels is spot capacity. */
export function isSpot(
  card: RateCard,
  nodeLabels: Record<string, string> | undefined,
): boolean {
  const wanted = Object.entries(card.spotNodeLabels);
  if (wanted.length === 0 || !nodeLabels) return false;
  return wanted.every(([name, value]) => nodeLabels[name] === value);
}
