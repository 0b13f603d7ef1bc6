import type { ComplianceCheck } from '@genai-portal/plugin-genai-insights-node';
import type { CheckFailure } from '@genai-portal/plugin-genai-insights-common';
import {
  BUDGET_ANNOTATION,
  COST_CENTER_ANNOTATION,
  annotationsOf,
  failure,
  found,
  objectsOf,
} from './util';

/** `1200`, `1200.50 USD`: an amount, optionally followed by its currency. */
const BUDGET = /^\d+(\.\d+)?(\s+[A-Z]{3})?$/;

/** The namespace's cost center and monthly budget annotations. */
export const costAnnotationsCheck: ComplianceCheck = {
  id: 'cost-annotations',
  title: 'Cost center and budget',
  severity: 'medium',
  category: 'cost',
  looksAt: `the namespace's ${COST_CENTER_ANNOTATION} (not empty) and ${BUDGET_ANNOTATION} (an amount, optionally with its currency: 1200 USD) annotations`,
  remediation: `Annotate the namespace with ${COST_CENTER_ANNOTATION} and ${BUDGET_ANNOTATION} (the monthly budget, as '1200 USD').`,
  evaluate(objects) {
    const { namespace } = objectsOf(objects);
    const annotations = annotationsOf(namespace);
    const failures: CheckFailure[] = [];
    const fail = (key: string, message: string) =>
      failures.push(
        failure(namespace, 'Namespace', `metadata.annotations.${key}`, message),
      );
    const costCenter = annotations[COST_CENTER_ANNOTATION];
    if (typeof costCenter !== 'string' || costCenter.trim() === '') {
      fail(COST_CENTER_ANNOTATION, found(costCenter));
    }
    const budget = annotations[BUDGET_ANNOTATION];
    if (typeof budget !== 'string' || !BUDGET.test(budget.trim())) {
      fail(
        BUDGET_ANNOTATION,
        budget === undefined || budget === null
          ? 'is missing'
          : `${found(budget)}, not an amount (1200 USD)`,
      );
    }
    return failures;
  },
};
