import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import type { Config } from '@backstage/config';
import {
  toMicros,
  type CostBasis,
} from '@genai-portal/plugin-genai-insights-common';
import type {
  PoolRates,
  RateCard,
  RateVersion,
  TokenRates,
} from './rates/RateCard';
import { ConfigProblem } from './configProblem';
import {
  readGpuConfig,
  readPrometheusConnection,
  type GpuConfig,
  type PrometheusConnection,
} from './gpu/config';
import {
  readComplianceConfig,
  type ComplianceConfig,
} from './compliance/config';

const ROOT = 'genaiInsights';

/** The plugin's configuration, read and checked. */
export interface InsightsConfig {
  currency: string;
  chargeback: CostBasis;
  rateCard: RateCard;
  collector: {
    /** Seconds between runs of the collector. */
    frequencySeconds: number;
  };
  /** The cluster whose pods are collected; absent: pods are not collected. */
  cluster?: ClusterConnection;
  notifications: {
    enabled: boolean;
    /** Group refs notified of cost-center budgets (the playground's admins). */
    adminGroups: string[];
  };
  /** Where GPU activity is read; absent: GPU utilization shows allocation only. */
  prometheus?: PrometheusConnection;
  gpu: GpuConfig;
  /** The compliance scorecards: levels, registries allowed, cache. */
  compliance: ComplianceConfig;
}

/** How the cluster collector reaches the Kubernetes API. */
export interface ClusterConnection {
  url: string;
  token: string;
  caData?: string;
  skipTLSVerify: boolean;
  /** The config key it was read from, for messages. */
  source: string;
}

export { ConfigProblem } from './configProblem';

/** The playground's default prices, so the ledger agrees with the projections it shows. */
const DEFAULT_VERSION = {
  from: '1970-01-01T00:00:00.000Z',
  pools: [
    { name: 'mi355x', gpuHour: 4.1 },
    { name: 'mi300x', gpuHour: 2.9 },
  ],
  cpuCoreHour: 0.04,
  memoryGiHour: 0.005,
  storageGiMonth: 0.08,
  tokens: [] as Array<{
    model: string;
    inputPerMillion: number;
    outputPerMillion: number;
  }>,
};

function price(
  config: Config | undefined,
  path: string,
  key: string,
  fallback?: number,
): number {
  const value = config?.getOptionalNumber(path) ?? fallback;
  if (value === undefined) throw new ConfigProblem(`${key}.${path}`, 'missing');
  if (!Number.isFinite(value) || value < 0) {
    throw new ConfigProblem(
      `${key}.${path}`,
      `must be a price of at least 0, got ${value}`,
    );
  }
  return value;
}

function readVersion(config: Config | undefined, key: string): RateVersion {
  const from = config ? config.getString('from') : DEFAULT_VERSION.from;
  const t = Date.parse(from);
  if (Number.isNaN(t)) {
    throw new ConfigProblem(`${key}.from`, `not an ISO 8601 time: '${from}'`);
  }
  if (t % 3_600_000 !== 0) {
    throw new ConfigProblem(
      `${key}.from`,
      `must be on a whole hour (the ledger prices whole hours), got '${from}'`,
    );
  }
  const pools = new Map<string, PoolRates>();
  const poolConfigs = config?.getOptionalConfigArray('pools');
  if (poolConfigs) {
    poolConfigs.forEach((pool, i) => {
      const at = `${key}.pools[${i}]`;
      const name = pool.getString('name');
      if (pools.has(name)) {
        throw new ConfigProblem(`${at}.name`, `pool '${name}' is listed twice`);
      }
      const gpuHour = price(pool, 'gpuHour', at);
      const spotGpuHour = price(pool, 'spotGpuHour', at, gpuHour);
      pools.set(name, {
        gpuHour: toMicros(gpuHour),
        spotGpuHour: toMicros(spotGpuHour),
      });
    });
  } else {
    for (const pool of DEFAULT_VERSION.pools) {
      pools.set(pool.name, {
        gpuHour: toMicros(pool.gpuHour),
        spotGpuHour: toMicros(pool.gpuHour),
      });
    }
  }
  const tokens = new Map<string, TokenRates>();
  (config?.getOptionalConfigArray('tokens') ?? []).forEach((model, i) => {
    const at = `${key}.tokens[${i}]`;
    const name = model.getString('model');
    if (tokens.has(name)) {
      throw new ConfigProblem(`${at}.model`, `model '${name}' is listed twice`);
    }
    tokens.set(name, {
      inputPerMillion: toMicros(price(model, 'inputPerMillion', at)),
      outputPerMillion: toMicros(price(model, 'outputPerMillion', at)),
    });
  });
  return {
    from: new Date(t).toISOString(),
    pools,
    cpuCoreHour: toMicros(
      price(config, 'cpuCoreHour', key, DEFAULT_VERSION.cpuCoreHour),
    ),
    memoryGiHour: toMicros(
      price(config, 'memoryGiHour', key, DEFAULT_VERSION.memoryGiHour),
    ),
    storageGiMonth: toMicros(
      price(config, 'storageGiMonth', key, DEFAULT_VERSION.storageGiMonth),
    ),
    tokens,
  };
}

