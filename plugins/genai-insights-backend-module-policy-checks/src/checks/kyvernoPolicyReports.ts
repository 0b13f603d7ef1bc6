import type { ComplianceCheck } from '@genai-portal/plugin-genai-insights-node';
import type { CheckFailure } from '@genai-portal/plugin-genai-insights-common';
import { list, nameOf, record, UNNAMED } from './util';

/** Results that fail the check: a rule the resource breaks, or one Kyverno could not apply. */
const FAILING = new Set(['fail', 'error']);

const text = (value: unknown, fallback: string) =>
  typeof value === 'string' && value ? value : fallback;

/**
 * The resources a result is about: its own `resources` (reports of Kyverno before 1.10, one per
 * namespace) or the report's `scope` (one report per resource since).
 */
function resourcesOf(result: Record<string, any>, report: unknown) {
  const own = list(result.resources);
  if (own.length > 0) return own;
  const scope = record(record(report).scope);
  return [
    Object.keys(scope).length > 0
      ? scope
      : { kind: 'PolicyReport', name: nameOf(report) },
  ];
}

/** No Kyverno policy fails, or errs, on the environment's resources. `warn` is advice only. */
export const kyvernoPolicyReportsCheck: ComplianceCheck = {
  id: 'kyverno-policy-reports',
  title: 'Kyverno policies pass',
  severity: 'medium',
  category: 'policy-engine',
  looksAt:
    "the results of the namespace's PolicyReports (wgpolicyk8s.io/v1alpha2): none with result fail or error (warn, skip and pass do not fail); applies only where the cluster serves PolicyReports",
  remediation:
    'Change the resource as the Kyverno policy and rule named in the field path require (kubectl get clusterpolicy <policy> -o yaml); Kyverno updates its report when the resource changes.',
  appliesTo(objects) {
    return record(objects).policyReportsServed === true;
  },
  evaluate(objects) {
    return list(record(objects).policyReports).flatMap(report =>
      list(report.results)
        .filter(result => FAILING.has(result.result))
        .flatMap(result =>
          resourcesOf(result, report).map(
            (resource): CheckFailure => ({
              kind: text(resource.kind, 'Object'),
              name: text(resource.name, UNNAMED),
              fieldPath: `kyverno.${text(result.policy, UNNAMED)}/${text(
                result.rule,
                UNNAMED,
              )}`,
              message: `${result.result}: ${text(
                result.message,
                'no message',
              )}`,
            }),
          ),
        ),
    );
  },
};
