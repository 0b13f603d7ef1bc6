import type { DatabaseService } from '@backstage/backend-plugin-api';
import type { Capability } from '../lib/Capability';
import { ApiKeyService, type ApiKeyServiceOptions } from './ApiKeyService';
import { DatabaseApiKeyStore } from './DatabaseApiKeyStore';

/**
 * API keys of environments: issued, listed with their usage and revoked (`service`); their
 * records (`store`), which the gateway authenticates with and environments revoke on delete.
 */
export async function createKeysCapability(
  options: Omit<ApiKeyServiceOptions, 'keys'> & { database: DatabaseService },
): Promise<
  Capability & { service: ApiKeyService; store: DatabaseApiKeyStore }
> {
  const { database, ...serviceOptions } = options;
  const store = await DatabaseApiKeyStore.create({ database });
  const service = new ApiKeyService({ ...serviceOptions, keys: store });
  return { service, store };
}
