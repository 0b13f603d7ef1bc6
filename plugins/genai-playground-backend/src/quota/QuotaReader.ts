import type {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  quotaReadPermission,
  type GpuPoolUsage,
  type TeamQuotaUsage,
} from '@genai-portal/plugin-genai-playground-common';
import { toGroupRef } from '../environments/teams';
import type { QuotaService } from './QuotaService';

/** Quota usage for callers holding genai-playground.quota.read. */
export class QuotaReader {
  static create(options: {
    permissions: PermissionsService;
    quota: QuotaService;
  }) {
    return new QuotaReader(options.permissions, options.quota);
  }

  private constructor(
    private readonly permissions: PermissionsService,
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
    const [decision] = await this.permissions.authorize(
      [{ permission: quotaReadPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`not allowed: ${quotaReadPermission.name}`);
    }
  }
}
