import type { Config } from '@backstage/config';
import type { InferenceModelKind } from '@genai-portal/plugin-genai-playground-common';
import { ConfigProblem, readNumber } from '../lib/configReader';

const KEY = 'genaiPlayground.inference';

/** A model the gateway serves from config. */
export interface ModelConfig {
  /** What clients pass as `model`, and what the upstreams serve (`--served-model-name`). */
  name: string;
  /** Base URLs of the replicas (without `/v1`). */
  upstreams: string[];
  gpuPool: string;
  pricePer1MInput: number;
  pricePer1MOutput: number;
  contextLength: number;
  kind: InferenceModelKind;
}

export interface DeployConfig {
  image: string;
  /** Extra vLLM arguments for every deployment. */
  extraArgs: string[];
  nodeSelector: Record<string, string>;
  tolerations: Array<{
    key: string;
    operator: 'Exists' | 'Equal';
    value?: string;
    effect: string;
  }>;
  /** CPU cores and memory (GiB) requested per replica; limits are twice as much. */
  cpu: number;
  memoryGi: number;
  /** Where vLLM caches downloaded weights: an emptyDir of this size, or a PVC. */
  modelCache: {
    type: 'emptyDir' | 'pvc';
    sizeGi: number;
    storageClass?: string;
  };
  /** A Secret (key `token`) holding a Hugging Face token, mounted as HF_TOKEN when set. */
  hfTokenSecret?: string;
  port: number;
}

/** How far one request may multiply its work (each is a 400 naming the field above it). */
export interface RequestLimits {
  /** Largest `n` and `best_of`: choices generated per prompt. */
  maxChoices: number;
  /** Longest `prompt` list of `/v1/completions`. */
  maxPrompts: number;
  /** Longest `input` list of `/v1/embeddings`. */
  maxInputs: number;
}

export interface KeyCeilings {
  rpm?: number;
  tpm?: number;
  monthlyBudget?: number;
}

export interface InferenceConfig {
  currency: string;
  models: ModelConfig[];
  /** Largest request body the gateway reads. */
  maxBodyBytes: number;
  requestLimits: RequestLimits;
  /** What the gateway reads of a model server's answer (servers in team namespaces are not trusted). */
  upstreamLimits: {
    /** Largest whole (non-streamed) answer; larger is a 502. */
    maxResponseBytes: number;
    /** Longest SSE event of a stream; longer cuts the stream with an error event. */
    maxEventBytes: number;
  };
  timeouts: {
    /** Connecting to a replica. */
    connectMs: number;
    /** From sending the request to the response headers (non-streaming: the whole answer). */
    firstTokenMs: number;
    /** Longest silence between two chunks of a stream. */
    chunkMs: number;
  };
  retries: { attempts: number; baseDelayMs: number };
  cooldown: { failures: number; seconds: number };
  keyDefaults: { rpm: number; tpm: number };
  /** The most a key may be given (set by the platform's admins); absent: no ceiling. */
  keyCeilings: KeyCeilings;
  /** Monthly budget per team (group ref), for calls with keys and user tokens alike. */
  teamBudgets: Record<string, number>;
  userLimits: { rpm: number; tpm: number };
  /** How long a looked-up API key (and its environment) is trusted before it is read again. */
  keyCacheSeconds: number;
  /** Charge calls to the environment's monthly budget as well as the key's. */
  environmentBudgets: boolean;
  metering: {
    flushIntervalMs: number;
    batchSize: number;
    /** With Redis: an unacknowledged stream entry is taken over after this long idle. */
    claimIdleMs: number;
    /** With Redis: the stream records are written ahead to. */
    streamKey: string;
  };
  limits: { store: 'memory' | 'redis'; redisUrl?: string; keyPrefix: string };
  metrics: { public: boolean };
  discovery: {
    enabled: boolean;
    intervalSeconds: number;
    /** Honour the `genai-playground.io/upstream-url` annotation (dev and tests only). */
    allowUpstreamAnnotation: boolean;
    pricePer1MInput: number;
    pricePer1MOutput: number;
    contextLength: number;
  };
  deploy: DeployConfig;
}

function num(
  config: Config | undefined,
  path: string,
  fallback: number,
  opts: { min?: number; integer?: boolean; prefix?: string } = {},
): number {
  const { prefix = KEY, ...bounds } = opts;
  return readNumber(config, path, {
    key: `${prefix}.${path}`,
    fallback,
    ...bounds,
  });
}

