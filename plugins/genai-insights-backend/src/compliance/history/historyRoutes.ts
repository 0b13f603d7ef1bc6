import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  complianceHistoryQuerySchema,
  complianceReadPermission,
  type ComplianceCheckHistoryPoint,
  type ComplianceHistory,
  type ComplianceHistoryPoint,
} from '@genai-portal/plugin-genai-insights-common';
import type express from 'express';
import type { Request } from 'express';
import { parseInput } from '../../lib/validation';
import type { TeamScopeGate } from '../../permissions/TeamScopeGate';
import { historyRange } from './historyRange';
import {
  PLATFORM,
  type DayRange,
  type HistoryStore,
  type StoredCheck,
  type StoredScore,
} from './HistoryStore';
import { utcDay } from './snapshotOf';

export interface HistoryRoutesOptions {
  gate: TeamScopeGate;
  caller: (req: Request) => Promise<BackstageCredentials>;
  history: HistoryStore;
  /** Today's clock (the default range ends today, UTC). */
  clock?: () => Date;
}

const point = (s: StoredScore): ComplianceHistoryPoint => ({
  day: s.day,
  score: s.score,
  ...(s.level ? { level: s.level } : {}),
});

const checkPoint = ({
  kind,
  name,
  ...rest
}: StoredCheck): ComplianceCheckHistoryPoint => rest;

/** Items by name, in the order read. */
function byName<T extends { name: string }>(items: T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(item.name);
    if (group) group.push(item);
    else groups.set(item.name, [item]);
  }
  return groups;
}

/**
 * `GET /compliance/history`: the daily trend of the teams the caller reads under
 * `genai-insights.compliance.read` (and the platform's, for callers who read every team and ask
 * for no team), with each check's counts per day; or one environment's, for those who may read
 * its team.
 */
export function addComplianceHistoryRoutes(
  router: express.Router,
  options: HistoryRoutesOptions,
) {
  const { gate, caller, history } = options;
  const now = options.clock ?? (() => new Date());

  /** One environment's series: allowed on every team it belonged to in the range. */
  const environmentHistory = async (
    credentials: BackstageCredentials,
    environment: string,
    range: DayRange & { interval: ComplianceHistory['interval'] },
  ): Promise<ComplianceHistory> => {
    // A caller with no reach at all is refused before being told what exists.
    const scope = await gate.scope(complianceReadPermission, credentials);
    const teams = await history.environmentTeams(environment, range);
    if (!teams) {
      throw new NotFoundError(`No history of environment '${environment}'`);
    }
    for (const team of teams) {
      if (team) {
        await gate.requireOnTeam(complianceReadPermission, team, credentials);
      } else if (!scope.all) {
        // An environment of no team is only for those who read every team.
        throw new NotAllowedError(
          `Not allowed: ${complianceReadPermission.name}`,
        );
      }
    }
    const points = await history.scores('environment', [environment], range);
    return {
      from: range.from,
      to: range.to,
      interval: range.interval,
      teams: [],
      environment: { name: environment, points: points.map(point) },
    };
  };

  router.get('/compliance/history', async (req, res) => {
    const credentials = await caller(req);
    const q = parseInput(complianceHistoryQuerySchema, req.query, 'query');
    const range = historyRange(q, utcDay(now()));
    if (q.environment) {
      res.json(await environmentHistory(credentials, q.environment, range));
      return;
    }
    const { teams } = await gate.teamsToRead(
      complianceReadPermission,
      credentials,
      q.teams,
    );
    // Every team read, none asked for: the platform's series and checks, and every team's
    // series. Every team's checks too would be a series per team and check (over 180,000 rows
    // for a year of 50 teams), which no view of every team shows; asking for teams gets them.
    const platform = teams === undefined;
    const [teamScores, teamChecks, platformScores, platformChecks] =
      await Promise.all([
        history.scores('team', teams, range),
        platform ? [] : history.checks('team', teams, range),
        platform ? history.scores('platform', [PLATFORM], range) : [],
        platform ? history.checks('platform', [PLATFORM], range) : [],
      ]);
    const scores = byName(teamScores);
    const checks = byName(teamChecks);
    const names = teams ?? [...new Set([...scores.keys(), ...checks.keys()])];
    const body: ComplianceHistory = {
      from: range.from,
      to: range.to,
      interval: range.interval,
      ...(platform
        ? {
            platform: platformScores.map(point),
            platformChecks: platformChecks.map(checkPoint),
          }
        : {}),
      teams: names.map(name => ({
        name,
        points: (scores.get(name) ?? []).map(point),
        checks: (checks.get(name) ?? []).map(checkPoint),
      })),
    };
    res.json(body);
  });
}
