import { APPS, ML } from '../../../__testUtils__/fixtures';
import type { ScoredCheckResult } from '../../applyWaivers';
import type { ScoredEvaluation } from '../../ComplianceService';
import { scorecards, severitiesOf, type LevelDefinition } from '../../score';

/** Two checks: a critical one (10) and a low one (1). */
export const CHECKS = [
  { id: 'quota-gpu', severity: 'critical' as const },
  { id: 'required-labels', severity: 'low' as const },
];

export const LEVELS: LevelDefinition[] = [
  { name: 'Bronze', checks: ['quota-gpu'] },
  { name: 'Gold', checks: '*' },
];

type Status = ScoredCheckResult['status'];

/** One environment's results of the two checks. */
export function results(
  environment: string,
  team: string | undefined,
  quota: Status,
  labels: Status,
): ScoredCheckResult[] {
  return [
    ['quota-gpu', quota],
    ['required-labels', labels],
  ].map(([checkId, status]) => ({
    environment,
    ...(team ? { team } : {}),
    costCenter: 'CC-1',
    checkId,
    status: status as Status,
    failures: [],
    failureCount: status === 'fail' ? 1 : 0,
  }));
}

/** An evaluation at `at`, scored with the real scorecards: `mlQuota` is ml-a's quota-gpu. */
export function evaluation(at: string, mlQuota: Status): ScoredEvaluation {
  const all = [
    ...results('ml-a', ML, mlQuota, 'pass'),
    ...results('ml-b', ML, 'pass', 'waived'),
    ...results('apps-a', APPS, 'error', 'not-applicable'),
    ...results('loose', undefined, 'pass', 'fail'),
  ];
  return {
    evaluatedAt: at,
    results: all,
    scorecards: scorecards(all, severitiesOf(CHECKS), LEVELS),
  };
}
