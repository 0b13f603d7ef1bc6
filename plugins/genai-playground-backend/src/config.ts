import type { Config } from '@backstage/config';
import { isIP } from 'node:net';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  GPU_POOLS,
  type GpuPool,
  type PlaygroundSettings,
  type RateCard,
  type TeamLimits,
} from '@genai-portal/plugin-genai-playground-common';
import { ConfigProblem, readNumber } from './lib/configReader';

/** The cluster environments live on, as configured under `kubernetes.clusterLocatorMethods`. */
export interface ClusterSettings {
  name: string;
  url: string;
  serviceAccountToken?: string;
  caData?: string;
  skipTLSVerify: boolean;
}

/** A team's caps, storage included (config may leave storageGi out: the default applies). */
export type TeamCaps = Required<TeamLimits>;

/** Everything the plugin reads from config, validated. */
export interface PlaygroundConfig {
  cluster: ClusterSettings;
  rateCard: RateCard;
  lease: {
    defaultTtlHours: number;
    maxTtlHours: number;
    notifyBeforeHours: number;
  };
  /** By group name; teams not listed get `defaultTeamLimits`. */
  teamLimits: Record<string, TeamCaps>;
  defaultTeamLimits: TeamCaps;
  /** Group entity refs, normalised. */
  adminGroups: string[];
  routerNamespaceSelector: Record<string, string>;
  gatewayNamespace: string;
  /** The portal's own rights in each environment namespace, when configured. */
  portalAccess?: PortalAccess;
  /** Where pods of playground namespaces may connect to, besides DNS, the gateway and each other. */
  egress: {
    /** IPv4 addresses outside the cluster (package downloads), except `exceptCidrs`. */
    internet: boolean;
    /** Ranges internet egress never reaches: the cluster's pod, service and node networks. */
    exceptCidrs: string[];
  };
  kubernetes: {
    requestTimeoutMs: number;
    retries: number;
    retryBaseDelayMs: number;
  };
  quotaCacheSeconds: number;
  database: {
    /** Switch the plugin's SQLite database to write-ahead logging (PostgreSQL is left alone). */
    sqliteWriteAheadLog: boolean;
  };
}

const KEY = 'genaiPlayground';

const DEFAULT_RATE_CARD: Omit<RateCard, 'currency'> = {
  gpuHour: { mi355x: 4.1, mi300x: 2.9 },
  cpuCoreHour: 0.04,
  memoryGiHour: 0.005,
  storageGiMonth: 0.08,
};

/**
 * Private, shared and link-local ranges: OpenShift's pod (10.128.0.0/14), service (172.30.0.0/16)
 * and usual node networks lie in them, and so does the cloud metadata address.
 */
const DEFAULT_EGRESS_EXCEPT = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '100.64.0.0/10',
  '169.254.0.0/16',
];

const DEFAULT_TEAM_LIMITS: TeamCaps = {
  gpus: 16,
  cpu: 128,
  memoryGi: 1024,
  storageGi: 10240,
  environments: 10,
};

/** The GPU pools as the portal presents them. */
export const POOL_DESCRIPTIONS: PlaygroundSettings['pools'] = [
  { pool: 'mi355x', title: 'AMD Instinct MI355X', workloadType: 'inference' },
  { pool: 'mi300x', title: 'AMD Instinct MI300X', workloadType: 'blueprint' },
];

function number(
  config: Config | undefined,
  path: string,
  fullKey: string,
  fallback: number,
  opts: { min?: number; integer?: boolean } = {},
): number {
  return readNumber(config, path, {
    key: `${KEY}.${fullKey}`,
    fallback,
    ...opts,
  });
}

