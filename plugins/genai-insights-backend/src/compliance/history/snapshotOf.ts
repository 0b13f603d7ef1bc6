import type { ScoredEvaluation } from '../ComplianceService';
import type { ScoredStatus } from '../score';
import {
  PLATFORM,
  type DailyCheck,
  type DailyScore,
  type DailySnapshot,
} from './HistoryStore';

/** The UTC day (`YYYY-MM-DD`) of an instant. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The day `days` after (or before, negative) a `YYYY-MM-DD` day. */
export function addDays(day: string, days: number): string {
  return utcDay(new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000));
}

type Counts = Omit<DailyCheck, 'kind' | 'name' | 'checkId'>;

const COUNTED: Record<ScoredStatus, keyof Counts> = {
  pass: 'passed',
  fail: 'failed',
  error: 'errored',
  waived: 'waived',
  'not-applicable': 'notApplicable',
};

/**
 * One day's rows from an evaluation with the waivers in force applied: the scores of the
 * platform, each team, cost center and environment (with its team, whose history it is, and
 * its level), as the scorecards computed them; and each check's results counted by status over
 * every environment and over each team's. Pure: the same evaluation gives the same rows.
 */
export function snapshotOf(
  evaluation: ScoredEvaluation,
  day: string,
): DailySnapshot {
  const { scorecards, results } = evaluation;
  const scores: DailyScore[] = [
    { kind: 'platform', name: PLATFORM, score: scorecards.platform },
    ...scorecards.teams.map(
      (t): DailyScore => ({ kind: 'team', name: t.name, score: t.score }),
    ),
    ...scorecards.costCenters.map(
      (c): DailyScore => ({
        kind: 'cost-center',
        name: c.name,
        score: c.score,
      }),
    ),
    ...scorecards.environments.map(
      (e): DailyScore => ({
        kind: 'environment',
        name: e.environment,
        ...(e.team ? { team: e.team } : {}),
        score: e.score,
        ...(e.level ? { level: e.level } : {}),
      }),
    ),
  ];

  const checks = new Map<string, DailyCheck>();
  const count = (
    kind: DailyCheck['kind'],
    name: string,
    checkId: string,
    status: ScoredStatus,
  ) => {
    const key = `${kind}\u0000${name}\u0000${checkId}`;
    let row = checks.get(key);
    if (!row) {
      row = {
        kind,
        name,
        checkId,
        passed: 0,
        failed: 0,
        errored: 0,
        waived: 0,
        notApplicable: 0,
      };
      checks.set(key, row);
    }
    row[COUNTED[status]] += 1;
  };
  for (const r of results) {
    count('platform', PLATFORM, r.checkId, r.status);
    // Environments of no team are in the platform's counts only, as in the scorecards.
    if (r.team) count('team', r.team, r.checkId, r.status);
  }
  return { day, scores, checks: [...checks.values()] };
}