function readRateCard(config: Config | undefined): RateCard {
  const key = `${ROOT}.rateCard`;
  const spotNodeLabels: Record<string, string> = {};
  (config?.getOptionalConfigArray('spotNodeLabels') ?? []).forEach(
    (label, i) => {
      const name = label.getString('name');
      if (Object.prototype.hasOwnProperty.call(spotNodeLabels, name)) {
        throw new ConfigProblem(
          `${key}.spotNodeLabels[${i}].name`,
          `label '${name}' is listed twice`,
        );
      }
      spotNodeLabels[name] = label.getString('value');
    },
  );
  const versionConfigs = config?.getOptionalConfigArray('versions');
  if (versionConfigs && versionConfigs.length === 0) {
    throw new ConfigProblem(`${key}.versions`, 'needs at least one version');
  }
  const versions = versionConfigs
    ? versionConfigs.map((v, i) => readVersion(v, `${key}.versions[${i}]`))
    : [readVersion(undefined, `${key}.versions[0]`)];
  for (let i = 1; i < versions.length; i++) {
    if (Date.parse(versions[i].from) <= Date.parse(versions[i - 1].from)) {
      throw new ConfigProblem(
        `${key}.versions[${i}].from`,
        `must be after versions[${i - 1}].from (${
          versions[i - 1].from
        }): list versions oldest first`,
      );
    }
  }
  return { versions, spotNodeLabels };
}

function clusterUrl(url: string, key: string): string {
  if (!/^https?:\/\/[^/]/.test(url)) {
    throw new ConfigProblem(
      key,
      `must be an http:// or https:// URL of the Kubernetes API, got '${url}'`,
    );
  }
  return url.replace(/\/+$/, '');
}

/**
 * `genaiInsights.cluster`, else the playground's own cluster: `genaiPlayground.cluster` names an
 * entry of `kubernetes.clusterLocatorMethods` (type config) holding its url and token, and
 * `genaiPlayground.serviceAccountToken` overrides that token. Nothing configured: undefined.
 */
function readCluster(root: Config): ClusterConnection | undefined {
  const own = root.getOptionalConfig(`${ROOT}.cluster`);
  if (own) {
    const key = `${ROOT}.cluster`;
    const token = own.getOptionalString('token');
    if (!token) throw new ConfigProblem(`${key}.token`, 'missing');
    return {
      url: clusterUrl(own.getString('url'), `${key}.url`),
      token,
      caData: own.getOptionalString('caData') || undefined,
      skipTLSVerify: own.getOptionalBoolean('skipTLSVerify') ?? false,
      source: key,
    };
  }
  const name = root.getOptionalString('genaiPlayground.cluster');
  if (!name) return undefined;
  const cluster = (
    root.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? []
  )
    .filter(m => m.getOptionalString('type') === 'config')
    .flatMap(m => m.getOptionalConfigArray('clusters') ?? [])
    .find(c => c.getOptionalString('name') === name);
  const url = cluster?.getOptionalString('url');
  const token =
    root.getOptionalString('genaiPlayground.serviceAccountToken') ||
    cluster?.getOptionalString('serviceAccountToken');
  // The playground checks its own cluster and stops the backend when it is wrong.
  if (!cluster || !url || !token) return undefined;
  return {
    url: clusterUrl(url, 'genaiPlayground.cluster'),
    token,
    caData: cluster.getOptionalString('caData') || undefined,
    skipTLSVerify: cluster.getOptionalBoolean('skipTLSVerify') ?? false,
    source: `genaiPlayground.cluster (${name})`,
  };
}

/** `genaiPlayground.adminGroups` as group refs; by default the platform team. */
function readAdminGroups(root: Config): string[] {
  const key = 'genaiPlayground.adminGroups';
  const refs = root.getOptionalStringArray(key) ?? [
    'group:default/platform-team',
  ];
  return refs.map((ref, i) => {
    try {
      const entity = parseEntityRef(ref, {
        defaultKind: 'group',
        defaultNamespace: 'default',
      });
      if (entity.kind.toLocaleLowerCase('en-US') === 'group') {
        return stringifyEntityRef(entity);
      }
    } catch {
      // reported below
    }
    throw new ConfigProblem(`${key}[${i}]`, `'${ref}' is not a group ref`);
  });
}

function readCollector(config: Config | undefined) {
  const key = `${ROOT}.collector.frequencySeconds`;
  const frequencySeconds =
    config?.getOptionalNumber('collector.frequencySeconds') ?? 30;
  if (
    !Number.isFinite(frequencySeconds) ||
    frequencySeconds < 1 ||
    frequencySeconds > 3600
  ) {
    throw new ConfigProblem(
      key,
      `must be a number of seconds from 1 to 3600, got ${frequencySeconds}`,
    );
  }
  return { frequencySeconds };
}

/**
 * Reads `genaiInsights`; a value the plugin cannot work with throws a ConfigProblem naming its
 * key, so the backend stops at start-up rather than pricing hours wrongly.
 */
export function readInsightsConfig(root: Config): InsightsConfig {
  const config = root.getOptionalConfig(ROOT);
  const currency = config?.getOptionalString('currency') ?? 'USD';
  if (!/^[A-Z]{3}$/.test(currency)) {
    throw new ConfigProblem(
      `${ROOT}.currency`,
      `must be an ISO 4217 code such as USD, got '${currency}'`,
    );
  }
  const chargeback = config?.getOptionalString('chargeback') ?? 'reserved';
  if (chargeback !== 'reserved' && chargeback !== 'used') {
    throw new ConfigProblem(
      `${ROOT}.chargeback`,
      `must be reserved or used, got '${chargeback}'`,
    );
  }
  return {
    currency,
    chargeback,
    rateCard: readRateCard(config?.getOptionalConfig('rateCard')),
    collector: readCollector(config),
    cluster: readCluster(root),
    notifications: {
      enabled: config?.getOptionalBoolean('notifications.enabled') ?? true,
      adminGroups: readAdminGroups(root),
    },
    prometheus: readPrometheusConnection(config),
    gpu: readGpuConfig(config),
    compliance: readComplianceConfig(config),
  };
}