function readCluster(
  root: Config,
  name: string,
  ownToken: string | undefined,
): ClusterSettings {
  const methods =
    root.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
  const clusters = methods
    .filter(m => m.getOptionalString('type') === 'config')
    .flatMap(m => m.getOptionalConfigArray('clusters') ?? []);
  const cluster = clusters.find(c => c.getOptionalString('name') === name);
  if (!cluster) {
    const known = clusters.map(c => c.getOptionalString('name')).join(', ');
    throw new ConfigProblem(
      `${KEY}.cluster`,
      `no cluster named '${name}' in kubernetes.clusterLocatorMethods (type config)${
        known ? `; configured clusters: ${known}` : ''
      }`,
    );
  }
  const url = cluster.getString('url');
  if (!/^https?:\/\//.test(url)) {
    throw new ConfigProblem(
      `${KEY}.cluster`,
      `the url of cluster '${name}' must start with http:// or https://, got '${url}'`,
    );
  }
  // The portal's own identity when it has one: the Kubernetes plugin's entry then holds a
  // read-only token, and users' reads never run with the identity that provisions.
  const serviceAccountToken =
    ownToken ?? cluster.getOptionalString('serviceAccountToken');
  if (!serviceAccountToken) {
    throw new ConfigProblem(
      `${KEY}.cluster`,
      `cluster '${name}' has no serviceAccountToken; the plugin acts on the cluster with it`,
    );
  }
  return {
    name,
    url: url.replace(/\/+$/, ''),
    serviceAccountToken,
    caData: cluster.getOptionalString('caData') || undefined,
    skipTLSVerify: cluster.getOptionalBoolean('skipTLSVerify') ?? false,
  };
}

/** Team names may hold dots, which config paths cannot address: the section is read whole. */
function readTeamLimits(section: unknown) {
  const teamLimits: Record<string, TeamCaps> = {};
  let defaultTeamLimits = DEFAULT_TEAM_LIMITS;
  if (section === undefined) return { teamLimits, defaultTeamLimits };
  if (
    typeof section !== 'object' ||
    section === null ||
    Array.isArray(section)
  ) {
    throw new ConfigProblem(
      `${KEY}.teamLimits`,
      'must map team names to limits',
    );
  }
  for (const [team, raw] of Object.entries(section)) {
    const key = `${KEY}.teamLimits.${team}`;
    const field = (
      name: keyof TeamLimits,
      integer: boolean,
      fallback?: number,
    ) => {
      const value = (raw as Record<string, unknown> | null)?.[name] ?? fallback;
      if (value === undefined)
        throw new ConfigProblem(`${key}.${name}`, 'missing');
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        throw new ConfigProblem(
          `${key}.${name}`,
          `must be a number of at least 0, got ${JSON.stringify(value)}`,
        );
      }
      if (integer && !Number.isInteger(value)) {
        throw new ConfigProblem(
          `${key}.${name}`,
          `must be a whole number, got ${value}`,
        );
      }
      return value;
    };
    const limits: TeamCaps = {
      gpus: field('gpus', true),
      cpu: field('cpu', false),
      memoryGi: field('memoryGi', false),
      // Optional: it came after the others, and configs written before it stay valid.
      storageGi: field('storageGi', false, DEFAULT_TEAM_LIMITS.storageGi),
      environments: field('environments', true),
    };
    if (team === 'default') defaultTeamLimits = limits;
    else teamLimits[team] = limits;
  }
  return { teamLimits, defaultTeamLimits };
}

/** An IPv4 CIDR, such as 10.0.0.0/8. */
function isIpv4Cidr(value: string): boolean {
  const [address, prefix, ...rest] = value.split('/');
  return (
    rest.length === 0 &&
    isIP(address ?? '') === 4 &&
    /^\d{1,2}$/.test(prefix ?? '') &&
    Number(prefix) <= 32
  );
}

function readEgress(section: Config | undefined): PlaygroundConfig['egress'] {
  const internet = section?.getOptionalBoolean('internet') ?? false;
  const exceptCidrs =
    section?.getOptionalStringArray('exceptCidrs') ?? DEFAULT_EGRESS_EXCEPT;
  exceptCidrs.forEach((cidr, i) => {
    if (!isIpv4Cidr(cidr)) {
      throw new ConfigProblem(
        `${KEY}.egress.exceptCidrs[${i}]`,
        `must be an IPv4 CIDR such as 10.0.0.0/8, got '${cidr}'`,
      );
    }
  });
  return { internet, exceptCidrs };
}

