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
