import type { ComplianceCheck } from '@genai-portal/plugin-genai-insights-node';
import { failure, list, namespaceFailure, objectsOf, record } from './util';

/** A LimitRange giving containers default requests and limits. */
export const limitRangeCheck: ComplianceCheck = {
  id: 'limit-range',
  title: 'LimitRange with container defaults',
  severity: 'low',
  category: 'quota',
  looksAt:
    "the namespace's LimitRanges: one with a Container entry setting default limits or default requests",
  remediation:
    'Add a LimitRange with a limits entry of type Container setting default and defaultRequest for cpu and memory, so pods without resources are admitted by the quota.',
  evaluate(objects) {
    const { limitRanges } = objectsOf(objects);
    if (limitRanges.length === 0) {
      return [namespaceFailure(objects, 'limitRanges', 'has no LimitRange')];
    }
    const defaults = limitRanges.some(range =>
      list(record(range.spec).limits).some(
        entry =>
          entry.type === 'Container' &&
          (isSet(entry.default ?? entry._default) ||
            isSet(entry.defaultRequest)),
      ),
    );
    return defaults
      ? []
      : limitRanges.map(range =>
          failure(
            range,
            'LimitRange',
            'spec.limits',
            'has no Container entry with default or defaultRequest',
          ),
        );
  },
};

function isSet(value: unknown): boolean {
  return Object.keys(record(value)).length > 0;
}