function groupRef(ref: string, key: string): string {
  try {
    const parsed = parseEntityRef(ref, {
      defaultKind: 'group',
      defaultNamespace: 'default',
    });
    if (parsed.kind.toLocaleLowerCase('en-US') !== 'group') {
      throw new Error(`'${ref}' is not a group`);
    }
    return stringifyEntityRef(parsed);
  } catch (e) {
    throw new ConfigProblem(key, (e as Error).message);
  }
}

/**
 * Reads and checks the `genaiPlayground` section (and the cluster it names). Throws an error
 * naming the key at fault, so the backend stops at start-up with a clear message.
 */
export function readPlaygroundConfig(root: Config): PlaygroundConfig {
  const config = root.getOptionalConfig(KEY);
  const clusterName = config?.getOptionalString('cluster');
  if (!clusterName) {
    throw new ConfigProblem(
      `${KEY}.cluster`,
      'missing: name the cluster of kubernetes.clusterLocatorMethods that environments are created on',
    );
  }
  const cluster = readCluster(
    root,
    clusterName,
    config?.getOptionalString('serviceAccountToken') || undefined,
  );

  const currency = config?.getOptionalString('currency') ?? 'USD';
  if (!/^[A-Z]{3}$/.test(currency)) {
    throw new ConfigProblem(
      `${KEY}.currency`,
      `must be a three-letter currency code such as USD, got '${currency}'`,
    );
  }
  const rc = config?.getOptionalConfig('rateCard');
  const gpuHour = {} as Record<GpuPool, number>;
  for (const pool of GPU_POOLS) {
    gpuHour[pool] = number(
      rc,
      `gpuHour.${pool}`,
      `rateCard.gpuHour.${pool}`,
      DEFAULT_RATE_CARD.gpuHour[pool],
    );
  }
  const rateCard: RateCard = {
    currency,
    gpuHour,
    cpuCoreHour: number(
      rc,
      'cpuCoreHour',
      'rateCard.cpuCoreHour',
      DEFAULT_RATE_CARD.cpuCoreHour,
    ),
    memoryGiHour: number(
      rc,
      'memoryGiHour',
      'rateCard.memoryGiHour',
      DEFAULT_RATE_CARD.memoryGiHour,
    ),
    storageGiMonth: number(
      rc,
      'storageGiMonth',
      'rateCard.storageGiMonth',
      DEFAULT_RATE_CARD.storageGiMonth,
    ),
  };

  const lc = config?.getOptionalConfig('lease');
  const intHours = { min: 1, integer: true };
  const lease = {
    defaultTtlHours: number(
      lc,
      'defaultTtlHours',
      'lease.defaultTtlHours',
      72,
      intHours,
    ),
    maxTtlHours: number(lc, 'maxTtlHours', 'lease.maxTtlHours', 720, intHours),
    notifyBeforeHours: number(
      lc,
      'notifyBeforeHours',
      'lease.notifyBeforeHours',
      24,
      { min: 0 },
    ),
  };
  if (lease.defaultTtlHours > lease.maxTtlHours) {
    throw new ConfigProblem(
      `${KEY}.lease.defaultTtlHours`,
      `${lease.defaultTtlHours} is above lease.maxTtlHours (${lease.maxTtlHours})`,
    );
  }

  const adminGroups = (config?.getOptionalStringArray('adminGroups') ?? []).map(
    (ref, i) => groupRef(ref, `${KEY}.adminGroups[${i}]`),
  );

  // Label keys hold dots and slashes, which config paths cannot address: read the whole map.
  const selector = config?.getOptional('routerNamespaceSelector') ?? {
    'network.openshift.io/policy-group': 'ingress',
  };
  if (
    typeof selector !== 'object' ||
    selector === null ||
    Array.isArray(selector) ||
    Object.values(selector).some(v => typeof v !== 'string')
  ) {
    throw new ConfigProblem(
      `${KEY}.routerNamespaceSelector`,
      'must map label keys to string values',
    );
  }
  const routerNamespaceSelector = selector as Record<string, string>;
  if (Object.keys(routerNamespaceSelector).length === 0) {
    throw new ConfigProblem(
      `${KEY}.routerNamespaceSelector`,
      'must hold at least one label, or an empty selector would admit every namespace',
    );
  }
  const gatewayNamespace =
    config?.getOptionalString('gatewayNamespace') ?? 'genai-portal';

  const egress = readEgress(config?.getOptionalConfig('egress'));
  const portalAccess = readPortalAccess(
    config?.getOptionalConfig('portalAccess'),
  );

  const kc = config?.getOptionalConfig('kubernetes');
  return {
    cluster,
    rateCard,
    lease,
    ...readTeamLimits(config?.getOptional('teamLimits')),
    adminGroups,
    routerNamespaceSelector,
    gatewayNamespace,
    ...(portalAccess ? { portalAccess } : {}),
    egress,
    kubernetes: {
      requestTimeoutMs: number(
        kc,
        'requestTimeoutMs',
        'kubernetes.requestTimeoutMs',
        10_000,
        { min: 1 },
      ),
      retries: number(kc, 'retries', 'kubernetes.retries', 3, {
        integer: true,
      }),
      retryBaseDelayMs: number(
        kc,
        'retryBaseDelayMs',
        'kubernetes.retryBaseDelayMs',
        250,
      ),
    },
    quotaCacheSeconds: number(
      config,
      'quotaCacheSeconds',
      'quotaCacheSeconds',
      10,
    ),
    database: {
      sqliteWriteAheadLog:
        config?.getOptionalBoolean('database.sqliteWriteAheadLog') ?? true,
    },
  };
}

