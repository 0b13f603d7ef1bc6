import type { LoggerService } from '@backstage/backend-plugin-api';
import type { CheckFailure } from '@genai-portal/plugin-genai-insights-common';
import type {
  CheckContext,
  ComplianceCheck,
  EnvironmentObjects,
} from '@genai-portal/plugin-genai-insights-node';
import { COST_CENTER_KEY, TEAM_LABEL } from '../cluster/podIntervals';

/** What one check found in one environment. */
export type CheckStatus = 'pass' | 'fail' | 'not-applicable' | 'error';

/** The failures kept per check and environment; `failureCount` has them all. */
export const MAX_FAILURES = 50;

/** How long one check may take over one environment by default. */
export const DEFAULT_CHECK_BUDGET_MS = 5_000;

/** One check's result in one environment. */
export interface CheckResult {
  /** The environment's namespace. */
  environment: string;
  /** The namespace's `genai-playground.io/team` label, when it has one. */
  team?: string;
  /** The namespace's `genai-playground.io/cost-center` annotation (or label), when it has one. */
  costCenter?: string;
  checkId: string;
  status: CheckStatus;
  /** The first {@link MAX_FAILURES} failing objects. */
  failures: CheckFailure[];
  /** Every failing object, counted. */
  failureCount: number;
  /** Why the check could not run (it threw, or took longer than its budget). */
  error?: string;
}

/** Options of {@link evaluateChecks}. */
export interface EvaluateChecksOptions {
  checks: ComplianceCheck[];
  environments: EnvironmentObjects[];
  context: CheckContext;
  /** Told once per evaluation about each check that errs, with how many environments. */
  logger?: LoggerService;
  /** How long a check may take over one environment; default 5 s. */
  timeBudgetMs?: number;
}

/** The team and cost center of an environment, from its namespace. */
export function environmentOwner(environment: EnvironmentObjects): {
  environment: string;
  team?: string;
  costCenter?: string;
} {
  const meta = environment.namespace.metadata ?? {};
  const labels = meta.labels ?? {};
  const annotations = meta.annotations ?? {};
  const text = (value: unknown) =>
    typeof value === 'string' && value.trim() ? value.trim() : undefined;
  return {
    environment: meta.name ?? '',
    team: text(labels[TEAM_LABEL]),
    costCenter: text(annotations[COST_CENTER_KEY] ?? labels[COST_CENTER_KEY]),
  };
}

class BudgetExceeded extends Error {}

/**
 * Every check over every environment: one result per environment and check, in the order
 * given. A check that throws, answers something that is not a list of failures, or takes longer
 * than its budget is an `error` in that environment only; each such check is logged once per
 * evaluation. A check's budget stops waiting for it, not the check: a synchronous check that
 * overruns is found out when it returns.
 */
export async function evaluateChecks(
  options: EvaluateChecksOptions,
): Promise<CheckResult[]> {
  const { checks, environments, context, logger } = options;
  const budget = options.timeBudgetMs ?? DEFAULT_CHECK_BUDGET_MS;
  const errors = new Map<string, { first: string; count: number }>();
  const results: CheckResult[] = [];

  for (const environment of environments) {
    const owner = environmentOwner(environment);
    for (const check of checks) {
      const base = { ...owner, checkId: check.id };
      try {
        const applies = await withinBudget(
          () => check.appliesTo?.(environment, context) ?? true,
          budget,
        );
        if (!applies) {
          results.push({
            ...base,
            status: 'not-applicable',
            failures: [],
            failureCount: 0,
          });
          continue;
        }
        const failures = await withinBudget(
          () => check.evaluate(environment, context),
          budget,
        );
        if (!Array.isArray(failures)) {
          throw new Error('it did not return a list of failures');
        }
        results.push({
          ...base,
          status: failures.length ? 'fail' : 'pass',
          failures: failures.slice(0, MAX_FAILURES),
          failureCount: failures.length,
        });
      } catch (error) {
        const message =
          error instanceof BudgetExceeded
            ? error.message
            : `the check failed: ${(error as Error)?.message ?? String(error)}`;
        results.push({
          ...base,
          status: 'error',
          failures: [],
          failureCount: 0,
          error: message,
        });
        const seen = errors.get(check.id);
        if (seen) seen.count += 1;
        else
          errors.set(check.id, {
            first: `${owner.environment}: ${message}`,
            count: 1,
          });
      }
    }
  }

  for (const [id, { first, count }] of errors) {
    logger?.warn(
      `Compliance check '${id}' could not run in ${count} environment${
        count === 1 ? '' : 's'
      } (${first})`,
    );
  }
  return results;
}

/** The value of `run`, or a {@link BudgetExceeded} when it takes longer than `budgetMs`. */
async function withinBudget<T>(
  run: () => T | Promise<T>,
  budgetMs: number,
): Promise<T> {
  const started = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const exceeded = () =>
    new BudgetExceeded(`the check took longer than ${budgetMs} ms`);
  try {
    const value = await Promise.race([
      Promise.resolve().then(run),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(exceeded()), budgetMs);
      }),
    ]);
    if (performance.now() - started > budgetMs) throw exceeded();
    return value;
  } finally {
    clearTimeout(timer);
  }
}
