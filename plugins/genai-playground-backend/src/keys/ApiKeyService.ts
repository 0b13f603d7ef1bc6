import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  apiKeyCreatePermission,
  apiKeyReadPermission,
  apiKeyRevokePermission,
  type ApiKey,
  type ApiKeyWithUsage,
  type CreatedApiKey,
  type createApiKeyRequestSchema,
} from '@genai-portal/plugin-genai-playground-common';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type {
  EnvironmentRecord,
  EnvironmentStore,
} from '../environments/EnvironmentStore';
import type { UsageStore } from '../metering/UsageStore';
import type { ApiKeyRecord, ApiKeyStore } from './ApiKeyStore';
import { generateApiKey } from './apiKeySecret';
import type { PermissionGate } from '../permissions/PermissionGate';

export type CreateApiKeyInput = z.output<typeof createApiKeyRequestSchema>;

export interface ApiKeyServiceOptions {
  keys: ApiKeyStore;
  environments: Pick<EnvironmentStore, 'get'>;
  usage: Pick<UsageStore, 'totalsByKey'>;
  /** How the service asks the permission policy: key permissions are decided on environments. */
  gate: Pick<PermissionGate, 'requireOnId'>;
  /** Names of the models the gateway serves now (to check a key's scope). */
  modelNames: () => string[];
  defaults: { rpm: number; tpm: number };
  /** The most a key may be given (genaiPlayground.inference.keyCeilings); absent: no ceiling. */
  ceilings?: { rpm?: number; tpm?: number; monthlyBudget?: number };
  currency: string;
  /** Called after a revoke, so the gateway forgets the key at once. */
  onRevoke?: (keyId: string) => void;
  clock?: { now(): Date };
}

type Options = { credentials: BackstageCredentials };

/**
 * API keys of environments: issued (the secret shown once, a SHA-256 kept), listed with this
 * month's usage, revoked. A key expires with its environment: its `expiresAt` is read from the
 * environment each time, so an extend moves it and a delete ends it.
 */
export class ApiKeyService {
  readonly #options: ApiKeyServiceOptions;
  readonly #clock: { now(): Date };

  constructor(options: ApiKeyServiceOptions) {
    this.#options = options;
    this.#clock = options.clock ?? { now: () => new Date() };
  }

