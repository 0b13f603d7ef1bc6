import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import {
  inferenceUsageReadPermission,
  type UsageReport,
  type usageQuerySchema,
} from '@genai-portal/plugin-genai-playground-common';
import type { z } from 'zod';
import { toGroupRef } from '../environments/TeamDirectory';
import type { PermissionGate } from '../permissions/PermissionGate';
import type { UsageStore } from './UsageStore';

export type UsageQueryInput = z.output<typeof usageQuerySchema>;

/** Longest period one report may cover. */
const MAX_DAYS = 400;

/**
 * Reports over the metered gateway calls, aggregated in SQL, over the teams the permission policy
 * lets the caller read (`genai-playground.inference.usage.read`: members and leads their teams,
 * admins and services every team).
 */
export class UsageService {
  constructor(
    private readonly options: {
      store: UsageStore;
      gate: PermissionGate;
      currency: string;
      clock?: { now(): Date };
    },
  ) {}

  async report(
    query: UsageQueryInput,
    { credentials }: { credentials: BackstageCredentials },
  ): Promise<UsageReport> {
    const scope = await this.options.gate.teamScope(
      inferenceUsageReadPermission,
      credentials,
    );
    const now = (this.options.clock?.now() ?? new Date()).getTime();
    const d = new Date(now);
    const from = query.from
      ? new Date(query.from)
      : new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
    const to = query.to ? new Date(query.to) : new Date(now);
    if (from >= to) {
      throw new InputError('Invalid query: from must be before to');
    }
    if (to.getTime() - from.getTime() > MAX_DAYS * 86_400_000) {
      throw new InputError(
        `Invalid query: a report covers at most ${MAX_DAYS} days`,
      );
    }
    let team: string | undefined;
    if (query.team) {
      team = toGroupRef(query.team)?.ref;
      if (!team) {
        throw new InputError(
          `Invalid query: team: '${query.team}' is not a group`,
        );
      }
    }
    const teams = scope.all ? undefined : scope.teams;
    if (teams && team && !teams.includes(team)) {
      throw new NotAllowedError(`you may only read the usage of your teams`);
    }
    const filterTeams = team ? [team] : teams;
    const items = await this.options.store.aggregate(query.groupBy, {
      from: from.toISOString(),
      to: to.toISOString(),
      teams: filterTeams,
      environmentId: query.environment,
      model: query.model,
    });
    return {
      groupBy: query.groupBy,
      from: from.toISOString(),
      to: to.toISOString(),
      currency: this.options.currency,
      items,
    };
  }
}
