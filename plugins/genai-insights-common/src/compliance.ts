import { z } from 'zod';
import { teamList } from './fields';
import type { AppliedWaiver } from './complianceWaivers';

/*
 * Compliance: the platform's policies checked on the live cluster's objects, per environment.
 */

/** How much a failing check weighs in a score. @public */
export const CHECK_SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;

/** @public */
export type CheckSeverity = (typeof CHECK_SEVERITIES)[number];

/**
 * A check's weight in a score by its severity: a score is the weighted share of checks passed.
 * @public
 */
export const SEVERITY_WEIGHTS: Record<CheckSeverity, number> = {
  critical: 10,
  high: 5,
  medium: 3,
  low: 1,
};

/** What a check is, as the pages show it. @public */
export interface ComplianceCheckInfo {
  /** Stable, lower case with dashes (`pod-security-restricted`). */
  id: string;
  title: string;
  severity: CheckSeverity;
  /** `labels`, `pod-security`, `network`, `quota`, `resources`, `images`, `gpu`, `lease`, ... */
  category: string;
  /** What it looks at, in a sentence (`every container of every Pod`). */
  looksAt: string;
  /** What to do when it fails. */
  remediation: string;
}

/** One object that fails a check, and where. @public */
export interface CheckFailure {
  /** The object's kind (`Pod`, `Namespace`, `NetworkPolicy`). */
  kind: string;
  name: string;
  /** The path of the field that fails (`spec.containers[0].securityContext.runAsNonRoot`). */
  fieldPath: string;
  /** What is wrong, naming the value found (`is false`, `is missing`, `is 'latest'`). */
  message: string;
}

/** What one check found in one environment. @public */
export type ComplianceCheckStatus =
  | 'pass'
  | 'fail'
  | 'waived'
  | 'not-applicable'
  | 'error';

/** A weighted score over some check results. @public */
export interface ComplianceScore {
  /** The weighted share of the applicable checks passed, 0 to 100; null when none applies. */
  percent: number | null;
  passedWeight: number;
  applicableWeight: number;
  passed: number;
  failed: number;
  errored: number;
  waived: number;
  notApplicable: number;
}

/** A level of the scorecards and the checks it needs (`*`: every check). @public */
export interface ComplianceLevel {
  name: string;
  checks: string[] | '*';
}

/** One environment's score and the highest level it reaches. @public */
export interface EnvironmentComplianceScore {
  environment: string;
  team?: string;
  costCenter?: string;
  score: ComplianceScore;
  /** The highest level reached; absent: none. */
  level?: string;
}

/** One check's status in one environment, counted: a cell of the scorecards' matrix. @public */
export interface ComplianceCheckSummary {
  /** Waivers applied: a waived failure is `waived`. */
  status: ComplianceCheckStatus;
  /** Every failing object, counted (a waived check's too). */
  failureCount: number;
}

/**
 * One environment in the scorecards: its score, its level and each check's status, keyed by
 * check id (a check with no result in the environment is absent). The failing objects are in
 * {@link EnvironmentCompliance}.
 * @public
 */
export interface EnvironmentScorecard extends EnvironmentComplianceScore {
  /** Each check's status and count, by check id. */
  checks: Record<string, ComplianceCheckSummary>;
}

/** A team's or cost center's score over its environments. @public */
export interface ComplianceGroupScore {
  name: string;
  environments: number;
  score: ComplianceScore;
  /** How many of its environments reach each level (as their highest). */
  levels: Record<string, number>;
}

/**
 * `GET /compliance/scorecards`: the scores of the environments the caller reads, per team, cost
 * center and environment. `platform` is over every environment for callers who read every team,
 * else over the caller's environments (`scope` says which).
 * @public
 */
export interface ComplianceScorecards {
  /** When the cluster was evaluated. */
  evaluatedAt: string;
  scope: 'platform' | 'teams';
  platform: ComplianceScore;
  levels: ComplianceLevel[];
  checks: ComplianceCheckInfo[];
  /** Each environment with its checks' statuses: enough to draw the environments by check. */
  environments: EnvironmentScorecard[];
  teams: ComplianceGroupScore[];
  costCenters: ComplianceGroupScore[];
}

/** One check's result in one environment. @public */
export interface EnvironmentCheckResult {
  checkId: string;
  status: ComplianceCheckStatus;
  /** The first failing objects, each with the field path that fails. */
  failures: CheckFailure[];
  /** Every failing object, counted. */
  failureCount: number;
  /** Why the check could not run. */
  error?: string;
  /** The waiver a failure counts under (status `waived`); the failures stay listed. */
  waiver?: AppliedWaiver;
}

/** `GET /compliance/environments/{namespace}`: one environment's checks. @public */
export interface EnvironmentCompliance extends EnvironmentComplianceScore {
  evaluatedAt: string;
  checks: Array<ComplianceCheckInfo & EnvironmentCheckResult>;
}

/** Query of `GET /compliance/scorecards`. @public */
export const complianceScorecardsQuerySchema = z.strictObject({
  teams: teamList.optional(),
});

/** Query of `GET /compliance/environments/{namespace}`: none. @public */
export const complianceEnvironmentQuerySchema = z.strictObject({});

/** Path of `GET /compliance/environments/{namespace}`. @public */
export const complianceEnvironmentParamsSchema = z.strictObject({
  namespace: z
    .string()
    .regex(
      /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/,
      'must be a namespace name (a DNS label)',
    ),
});
