import type {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  quotaReadPermission,
  type GpuPoolUsage,
  type TeamQuotaUsage,
} from '@genai-portal/plugin-genai-playground-common';
import { toGroupRef } from '../environments/TeamDirectory';
import { PermissionGate } from '../permissions/PermissionGate';
import type { QuotaService } from './QuotaService';

/** Quota usage for callers holding genai-playground.quota.read. */
export class QuotaReader {
  static create(options: {
    permissions: PermissionsService;
    quota: QuotaService;
  }) {
    return new QuotaReader(
      new PermissionGate({ permissions: options.permissions }),
      options.quota,
    );
  }

  private constructor(
    private readonly gate: Pick<PermissionGate, 'require'>,
    private readonly quota: QuotaService,
  ) {}

  async getTeamQuotas(
    query: { team?: string },
    options: { credentials: BackstageCredentials },
  ): Promise<TeamQuotaUsage[]> {
    await this.authorize(options.credentials);
    if (query.team === undefined) return this.quota.getTeamQuotas();
    const team = toGroupRef(query.team);
    if (!team) {
      throw new InputError(
        `Invalid query: team: '${query.team}' is not a group name or group ref`,
      );
    }
    return this.quota.getTeamQuotas([team.ref]);
  }

  async getPoolUsage(options: {
    credentials: BackstageCredentials;
  }): Promise<GpuPoolUsage[]> {
    await this.authorize(options.credentials);
    return this.quota.getPoolUsage();
  }

  /** Throws NotAllowedError unless the caller may read quotas (and settings). */
  async authorize(credentials: BackstageCredentials) {
    await this.gate.require(quotaReadPermission, credentials);
  }
}
