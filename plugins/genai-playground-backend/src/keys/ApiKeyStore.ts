/** An API key as stored (the hash, never the secret). */
export interface ApiKeyRecord {
  id: string;
  hash: string;
  prefix: string;
  name: string;
  environmentId: string;
  team: string;
  /** Empty: every model. */
  models: string[];
  rpm: number;
  tpm: number;
  monthlyBudget?: number;
  currency: string;
  createdBy: string;
  createdAt: string;
  revokedAt?: string;
  revokedBy?: string;
}

/** The gateway's API keys. */
export interface ApiKeyStore {
  insert(key: ApiKeyRecord): Promise<void>;
  getByHash(hash: string): Promise<ApiKeyRecord | undefined>;
  get(id: string): Promise<ApiKeyRecord | undefined>;
  listByEnvironment(environmentId: string): Promise<ApiKeyRecord[]>;
  /** Marks the key revoked unless it already is; the record as it is after. */
  revoke(
    id: string,
    options: { at: string; by: string },
  ): Promise<ApiKeyRecord | undefined>;
  /** Revokes every live key of an environment; the ids revoked. */
  revokeEnvironment(
    environmentId: string,
    options: { at: string; by: string },
  ): Promise<string[]>;
}
