import type {
  CheckContext,
  ComplianceCheck,
  EnvironmentObjects,
  KubeObject,
} from '@genai-portal/plugin-genai-insights-node';
import type { CheckFailure } from '@genai-portal/plugin-genai-insights-common';

/*
 * A compliant environment, as the genai-playground backend creates it (environments, jobs and
 * inference manifests) and as the API serves it back: `from`/`default` rather than the client's
 * `_from`/`_default`, pods created by the Job and the Deployment's ReplicaSet.
 */

export const NAMESPACE = 'ml-research-rag-eval';

const common = {
  'app.kubernetes.io/managed-by': 'genai-playground-portal',
  'genai-playground.io/environment': 'rag-eval',
  'genai-playground.io/team': 'ml-research',
};

/** The labels Gatekeeper requires on pods as well as on the namespace. */
const required = {
  'security-level': 'medium',
  'data-classification': 'internal',
};

const restrictedContainer = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

const podSecurityContext = {
  runAsNonRoot: true,
  seccompProfile: { type: 'RuntimeDefault' },
};

const gpuToleration = {
  key: 'amd.com/gpu',
  operator: 'Exists',
  effect: 'NoSchedule',
};

const jobLabels = {
  ...common,
  ...required,
  'app.kubernetes.io/component': 'blueprint-worker',
  'genai-playground.io/job-id': 'j-7f3a',
  'genai-playground.io/owner': 'lena.fischer',
  'genai-playground.io/cost-center': 'CC-2100',
  'genai-playground.io/gpu-pool': 'mi300x',
};

const jobPodSpec = () => ({
  restartPolicy: 'Never',
  nodeSelector: { 'gpu-type': 'mi300x' },
  tolerations: [{ ...gpuToleration }],
  automountServiceAccountToken: false,
  securityContext: structuredClone(podSecurityContext),
  containers: [
    {
      name: 'main',
      image: 'quay.io/genai/blueprints/rag-eval:1.4.0',
      resources: {
        requests: { cpu: '4', memory: '32Gi', 'amd.com/gpu': '1' },
        limits: { cpu: '8', memory: '32Gi', 'amd.com/gpu': '1' },
      },
      securityContext: structuredClone(restrictedContainer),
      volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
    },
  ],
  volumes: [{ name: 'tmp', emptyDir: {} }],
});

const serverLabels = {
  ...common,
  ...required,
  'app.kubernetes.io/name': 'vllm',
  'app.kubernetes.io/instance': 'llama',
  'app.kubernetes.io/component': 'model-server',
  'genai-playground.io/gpu-pool': 'mi355x',
};

const probe = (initialDelaySeconds: number, failureThreshold: number) => ({
  httpGet: { path: '/health', port: 'http' },
  initialDelaySeconds,
  periodSeconds: 10,
  timeoutSeconds: 5,
  failureThreshold,
});

const serverPodSpec = () => ({
  nodeSelector: { 'gpu-type': 'mi355x' },
  tolerations: [{ ...gpuToleration }],
  automountServiceAccountToken: false,
  securityContext: structuredClone(podSecurityContext),
  containers: [
    {
      name: 'vllm',
      image: 'quay.io/genai/vllm:0.9.2-rocm',
      ports: [{ name: 'http', containerPort: 8000, protocol: 'TCP' }],
      resources: {
        requests: { cpu: '8', memory: '64Gi', 'amd.com/gpu': '1' },
        limits: { cpu: '16', memory: '128Gi', 'amd.com/gpu': '1' },
      },
      readinessProbe: probe(30, 3),
      livenessProbe: probe(600, 6),
      securityContext: structuredClone(restrictedContainer),
      volumeMounts: [
        { name: 'model-cache', mountPath: '/models-cache' },
        { name: 'dshm', mountPath: '/dev/shm' },
      ],
    },
  ],
  volumes: [
    { name: 'model-cache', emptyDir: { sizeLimit: '200Gi' } },
    { name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '16Gi' } },
  ],
});

const policy = (name: string, spec: object): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace: NAMESPACE, labels: { ...common } },
  spec,
});

const namespaceNamed = (names: string[]) => ({
  namespaceSelector: {
    matchExpressions: [
      { key: 'kubernetes.io/metadata.name', operator: 'In', values: names },
    ],
  },
});

