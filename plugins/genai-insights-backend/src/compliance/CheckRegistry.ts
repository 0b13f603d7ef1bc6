import { CHECK_SEVERITIES } from '@genai-portal/plugin-genai-insights-common';
import type {
  ComplianceCheck,
  GenaiInsightsChecksExtensionPoint,
} from '@genai-portal/plugin-genai-insights-node';

/** A check id: lower case letters, digits and dashes, at most 63. */
const CHECK_ID = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** What is wrong with a check as added, or undefined. */
function problemOf(check: ComplianceCheck): string | undefined {
  if (!check || typeof check !== 'object') return 'is not an object';
  if (typeof check.id !== 'string' || !CHECK_ID.test(check.id)) {
    return 'id must be lowercase letters, digits and dashes (at most 63, not starting or ending with a dash)';
  }
  for (const field of [
    'title',
    'category',
    'looksAt',
    'remediation',
  ] as const) {
    if (typeof check[field] !== 'string' || !check[field].trim()) {
      return `${field} is missing`;
    }
  }
  if (!(CHECK_SEVERITIES as readonly string[]).includes(check.severity)) {
    return `severity '${String(
      check.severity,
    )}' is not one of ${CHECK_SEVERITIES.join(', ')}`;
  }
  if (typeof check.evaluate !== 'function') return 'evaluate is not a function';
  if (check.appliesTo !== undefined && typeof check.appliesTo !== 'function') {
    return 'appliesTo is not a function';
  }
  return undefined;
}

/**
 * The checks modules add through `genaiInsightsChecksExtensionPoint`: each is checked when it is
 * added (its id's form and uniqueness, its fields), so a clash or a malformed check stops the
 * backend at start-up, naming the check. Checks keep the order they were added in.
 */
export function createCheckRegistry(): {
  extensionPoint: GenaiInsightsChecksExtensionPoint;
  checks: ComplianceCheck[];
} {
  const checks: ComplianceCheck[] = [];
  return {
    checks,
    extensionPoint: {
      addChecks(...added) {
        const ids = new Set(checks.map(c => c.id));
        for (const check of added) {
          const problem = problemOf(check);
          if (problem) {
            const id =
              typeof check?.id === 'string' ? check.id : String(check?.id);
            throw new Error(`Compliance check '${id}': ${problem}`);
          }
          if (ids.has(check.id)) {
            throw new Error(
              `Compliance check '${check.id}' is already added: check ids must be unique across modules`,
            );
          }
          ids.add(check.id);
        }
        // All or none: a module's checks are not half added.
        checks.push(...added);
      },
    },
  };
}
