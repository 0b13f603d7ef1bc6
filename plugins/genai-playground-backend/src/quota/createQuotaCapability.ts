import type { PermissionsService } from '@backstage/backend-plugin-api';
import type { Capability } from '../lib/Capability';
import { QuotaReader } from './QuotaReader';
import { QuotaService, type QuotaServiceOptions } from './QuotaService';

/**
 * Quota: live usage of teams and GPU pools read from the cluster (`service`, what other
 * capabilities check requests against) and the API's reader of it under quota.read (`reader`).
 */
export function createQuotaCapability(
  options: QuotaServiceOptions & { permissions: PermissionsService },
): Capability & { service: QuotaService; reader: QuotaReader } {
  const service = QuotaService.create(options);
  const reader = QuotaReader.create({
    permissions: options.permissions,
    quota: service,
  });
  return { service, reader };
}