export function compliantEnvironment(): EnvironmentObjects {
  return {
    namespace: {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: NAMESPACE,
        labels: {
          ...common,
          ...required,
          'kubernetes.io/metadata.name': NAMESPACE,
          'genai-playground.io/owner': 'lena.fischer',
          'genai-playground.io/gpu-pool': 'mi355x',
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/warn': 'restricted',
        },
        annotations: {
          'genai-playground.io/cost-center': 'CC-2100',
          'genai-playground.io/budget': '5400.5 USD',
          'genai-playground.io/expires-at': '2026-12-08T10:00:00.000Z',
          'openshift.io/requester': 'lena.fischer',
          'openshift.io/display-name': 'rag-eval',
        },
      },
    },
    pods: [
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: 'bp-j-7f3a-x2k9d',
          namespace: NAMESPACE,
          labels: { ...jobLabels, 'batch.kubernetes.io/job-name': 'bp-j-7f3a' },
          ownerReferences: [{ kind: 'Job', name: 'bp-j-7f3a' }],
        },
        spec: jobPodSpec(),
        status: { phase: 'Running' },
      },
      ...['7c9d4-abcde', '7c9d4-fghij'].map(suffix => ({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: `llama-${suffix}`,
          namespace: NAMESPACE,
          labels: { ...serverLabels, 'pod-template-hash': '7c9d4' },
          ownerReferences: [{ kind: 'ReplicaSet', name: 'llama-7c9d4' }],
        },
        spec: serverPodSpec(),
        status: { phase: 'Running' },
      })),
    ],
    deployments: [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'llama', namespace: NAMESPACE, labels: serverLabels },
        spec: {
          replicas: 2,
          selector: {
            matchLabels: {
              'app.kubernetes.io/name': 'vllm',
              'app.kubernetes.io/instance': 'llama',
            },
          },
          template: {
            metadata: { labels: { ...serverLabels } },
            spec: serverPodSpec(),
          },
        },
      },
    ],
    statefulSets: [],
    jobs: [
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: {
          name: 'bp-j-7f3a',
          namespace: NAMESPACE,
          labels: jobLabels,
        },
        spec: {
          completions: 1,
          parallelism: 1,
          template: {
            metadata: { labels: { ...jobLabels } },
            spec: jobPodSpec(),
          },
        },
      },
    ],
    networkPolicies: [
      policy('default-deny-ingress', {
        podSelector: {},
        policyTypes: ['Ingress'],
      }),
      policy('allow-same-namespace', {
        podSelector: {},
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: {} }] }],
      }),
      policy('allow-from-openshift-router', {
        podSelector: {},
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [
              {
                namespaceSelector: {
                  matchLabels: {
                    'network.openshift.io/policy-group': 'ingress',
                  },
                },
              },
            ],
          },
        ],
      }),
      policy('allow-from-portal-gateway', {
        podSelector: {},
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [
              {
                namespaceSelector: {
                  matchLabels: {
                    'kubernetes.io/metadata.name': 'genai-portal',
                  },
                },
              },
            ],
          },
        ],
      }),
      policy('restrict-egress', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          {
            to: [namespaceNamed(['kube-system', 'openshift-dns'])],
            ports: [
              { protocol: 'UDP', port: 53 },
              { protocol: 'TCP', port: 53 },
              { protocol: 'UDP', port: 5353 },
              { protocol: 'TCP', port: 5353 },
            ],
          },
          { to: [namespaceNamed(['genai-portal'])] },
          { to: [{ podSelector: {} }] },
          {
            to: [
              {
                ipBlock: {
                  cidr: '0.0.0.0/0',
                  except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'],
                },
              },
            ],
          },
        ],
      }),
    ],
    resourceQuotas: [
      {
        apiVersion: 'v1',
        kind: 'ResourceQuota',
        metadata: {
          name: 'genai-playground-quota',
          namespace: NAMESPACE,
          labels: { ...common },
        },
        spec: {
          hard: {
            'requests.cpu': '32',
            'limits.cpu': '64',
            'requests.memory': '256Gi',
            'limits.memory': '512Gi',
            'requests.storage': '500Gi',
            persistentvolumeclaims: '10',
            pods: '50',
            'requests.amd.com/gpu': '3',
          },
        },
      },
    ],
    limitRanges: [
      {
        apiVersion: 'v1',
        kind: 'LimitRange',
        metadata: {
          name: 'genai-playground-limits',
          namespace: NAMESPACE,
          labels: { ...common },
        },
        spec: {
          limits: [
            {
              type: 'Container',
              defaultRequest: { cpu: '250m', memory: '512Mi' },
              default: { cpu: '500m', memory: '1Gi' },
            },
          ],
        },
      },
    ],
    podDisruptionBudgets: [
      {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: { name: 'llama', namespace: NAMESPACE },
        spec: {
          maxUnavailable: 1,
          selector: {
            matchLabels: {
              'app.kubernetes.io/name': 'vllm',
              'app.kubernetes.io/instance': 'llama',
            },
          },
        },
      },
    ],
    // Kyverno reports one resource per report; everything passes.
    policyReports: [
      {
        apiVersion: 'wgpolicyk8s.io/v1alpha2',
        kind: 'PolicyReport',
        metadata: { name: 'pod-bp-j-7f3a-x2k9d', namespace: NAMESPACE },
        scope: {
          apiVersion: 'v1',
          kind: 'Pod',
          name: 'bp-j-7f3a-x2k9d',
          namespace: NAMESPACE,
        },
        results: [
          {
            source: 'kyverno',
            policy: 'disallow-latest-tag',
            rule: 'validate-image-tag',
            result: 'pass',
            severity: 'medium',
            message: 'validation rule validate-image-tag passed.',
          },
        ],
        summary: { pass: 1, fail: 0, warn: 0, error: 0, skip: 0 },
      },
    ],
    policyReportsServed: true,
    gatekeeper: { running: true, violations: [] },
    idleGpus: [],
  };
}

