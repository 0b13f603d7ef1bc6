/**
 * Policy-engine objects for tests, as Gatekeeper and Kyverno users write them: the platform's
 * required-labels template and constraint (deploy/platform/required-labels.yaml) and a Kyverno
 * PolicyReport.
 */

export const REQUIRED_LABELS_TEMPLATE = {
  apiVersion: 'templates.gatekeeper.sh/v1',
  kind: 'ConstraintTemplate',
  metadata: { name: 'k8srequiredlabels' },
  spec: {
    crd: { spec: { names: { kind: 'K8sRequiredLabels' } } },
    targets: [
      {
        target: 'admission.k8s.gatekeeper.sh',
        rego: 'package k8srequiredlabels\n',
      },
    ],
  },
};

export const REQUIRED_LABELS_CONSTRAINT = {
  apiVersion: 'constraints.gatekeeper.sh/v1beta1',
  kind: 'K8sRequiredLabels',
  metadata: { name: 'genai-required-labels' },
  spec: {
    enforcementAction: 'deny',
    match: {
      kinds: [{ apiGroups: [''], kinds: ['Namespace'] }],
      labelSelector: {
        matchExpressions: [
          {
            key: 'app.kubernetes.io/managed-by',
            operator: 'In',
            values: ['genai-playground-portal'],
          },
        ],
      },
    },
    parameters: {
      labels: [
        { key: 'security-level', allowedRegex: '^(low|medium|high)$' },
        {
          key: 'data-classification',
          allowedRegex: '^(public|internal|confidential|restricted)$',
        },
      ],
    },
  },
};

/** A Kyverno report (one per resource, as Kyverno 1.10+ writes them) with one failing rule. */
export function policyReport(namespace: string, pod: string) {
  return {
    apiVersion: 'wgpolicyk8s.io/v1alpha2',
    kind: 'PolicyReport',
    metadata: {
      name: `pod-${pod}`,
      namespace,
      labels: { 'app.kubernetes.io/managed-by': 'kyverno' },
    },
    scope: { apiVersion: 'v1', kind: 'Pod', name: pod, namespace },
    results: [
      {
        source: 'kyverno',
        policy: 'disallow-latest-tag',
        rule: 'validate-image-tag',
        result: 'fail',
        severity: 'medium',
        category: 'Best Practices',
        scored: true,
        message:
          "validation error: Using a mutable image tag e.g. 'latest' is not allowed.",
        timestamp: { seconds: 1764979200, nanos: 0 },
      },
      {
        source: 'kyverno',
        policy: 'require-run-as-nonroot',
        rule: 'run-as-non-root',
        result: 'pass',
        severity: 'medium',
        category: 'Pod Security Standards (Restricted)',
        scored: true,
        message: 'validation rule run-as-non-root passed.',
        timestamp: { seconds: 1764979200, nanos: 0 },
      },
    ],
    summary: { pass: 1, fail: 1, warn: 0, error: 0, skip: 0 },
  };
}