function readModel(c: Config, i: number): ModelConfig {
  const prefix = `${KEY}.models[${i}]`;
  const name = c.getString('name');
  if (!name.trim()) throw new ConfigProblem(`${prefix}.name`, 'empty');
  const upstreams = c.getStringArray('upstreams').map((url, j) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ConfigProblem(
        `${prefix}.upstreams[${j}]`,
        `'${url}' is not a URL`,
      );
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new ConfigProblem(
        `${prefix}.upstreams[${j}]`,
        `must be an http(s) URL, got '${url}'`,
      );
    }
    // Base URLs: `/v1` is added by the gateway, so strip it when given.
    return url.replace(/\/+$/, '').replace(/\/v1$/, '');
  });
  if (upstreams.length === 0) {
    throw new ConfigProblem(`${prefix}.upstreams`, 'needs at least one URL');
  }
  const kind = c.getOptionalString('kind') ?? 'chat';
  if (kind !== 'chat' && kind !== 'embedding') {
    throw new ConfigProblem(
      `${prefix}.kind`,
      `must be chat or embedding, got '${kind}'`,
    );
  }
  return {
    name,
    upstreams,
    gpuPool: c.getOptionalString('gpuPool') ?? 'mi355x',
    pricePer1MInput: num(c, 'pricePer1MInput', NaN, { prefix }),
    pricePer1MOutput: num(
      c,
      'pricePer1MOutput',
      kind === 'embedding' ? 0 : NaN,
      {
        prefix,
      },
    ),
    contextLength: num(c, 'contextLength', NaN, {
      prefix,
      min: 1,
      integer: true,
    }),
    kind,
  };
}

/**
 * The vLLM image model servers run when the config names none: AMD's ROCm 7.0 / vLLM 0.11.1
 * build (MI355X needs ROCm 7), pinned by tag so the image-registry-and-tag compliance check
 * passes and a rollout never changes the image underneath.
 */
export const DEFAULT_VLLM_IMAGE = 'rocm/vllm:rocm7.0.0_vllm_0.11.1_20251024';

function readDeploy(c: Config | undefined): DeployConfig {
  const prefix = `${KEY}.deploy`;
  const selector = c?.getOptionalConfig('nodeSelector');
  const tolerations = c?.getOptionalConfigArray('tolerations')?.map(t => ({
    key: t.getString('key'),
    operator: (t.getOptionalString('operator') ?? 'Exists') as
      | 'Exists'
      | 'Equal',
    value: t.getOptionalString('value'),
    effect: t.getOptionalString('effect') ?? 'NoSchedule',
  }));
  const cacheType = c?.getOptionalString('modelCache.type') ?? 'emptyDir';
  if (cacheType !== 'emptyDir' && cacheType !== 'pvc') {
    throw new ConfigProblem(
      `${prefix}.modelCache.type`,
      `must be emptyDir or pvc, got '${cacheType}'`,
    );
  }
  return {
    image: c?.getOptionalString('image') ?? DEFAULT_VLLM_IMAGE,
    extraArgs: c?.getOptionalStringArray('extraArgs') ?? [],
    nodeSelector: selector
      ? Object.fromEntries(selector.keys().map(k => [k, selector.getString(k)]))
      : { 'gpu-type': 'mi355x' },
    tolerations: tolerations ?? [
      { key: 'amd.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
    ],
    cpu: num(c, 'cpu', 8, { prefix, min: 0.1 }),
    memoryGi: num(c, 'memoryGi', 64, { prefix, min: 1, integer: true }),
    modelCache: {
      type: cacheType,
      sizeGi: num(c, 'modelCache.sizeGi', 200, {
        prefix,
        min: 1,
        integer: true,
      }),
      storageClass: c?.getOptionalString('modelCache.storageClass'),
    },
    hfTokenSecret: c?.getOptionalString('hfTokenSecret'),
    port: num(c, 'port', 8000, { prefix, min: 1, integer: true }),
  };
}

function readKeyCeilings(
  c: Config | undefined,
  keyDefaults: { rpm: number; tpm: number },
): KeyCeilings {
  const ceilings: KeyCeilings = {};
  const read = (name: keyof KeyCeilings, integer: boolean) => {
    if (c?.getOptional(`keyCeilings.${name}`) === undefined) return;
    ceilings[name] = num(c, `keyCeilings.${name}`, NaN, {
      integer,
      min: integer ? 1 : 0,
    });
  };
  read('rpm', true);
  read('tpm', true);
  read('monthlyBudget', false);
  for (const name of ['rpm', 'tpm'] as const) {
    const ceiling = ceilings[name];
    if (ceiling !== undefined && keyDefaults[name] > ceiling) {
      throw new ConfigProblem(
        `${KEY}.keyDefaults.${name}`,
        `${keyDefaults[name]} is above keyCeilings.${name} (${ceiling})`,
      );
    }
  }
  return ceilings;
}

/** Team names may hold dots, which config paths cannot address: the section is read whole. */
function readTeamBudgets(section: unknown): Record<string, number> {
  const budgets: Record<string, number> = {};
  if (section === undefined) return budgets;
  if (
    typeof section !== 'object' ||
    section === null ||
    Array.isArray(section)
  ) {
    throw new ConfigProblem(
      `${KEY}.teamBudgets`,
      'must map team names to monthly budgets',
    );
  }
  for (const [team, value] of Object.entries(section)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new ConfigProblem(
        `${KEY}.teamBudgets.${team}`,
        `must be a number of at least 0, got ${JSON.stringify(value)}`,
      );
    }
    // a team name (ml-research) or a group ref (group:default/ml-research)
    budgets[team.includes(':') ? team : `group:default/${team}`] = value;
  }
  return budgets;
}

