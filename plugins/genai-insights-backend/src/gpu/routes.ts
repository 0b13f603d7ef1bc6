import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  gpuActivityQuerySchema,
  gpuBreakdownQuerySchema,
  gpuFleetQuerySchema,
  gpuIdleQuerySchema,
  gpuReadPermission,
  gpuUsageQuerySchema,
  type GpuIdleList,
  type IdleRule,
} from '@genai-portal/plugin-genai-insights-common';
import type express from 'express';
import type { Request } from 'express';
import { parseInput } from '../lib/validation';
import type { TeamScopeGate } from '../permissions/TeamScopeGate';
import type { FleetService } from './FleetService';
import type { GpuPodDirectory } from './pods/GpuPodDirectory';
import { fromPrometheus, type Visibility } from './readers';
import type { IdleEpisodeStore, PrometheusQueries } from './types';
import type { UsageService } from './UsageService';

export interface GpuRoutesOptions {
  gate: TeamScopeGate;
  caller: (req: Request) => Promise<BackstageCredentials>;
  fleet: FleetService;
  usage: UsageService;
  idle: IdleEpisodeStore;
  directory: GpuPodDirectory;
  rule: IdleRule;
  currency: string;
  prometheus?: PrometheusQueries;
  clock?: () => Date;
}

const range = (q: { from: string; to: string }) => ({
  from: new Date(Date.parse(q.from)),
  to: new Date(Date.parse(q.to)),
});

/**
 * GPU utilization's routes (`/gpu/...`): each parses its query, asks the policy which teams
 * the caller reads under `genai-insights.gpu.read`, and calls one service.
 */
export function addGpuRoutes(
  router: express.Router,
  options: GpuRoutesOptions,
) {
  const { gate, caller } = options;
  const now = () => (options.clock ?? (() => new Date()))();

  /** The teams read: those asked for (each allowed), else all the caller may read. */
  const teamsRead = async (req: Request, teams?: string[]) =>
    (await gate.teamsToRead(gpuReadPermission, await caller(req), teams)).teams;

  router.get('/gpu/fleet', async (req, res) => {
    const q = parseInput(gpuFleetQuerySchema, req.query, 'query');
    const teams = await teamsRead(req, q.teams);
    const visibility: Visibility = teams ? new Set(teams) : 'all';
    res.json(await options.fleet.fleet(visibility, { pools: q.pools }));
  });

  router.get('/gpu/usage', async (req, res) => {
    const q = parseInput(gpuUsageQuerySchema, req.query, 'query');
    const teams = await teamsRead(req, q.teams);
    res.json(await options.usage.usage(range(q), teams, q.pools));
  });

  router.get('/gpu/breakdown', async (req, res) => {
    const q = parseInput(gpuBreakdownQuerySchema, req.query, 'query');
    const teams = await teamsRead(req, q.teams);
    res.json(await options.usage.breakdown(range(q), q.by, teams));
  });

  router.get('/gpu/idle', async (req, res) => {
    const q = parseInput(gpuIdleQuerySchema, req.query, 'query');
    const teams = await teamsRead(req, q.teams);
    const episodes = await options.idle.listOpen(teams ? { teams } : {});
    // The list is as fresh as the last scan; say whether Prometheus answers now.
    const { status } = await fromPrometheus(
      options.prometheus && (() => options.prometheus!.instant('vector(1)')),
    );
    const body: GpuIdleList = {
      at: now().toISOString(),
      currency: options.currency,
      rule: options.rule,
      prometheus: status,
      episodes: episodes.sort(
        (a, b) => a.since.localeCompare(b.since) || a.id.localeCompare(b.id),
      ),
      totalMicros: episodes.reduce((n, e) => n + e.costMicros, 0),
    };
    res.json(body);
  });

  router.get('/gpu/activity', async (req, res) => {
    const q = parseInput(gpuActivityQuerySchema, req.query, 'query');
    const credentials = await caller(req);
    if (!q.environment && !q.job) {
      const { teams } = await gate.teamsToRead(
        gpuReadPermission,
        credentials,
        q.teams,
      );
      res.json(await options.usage.activity(range(q), { teams }));
      return;
    }
    // The environment's or job's teams, from the pods seen holding GPUs; none: nothing to show.
    const pods = await options.directory.find({
      environment: q.environment,
      jobId: q.job,
    });
    for (const team of new Set(pods.flatMap(p => p.team ?? []))) {
      await gate.requireOnTeam(gpuReadPermission, team, credentials);
    }
    if (pods.some(p => !p.team)) {
      // Pods of no team are only for those who read every team.
      const scope = await gate.scope(gpuReadPermission, credentials);
      if (!scope.all)
        throw new NotAllowedError(`Not allowed: ${gpuReadPermission.name}`);
    }
    res.json(
      await options.usage.activity(range(q), {
        environment: q.environment,
        jobId: q.job,
      }),
    );
  });
}
