/**
 * Options of one sim server, their defaults, and the YAML config file that starts several.
 */
import { parse as parseYaml } from 'yaml';
import type { ModelKind } from './engine';
import { FaultConfig, parseFaultConfig } from './faults';

export interface LlmSimModelOptions {
  /** The model path, e.g. "meta-llama/Llama-3.1-8B-Instruct" (vLLM's --model). */
  id: string;
  /** 'chat' (default) serves chat and completions; 'embedding' serves embeddings. */
  kind?: ModelKind;
  /** Names clients use instead of `id`, like vLLM's --served-model-name; the first is reported. */
  servedModelNames?: string[];
  /** Context window (vLLM's --max-model-len). Default 32768 for chat, 8192 for embeddings. */
  maxModelLen?: number;
  /** Vector length of an embedding model. Default 1024. */
  embeddingDim?: number;
  /** Overrides the server's latencies for this model. */
  ttftMs?: number;
  tpotMs?: number;
  /** Requests run at once; more wait (vLLM's --max-num-seqs). Default unlimited. */
  maxNumSeqs?: number;
}

export interface LlmSimOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Models this server serves: ids or full model options. vLLM serves one; a list is for dev. */
  models: Array<LlmSimModelOptions | string>;
  /** Time to first token in ms. Default 30. */
  ttftMs?: number;
  /** Time per output token after the first, in ms. Default 10. */
  tpotMs?: number;
  /** Seed for requests without `seed`, and for failRate draws. Default 0. */
  seed?: number;
  /** Require `Authorization: Bearer <apiKey>` on /v1 routes, like vLLM's --api-key. */
  apiKey?: string;
  /** Faults active from the start (see faults.ts). */
  faults?: FaultConfig;
  /** Default for each model's maxNumSeqs. */
  maxNumSeqs?: number;
  /** A label for logs (the CLI uses it); defaults to the first model id. */
  name?: string;
}

export const DEFAULT_TTFT_MS = 30;
export const DEFAULT_TPOT_MS = 10;
export const DEFAULT_CHAT_MAX_MODEL_LEN = 32768;
export const DEFAULT_EMBEDDING_MAX_MODEL_LEN = 8192;
export const DEFAULT_EMBEDDING_DIM = 1024;

/** A model with every default applied. */
export interface ResolvedModelOptions {
  id: string;
  kind: ModelKind;
  servedNames: string[];
  maxModelLen: number;
  embeddingDim: number;
  ttftMs: number;
  tpotMs: number;
  maxNumSeqs: number;
}

export function resolveModels(options: LlmSimOptions): ResolvedModelOptions[] {
  if (!Array.isArray(options.models) || options.models.length === 0) {
    throw new Error('llm-sim needs at least one model');
  }
  const ttftMs = nonNegative('ttftMs', options.ttftMs ?? DEFAULT_TTFT_MS);
  const tpotMs = nonNegative('tpotMs', options.tpotMs ?? DEFAULT_TPOT_MS);
  const seen = new Set<string>();
  return options.models.map(entry => {
    const model = typeof entry === 'string' ? { id: entry } : entry;
    if (!model || typeof model.id !== 'string' || model.id === '') {
      throw new Error('every model needs an id');
    }
    const kind = model.kind ?? 'chat';
    if (kind !== 'chat' && kind !== 'embedding') {
      throw new Error(`model ${model.id}: kind must be 'chat' or 'embedding'`);
    }
    const servedNames = model.servedModelNames?.length
      ? [...model.servedModelNames]
      : [model.id];
    for (const name of servedNames) {
      if (seen.has(name)) throw new Error(`model name ${name} is served twice`);
      seen.add(name);
    }
    return {
      id: model.id,
      kind,
      servedNames,
      maxModelLen: positiveInt(
        `${model.id} maxModelLen`,
        model.maxModelLen ??
          (kind === 'chat'
            ? DEFAULT_CHAT_MAX_MODEL_LEN
            : DEFAULT_EMBEDDING_MAX_MODEL_LEN),
      ),
      embeddingDim: positiveInt(
        `${model.id} embeddingDim`,
        model.embeddingDim ?? DEFAULT_EMBEDDING_DIM,
      ),
      ttftMs: nonNegative(`${model.id} ttftMs`, model.ttftMs ?? ttftMs),
      tpotMs: nonNegative(`${model.id} tpotMs`, model.tpotMs ?? tpotMs),
      maxNumSeqs: model.maxNumSeqs ?? options.maxNumSeqs ?? Infinity,
    };
  });
}

function nonNegative(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new Error(`${name} must be a number >= 0`);
  }
  return value;
}

function positiveInt(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new Error(`${name} must be an integer >= 1`);
  }
  return value;
}

const SERVER_KEYS = [
  'port',
  'host',
  'models',
  'ttftMs',
  'tpotMs',
  'seed',
  'apiKey',
  'faults',
  'maxNumSeqs',
  'name',
];
const MODEL_KEYS = [
  'id',
  'kind',
  'servedModelNames',
  'maxModelLen',
  'embeddingDim',
  'ttftMs',
  'tpotMs',
  'maxNumSeqs',
];

/**
 * Reads a config file: `servers` is a list of server options (as for startLlmSim), and optional
 * `defaults` apply to every server. Unknown keys are errors, so a typo does not pass silently.
 */
export function parseConfigFile(text: string): LlmSimOptions[] {
  const doc = parseYaml(text) as unknown;
  if (!isObject(doc))
    throw new Error('config: expected a mapping with `servers`');
  checkKeys('config', doc, ['defaults', 'servers']);
  const defaults = doc.defaults ?? {};
  if (!isObject(defaults))
    throw new Error('config: `defaults` must be a mapping');
  checkKeys(
    'defaults',
    defaults,
    SERVER_KEYS.filter(key => key !== 'port'),
  );
  if (!Array.isArray(doc.servers) || doc.servers.length === 0) {
    throw new Error('config: `servers` must be a non-empty list');
  }
  return doc.servers.map((server, i) => {
    if (!isObject(server))
      throw new Error(`config: servers[${i}] must be a mapping`);
    checkKeys(`servers[${i}]`, server, SERVER_KEYS);
    const merged = { ...defaults, ...server } as Record<string, unknown>;
    if (!Array.isArray(merged.models))
      throw new Error(`config: servers[${i}].models must be a list`);
    merged.models.forEach((model, j) => {
      if (isObject(model))
        checkKeys(`servers[${i}].models[${j}]`, model, MODEL_KEYS);
    });
    merged.faults = parseFaultConfig(merged.faults);
    const options = merged as unknown as LlmSimOptions;
    resolveModels(options);
    return options;
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkKeys(
  where: string,
  value: Record<string, unknown>,
  allowed: string[],
) {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw new Error(
        `config: unknown key '${key}' in ${where} (allowed: ${allowed.join(
          ', ',
        )})`,
      );
    }
  }
}