  async create(
    environmentId: string,
    request: CreateApiKeyInput,
    { credentials }: Options,
  ): Promise<CreatedApiKey> {
    await this.#options.gate.requireOnId(
      apiKeyCreatePermission,
      environmentId,
      credentials,
    );
    const env = await this.#environment(environmentId);
    const now = this.#clock.now();
    if (env.status !== 'ready' || Date.parse(env.expiresAt) <= now.getTime()) {
      throw new ConflictError(
        `environment ${environmentId} is ${
          env.status === 'ready' ? 'past its lease' : env.status
        }: keys can only be issued for a ready environment`,
      );
    }
    const models = [...new Set(request.models ?? [])];
    const known = new Set(this.#options.modelNames());
    const unknown = models.filter(m => !known.has(m));
    if (unknown.length) {
      throw new InputError(
        `Invalid request: models: unknown model ${unknown
          .map(m => `'${m}'`)
          .join(', ')}; the gateway serves ${[...known].join(', ') || 'none'}`,
      );
    }
    const ceilings = this.#options.ceilings ?? {};
    for (const field of ['rpm', 'tpm', 'monthlyBudget'] as const) {
      const value = request[field];
      const ceiling = ceilings[field];
      if (value !== undefined && ceiling !== undefined && value > ceiling) {
        throw new InputError(
          `Invalid request: ${field}: ${value} is above the ceiling of ${ceiling} the platform admins set (genaiPlayground.inference.keyCeilings.${field})`,
        );
      }
    }
    const { key, hash, prefix } = generateApiKey();
    const record: ApiKeyRecord = {
      id: randomUUID(),
      hash,
      prefix,
      name: request.name,
      environmentId,
      team: env.team,
      models,
      rpm: request.rpm ?? this.#options.defaults.rpm,
      tpm: request.tpm ?? this.#options.defaults.tpm,
      currency: this.#options.currency,
      createdBy: this.#actor(credentials),
      createdAt: now.toISOString(),
    };
    // with a budget ceiling, a key asking for no budget gets the ceiling
    const monthlyBudget = request.monthlyBudget ?? ceilings.monthlyBudget;
    if (monthlyBudget !== undefined) record.monthlyBudget = monthlyBudget;
    await this.#options.keys.insert(record);
    return { ...this.#toApiKey(record, env), key };
  }

  async list(
    environmentId: string,
    { credentials }: Options,
  ): Promise<ApiKeyWithUsage[]> {
    await this.#options.gate.requireOnId(
      apiKeyReadPermission,
      environmentId,
      credentials,
    );
    const env = await this.#environment(environmentId);
    const keys = await this.#options.keys.listByEnvironment(environmentId);
    const now = this.#clock.now();
    const month = now.toISOString().slice(0, 7);
    const from = new Date(
      Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1),
    ).toISOString();
    const to = new Date(
      Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1),
    ).toISOString();
    const totals = await this.#options.usage.totalsByKey(
      keys.map(k => k.id),
      { from, to },
    );
    return keys.map(k => ({
      ...this.#toApiKey(k, env),
      usage: {
        month,
        requests: 0,
        inputTokens: 0,
        outputTokens: 0,
        cost: 0,
        ...totals.get(k.id),
      },
    }));
  }

  async revoke(
    environmentId: string,
    keyId: string,
    { credentials }: Options,
  ): Promise<ApiKey> {
    await this.#options.gate.requireOnId(
      apiKeyRevokePermission,
      environmentId,
      credentials,
    );
    const env = await this.#options.environments.get(environmentId);
    const key = await this.#options.keys.get(keyId);
    if (!key || key.environmentId !== environmentId) {
      throw new NotFoundError(
        `no API key ${keyId} in environment ${environmentId}`,
      );
    }
    const revoked = await this.#options.keys.revoke(keyId, {
      at: this.#clock.now().toISOString(),
      by: this.#actor(credentials),
    });
    this.#options.onRevoke?.(keyId);
    return this.#toApiKey(revoked ?? key, env);
  }

  /** Revokes every key of an environment that was deleted or expired. */
  async revokeEnvironment(
    environmentId: string,
    by: string,
  ): Promise<string[]> {
    const ids = await this.#options.keys.revokeEnvironment(environmentId, {
      at: this.#clock.now().toISOString(),
      by,
    });
    ids.forEach(id => this.#options.onRevoke?.(id));
    return ids;
  }

  #toApiKey(key: ApiKeyRecord, env: EnvironmentRecord | undefined): ApiKey {
    const expiresAt = env?.expiresAt ?? key.createdAt;
    const expired =
      !env ||
      env.status !== 'ready' ||
      Date.parse(expiresAt) <= this.#clock.now().getTime();
    let status: ApiKey['status'] = 'active';
    if (key.revokedAt) status = 'revoked';
    else if (expired) status = 'expired';
    const apiKey: ApiKey = {
      id: key.id,
      prefix: key.prefix,
      name: key.name,
      environmentId: key.environmentId,
      team: key.team,
      models: key.models,
      rpm: key.rpm,
      tpm: key.tpm,
      currency: key.currency,
      createdBy: key.createdBy,
      createdAt: key.createdAt,
      expiresAt,
      status,
    };
    if (key.monthlyBudget !== undefined)
      apiKey.monthlyBudget = key.monthlyBudget;
    if (key.revokedAt) apiKey.revokedAt = key.revokedAt;
    return apiKey;
  }

  async #environment(id: string): Promise<EnvironmentRecord> {
    const env = await this.#options.environments.get(id);
    if (!env) throw new NotFoundError(`no environment ${id}`);
    return env;
  }

  #actor(credentials: BackstageCredentials): string {
    const principal = credentials.principal as {
      type: string;
      userEntityRef?: string;
      subject?: string;
    };
    return principal.userEntityRef ?? principal.subject ?? 'unknown';
  }
}