/** The caps that apply to a team, by its group name. */
export function limitsOf(
  config: Pick<PlaygroundConfig, 'teamLimits' | 'defaultTeamLimits'>,
  teamName: string,
): TeamCaps {
  return config.teamLimits[teamName] ?? config.defaultTeamLimits;
}

/** What GET /settings answers. */
export function toSettings(config: PlaygroundConfig): PlaygroundSettings {
  return {
    rateCard: config.rateCard,
    lease: {
      defaultTtlHours: config.lease.defaultTtlHours,
      maxTtlHours: config.lease.maxTtlHours,
    },
    pools: POOL_DESCRIPTIONS,
    teamLimits: config.teamLimits,
    defaultTeamLimits: config.defaultTeamLimits,
  };
}

/** A Kubernetes object name (RFC 1123 subdomain). */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/** The ClusterRole the portal's ServiceAccount is bound to in each environment namespace. */
export interface PortalAccess {
  clusterRole: string;
  serviceAccount: { namespace: string; name: string };
}

function readPortalAccess(
  section: Config | undefined,
): PortalAccess | undefined {
  if (!section) return undefined;
  const key = `${KEY}.portalAccess`;
  const clusterRole = section.getString('clusterRole');
  if (!DNS_SUBDOMAIN.test(clusterRole)) {
    throw new ConfigProblem(
      `${key}.clusterRole`,
      `'${clusterRole}' is not a ClusterRole name`,
    );
  }
  const [namespace, name, ...rest] = section
    .getString('serviceAccount')
    .split('/');
  if (
    rest.length ||
    !DNS_SUBDOMAIN.test(namespace ?? '') ||
    !DNS_SUBDOMAIN.test(name ?? '')
  ) {
    throw new ConfigProblem(
      `${key}.serviceAccount`,
      `must be <namespace>/<name> of a ServiceAccount, got '${section.getString(
        'serviceAccount',
      )}'`,
    );
  }
  return { clusterRole, serviceAccount: { namespace, name } };
}