export function checkContext(
  overrides: Partial<CheckContext> = {},
): CheckContext {
  return {
    now: new Date('2026-12-05T12:00:00.000Z'),
    allowedRegistries: ['quay.io/genai'],
    pools: [
      {
        name: 'mi355x',
        nodeLabel: 'gpu-type',
        nodeLabelValue: 'mi355x',
        workloadType: 'inference',
      },
      {
        name: 'mi300x',
        nodeLabel: 'gpu-type',
        nodeLabelValue: 'mi300x',
        workloadType: 'blueprint',
      },
    ],
    ...overrides,
  };
}

/** The check's failures on the compliant environment after `change` (any object to edit). */
export async function evaluate(
  check: ComplianceCheck,
  change: (env: EnvironmentObjects & Record<string, any>) => void = () => {},
  context: CheckContext = checkContext(),
): Promise<CheckFailure[]> {
  const env = compliantEnvironment() as EnvironmentObjects &
    Record<string, any>;
  change(env);
  return check.evaluate(env, context);
}

/** The field paths of the failures, `Kind/name fieldPath`. */
export async function failedPaths(
  check: ComplianceCheck,
  change?: (env: EnvironmentObjects & Record<string, any>) => void,
  context?: CheckContext,
): Promise<string[]> {
  return (await evaluate(check, change, context)).map(
    f => `${f.kind}/${f.name} ${f.fieldPath}`,
  );
}

/** Objects with missing or odd fields, to check no check throws on them. */
export function oddEnvironments(): EnvironmentObjects[] {
  const odd: any[] = [
    {},
    { metadata: null, spec: null },
    { kind: 'Pod', metadata: { labels: null, annotations: 'x' }, spec: 'x' },
    {
      spec: {
        containers: [null, 'x', { securityContext: null, resources: 'x' }],
        initContainers: 'x',
        volumes: [null, { hostPath: null }],
        tolerations: 'x',
        nodeSelector: null,
        affinity: {
          nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: 'x' },
        },
        template: null,
        replicas: 3,
        selector: 'x',
        ingress: [
          null,
          { from: 'x' },
          { from: [null, { namespaceSelector: 'x' }] },
        ],
        egress: 'x',
        policyTypes: 'x',
        hard: null,
        limits: [null],
      },
    },
    {
      spec: {
        containers: [{ resources: { requests: { 'amd.com/gpu': '2' } } }],
        replicas: 2,
        template: { metadata: null, spec: { containers: [{}] } },
        ingress: [{ from: [{ ipBlock: null }, {}] }],
        egress: [{}],
        policyTypes: ['Ingress', 'Egress', 3],
        podSelector: null,
        selector: { matchExpressions: [{ operator: 'Bogus' }] },
      },
    },
  ];
  return [
    {} as EnvironmentObjects,
    { namespace: null } as unknown as EnvironmentObjects,
    {
      namespace: odd[2],
      pods: odd,
      deployments: odd,
      statefulSets: odd,
      jobs: odd,
      networkPolicies: odd,
      resourceQuotas: odd,
      limitRanges: odd,
      podDisruptionBudgets: odd,
      policyReports: [
        ...odd,
        { results: [null, { result: 'fail', resources: [null, {}] }] },
        { results: [{ result: 'error', policy: 3 }], scope: 'odd' },
      ],
      policyReportsServed: true,
      gatekeeper: { running: true, violations: odd },
      idleGpus: [...odd, { pod: 3, gpuId: {}, since: 'yesterday' }],
    } as unknown as EnvironmentObjects,
    {
      ...({} as EnvironmentObjects),
      policyReportsServed: 'yes',
      gatekeeper: { running: true, violations: 'none' },
      idleGpus: 'none',
    } as unknown as EnvironmentObjects,
  ];
}
