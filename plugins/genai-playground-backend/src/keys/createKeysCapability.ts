import type { Capability } from '../lib/Capability';
import { ApiKeyService, type ApiKeyServiceOptions } from './ApiKeyService';

/**
 * API keys of environments: issued, listed with their usage and revoked (`service`), on the key
 * records (`keys`, a DatabaseApiKeyStore) the gateway authenticates with.
 */
export function createKeysCapability(
  options: ApiKeyServiceOptions,
): Capability & { service: ApiKeyService } {
  return { service: new ApiKeyService(options) };
}
