import type { ComplianceCheck } from '@genai-portal/plugin-genai-insights-node';
import type { CheckFailure } from '@genai-portal/plugin-genai-insights-common';
import { failure, labelsOf, objectsOf } from './util';

/** The labels Gatekeeper requires (`deploy/platform/required-labels.yaml`) and their values. */
export const REQUIRED_LABELS: Record<string, readonly string[]> = {
  'security-level': ['low', 'medium', 'high'],
  'data-classification': ['public', 'internal', 'confidential', 'restricted'],
};

function labelFailures(object: unknown, kind: string): CheckFailure[] {
  const labels = labelsOf(object);
  return Object.entries(REQUIRED_LABELS).flatMap(([key, allowed]) => {
    const value = labels[key];
    if (value === undefined || value === null) {
      return [failure(object, kind, `metadata.labels.${key}`, 'is missing')];
    }
    if (typeof value !== 'string' || !allowed.includes(value)) {
      return [
        failure(
          object,
          kind,
          `metadata.labels.${key}`,
          `is '${String(value)}', not one of ${allowed.join(', ')}`,
        ),
      ];
    }
    return [];
  });
}

/** `security-level` and `data-classification` on the namespace and every Pod. */
export const requiredLabelsCheck: ComplianceCheck = {
  id: 'required-labels',
  title: 'Required security labels',
  severity: 'high',
  category: 'labels',
  looksAt:
    'the security-level (low, medium, high) and data-classification (public, internal, confidential, restricted) labels of the namespace and every Pod',
  remediation:
    'Label the namespace and every pod template with security-level and data-classification, using one of the allowed values.',
  evaluate(objects) {
    const { namespace, pods } = objectsOf(objects);
    return [
      ...labelFailures(namespace, 'Namespace'),
      ...pods.flatMap(pod => labelFailures(pod, 'Pod')),
    ];
  },
};