/**
 * Reads `genaiPlayground.inference` (and where limits live, from `backend.cache`). Throws an
 * error naming the key at fault.
 */
export function readInferenceConfig(root: Config): InferenceConfig {
  const c = root.getOptionalConfig(KEY);
  const currency = root.getOptionalString('genaiPlayground.currency') ?? 'USD';

  const models = (c?.getOptionalConfigArray('models') ?? []).map(readModel);
  const seen = new Set<string>();
  for (const m of models) {
    if (seen.has(m.name)) {
      throw new ConfigProblem(
        `${KEY}.models`,
        `model '${m.name}' is listed twice; list all its replicas under one entry's upstreams`,
      );
    }
    seen.add(m.name);
  }

  const cacheStore = root.getOptionalString('backend.cache.store');
  const cacheConnection = root.getOptionalString('backend.cache.connection');
  const store =
    c?.getOptionalString('limits.store') ??
    (cacheStore === 'redis' ? 'redis' : 'memory');
  if (store !== 'memory' && store !== 'redis') {
    throw new ConfigProblem(
      `${KEY}.limits.store`,
      `must be memory or redis, got '${store}'`,
    );
  }
  const redisUrl = c?.getOptionalString('limits.redisUrl') ?? cacheConnection;
  if (store === 'redis' && !redisUrl) {
    throw new ConfigProblem(
      `${KEY}.limits.redisUrl`,
      'limits are kept in Redis but neither it nor backend.cache.connection names a Redis URL',
    );
  }

  const int = { integer: true, min: 1 };
  const keyDefaults = {
    rpm: num(c, 'keyDefaults.rpm', 600, int),
    tpm: num(c, 'keyDefaults.tpm', 1_000_000, int),
  };
  return {
    currency,
    models,
    maxBodyBytes: num(c, 'maxBodyBytes', 1_048_576, int),
    requestLimits: {
      maxChoices: num(c, 'requestLimits.maxChoices', 16, int),
      maxPrompts: num(c, 'requestLimits.maxPrompts', 100, int),
      maxInputs: num(c, 'requestLimits.maxInputs', 2048, int),
    },
    upstreamLimits: {
      maxResponseBytes: num(
        c,
        'upstreamLimits.maxResponseBytes',
        64 * 1024 * 1024,
        int,
      ),
      maxEventBytes: num(c, 'upstreamLimits.maxEventBytes', 1024 * 1024, int),
    },
    timeouts: {
      connectMs: num(c, 'timeouts.connectMs', 5_000, int),
      firstTokenMs: num(c, 'timeouts.firstTokenMs', 120_000, int),
      chunkMs: num(c, 'timeouts.chunkMs', 30_000, int),
    },
    retries: {
      attempts: num(c, 'retries.attempts', 2, { integer: true }),
      baseDelayMs: num(c, 'retries.baseDelayMs', 25),
    },
    cooldown: {
      failures: num(c, 'cooldown.failures', 5, int),
      seconds: num(c, 'cooldown.seconds', 10),
    },
    keyDefaults,
    keyCeilings: readKeyCeilings(c, keyDefaults),
    teamBudgets: readTeamBudgets(c?.getOptional('teamBudgets')),
    userLimits: {
      rpm: num(c, 'userLimits.rpm', 120, int),
      tpm: num(c, 'userLimits.tpm', 2_000_000, int),
    },
    keyCacheSeconds: num(c, 'keyCacheSeconds', 10),
    environmentBudgets: c?.getOptionalBoolean('environmentBudgets') ?? false,
    metering: {
      flushIntervalMs: num(c, 'metering.flushIntervalMs', 1_000, int),
      batchSize: num(c, 'metering.batchSize', 500, int),
      claimIdleMs: num(c, 'metering.claimIdleMs', 30_000, int),
      // records belong to one database: deployments sharing a Redis must not drain each other's
      streamKey:
        c?.getOptionalString('metering.streamKey') ??
        `genai-playground:usage:${
          root.getOptionalString('backend.database.prefix') ??
          'backstage_plugin_'
        }`,
    },
    limits: {
      store,
      redisUrl: store === 'redis' ? redisUrl : undefined,
      keyPrefix:
        c?.getOptionalString('limits.keyPrefix') ?? 'genai-playground:limits:',
    },
    metrics: { public: c?.getOptionalBoolean('metrics.public') ?? true },
    discovery: {
      enabled: c?.getOptionalBoolean('discovery.enabled') ?? true,
      intervalSeconds: num(c, 'discovery.intervalSeconds', 30, { min: 1 }),
      allowUpstreamAnnotation:
        c?.getOptionalBoolean('discovery.allowUpstreamAnnotation') ?? false,
      pricePer1MInput: num(c, 'discovery.pricePer1MInput', 0),
      pricePer1MOutput: num(c, 'discovery.pricePer1MOutput', 0),
      contextLength: num(c, 'discovery.contextLength', 32_768, int),
    },
    deploy: readDeploy(c?.getOptionalConfig('deploy')),
  };
}
