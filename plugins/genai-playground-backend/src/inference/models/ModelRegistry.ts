import type {
  InferenceModel,
  InferenceModelKind,
} from '@genai-portal/plugin-genai-playground-common';
import type { ModelConfig } from '../config';
import { ReplicaSet, type ReplicaDirectory } from '../upstream/Replica';

/** A model the gateway routes, from config or from a deployed inference service. */
export interface ModelEntry {
  name: string;
  kind: InferenceModelKind;
  gpuPool: string;
  pricePer1MInput: number;
  pricePer1MOutput: number;
  contextLength: number;
  source: 'config' | 'service';
  /** Deployed services: only callers of this team may use the model. */
  team?: string;
  environmentId?: string;
  upstreams: string[];
  replicas: ReplicaSet;
  /** Unix seconds, for `/v1/models`. */
  created: number;
}

/** A model server found on the cluster (see InferenceServiceDiscovery). */
export type DiscoveredModel = Omit<ModelEntry, 'replicas' | 'source'>;

/**
 * The models the gateway serves: config first, then deployed services. A deployed model whose
 * name a config model (or an older deployed one) already has is ignored, so a team cannot take
 * over a shared model's name.
 */
export class ModelRegistry {
  readonly #configured = new Map<string, ModelEntry>();
  #discovered = new Map<string, ModelEntry>();
  readonly #replicas: ReplicaDirectory;
  readonly #currency: string;
  readonly #onServed: (name: string) => void;

  constructor(options: {
    models: ModelConfig[];
    replicas: ReplicaDirectory;
    currency: string;
    /** Told each model's name before the first request can reach it (config and discovered). */
    onServed?: (name: string) => void;
  }) {
    this.#replicas = options.replicas;
    this.#currency = options.currency;
    this.#onServed = options.onServed ?? (() => {});
    const created = Math.floor(Date.now() / 1000);
    for (const m of options.models) {
      this.#configured.set(m.name, {
        ...m,
        source: 'config',
        replicas: new ReplicaSet(m.upstreams.map(u => options.replicas.get(u))),
        created,
      });
      this.#onServed(m.name);
    }
  }

  get(name: string): ModelEntry | undefined {
    return this.#configured.get(name) ?? this.#discovered.get(name);
  }

  list(): ModelEntry[] {
    return [...this.#configured.values(), ...this.#discovered.values()];
  }

  /** Replaces the deployed models with what discovery found; returns the names now served. */
  async setDiscovered(models: DiscoveredModel[]): Promise<string[]> {
    const next = new Map<string, ModelEntry>();
    const ordered = [...models].sort((a, b) => a.created - b.created);
    for (const m of ordered) {
      if (this.#configured.has(m.name) || next.has(m.name)) continue;
      const previous = this.#discovered.get(m.name);
      const sameUpstreams =
        previous &&
        previous.upstreams.length === m.upstreams.length &&
        previous.upstreams.every((u, i) => u === m.upstreams[i]);
      next.set(m.name, {
        ...m,
        source: 'service',
        replicas: sameUpstreams
          ? previous.replicas
          : new ReplicaSet(m.upstreams.map(u => this.#replicas.get(u))),
      });
      this.#onServed(m.name);
    }
    this.#discovered = next;
    const inUse = new Set(this.list().flatMap(m => m.upstreams));
    await this.#replicas.retain(inUse);
    return [...next.keys()];
  }

  /** The model as `/v1/models` lists it. */
  toOpenAi(m: ModelEntry): InferenceModel {
    return {
      id: m.name,
      object: 'model',
      created: m.created,
      owned_by: m.team ?? 'genai-playground',
      max_model_len: m.contextLength,
      genai: {
        kind: m.kind,
        gpuPool: m.gpuPool,
        pricePer1MInput: m.pricePer1MInput,
        pricePer1MOutput: m.pricePer1MOutput,
        currency: this.#currency,
        source: m.source,
        ...(m.environmentId ? { environmentId: m.environmentId } : {}),
        ...(m.team ? { team: m.team } : {}),
      },
    };
  }
}
