import type { ApiKey } from '@genai-portal/plugin-genai-playground-common';

/**
 * An API key as stored: the key as listed, with the hash of its secret (never the secret) and who
 * revoked it; its expiry and status are read from its environment when it is listed.
 */
export interface ApiKeyRecord extends Omit<ApiKey, 'expiresAt' | 'status'> {
  hash: string;
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
