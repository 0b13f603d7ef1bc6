import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  complianceEnvironmentParamsSchema,
  complianceEnvironmentQuerySchema,
  complianceReadPermission,
  complianceScorecardsQuerySchema,
  type ComplianceCheckSummary,
  type ComplianceScorecards,
  type EnvironmentCompliance,
} from '@genai-portal/plugin-genai-insights-common';
import type express from 'express';
import type { Request } from 'express';
import { parseInput } from '../lib/validation';
import type { TeamScopeGate } from '../permissions/TeamScopeGate';
import type { ComplianceService } from './ComplianceService';
import type { ScoredCheckResult } from './applyWaivers';
import {
  addWaiverRoutes,
  type WaiverRoutesOptions,
} from './waivers/waiverRoutes';
import { addComplianceHistoryRoutes } from './history/historyRoutes';
import type { HistoryStore } from './history/HistoryStore';

export interface ComplianceRoutesOptions {
  gate: TeamScopeGate;
  caller: (req: Request) => Promise<BackstageCredentials>;
  compliance: ComplianceService;
  /** Waivers' routes (`/compliance/waivers`); absent: none. */
  waivers?: Omit<WaiverRoutesOptions, 'gate' | 'caller' | 'compliance'>;
  /** The daily snapshots `GET /compliance/history` reads; absent: no such route. */
  history?: HistoryStore;
}

/**
 * Compliance's routes (`/compliance/...`): the scorecards of the environments of the teams the
 * caller reads under `genai-insights.compliance.read`, and one environment's checks.
 */
export function addComplianceRoutes(
  router: express.Router,
  options: ComplianceRoutesOptions,
) {
  const { gate, caller, compliance } = options;
  if (options.waivers) {
    addWaiverRoutes(router, { ...options.waivers, gate, caller, compliance });
  }
  if (options.history) {
    addComplianceHistoryRoutes(router, {
      gate,
      caller,
      history: options.history,
    });
  }

  router.get('/compliance/scorecards', async (req, res) => {
    const credentials = await caller(req);
    const q = parseInput(complianceScorecardsQuerySchema, req.query, 'query');
    const { teams } = await gate.teamsToRead(
      complianceReadPermission,
      credentials,
      q.teams,
    );
    const evaluation = await compliance.current();
    // Every team read, none asked for: the platform's scorecards; else the teams' environments.
    const platform = teams === undefined;
    const visible = new Set(teams ?? []);
    const results = platform
      ? evaluation.results
      : evaluation.results.filter(r => r.team && visible.has(r.team));
    const cards = platform
      ? evaluation.scorecards
      : compliance.scorecardsOf(results);
    const checks = compliance.checks;
    // Each environment's statuses too, so that a page draws its matrix from this one answer.
    const summaries = checkSummaries(results, new Set(checks.map(c => c.id)));
    const body: ComplianceScorecards = {
      evaluatedAt: evaluation.evaluatedAt,
      scope: platform ? 'platform' : 'teams',
      levels: compliance.levels,
      checks,
      ...cards,
      environments: cards.environments.map(e => ({
        ...e,
        checks: summaries.get(e.environment) ?? {},
      })),
    };
    res.json(body);
  });

  router.get('/compliance/environments/:namespace', async (req, res) => {
    const credentials = await caller(req);
    const { namespace } = parseInput(
      complianceEnvironmentParamsSchema,
      { ...req.params },
      'request',
    );
    parseInput(complianceEnvironmentQuerySchema, req.query, 'query');
    const evaluation = await compliance.current();
    const environment = evaluation.scorecards.environments.find(
      e => e.environment === namespace,
    );
    if (!environment) {
      throw new NotFoundError(`No environment '${namespace}' was evaluated`);
    }
    if (environment.team) {
      await gate.requireOnTeam(
        complianceReadPermission,
        environment.team,
        credentials,
      );
    } else {
      // An environment of no team is only for those who read every team.
      const scope = await gate.scope(complianceReadPermission, credentials);
      if (!scope.all) {
        throw new NotAllowedError(
          `Not allowed: ${complianceReadPermission.name}`,
        );
      }
    }
    const info = new Map(compliance.checks.map(c => [c.id, c]));
    const body: EnvironmentCompliance = {
      ...environment,
      evaluatedAt: evaluation.evaluatedAt,
      checks: evaluation.results
        .filter(r => r.environment === namespace)
        .flatMap(r => {
          const check = info.get(r.checkId);
          if (!check) return [];
          return [
            {
              ...check,
              checkId: r.checkId,
              status: r.status,
              failures: r.failures,
              failureCount: r.failureCount,
              ...(r.error ? { error: r.error } : {}),
              ...(r.waiver ? { waiver: r.waiver } : {}),
            },
          ];
        }),
    };
    res.json(body);
  });
}

/**
 * Each environment's checks, by check id: the status (waivers applied) and how many objects
 * fail; results of checks nobody added are left out, as the environment's own route does.
 */
function checkSummaries(
  results: ScoredCheckResult[],
  known: Set<string>,
): Map<string, Record<string, ComplianceCheckSummary>> {
  const byEnvironment = new Map<
    string,
    Record<string, ComplianceCheckSummary>
  >();
  for (const r of results) {
    if (!known.has(r.checkId)) continue;
    let own = byEnvironment.get(r.environment);
    if (!own) {
      own = {};
      byEnvironment.set(r.environment, own);
    }
    own[r.checkId] = { status: r.status, failureCount: r.failureCount };
  }
  return byEnvironment;
}
