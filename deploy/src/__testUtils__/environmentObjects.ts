import type {
  EnvironmentObjects,
  KubeObject,
} from '@genai-portal/plugin-genai-insights-node';
import type { Manifest } from './render';

/*
 * Manifests (what helm and kustomize render) as the compliance checks see a live namespace: each
 * namespaced object in its namespace, and the Pods the controllers would make from the pod
 * templates, so that pod checks look at what would run and not only at what was written.
 */

/** Kinds without a namespace; every other kind the manifests hold is namespaced. */
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'ConstraintTemplate',
  'K8sRequiredLabels',
  'CustomResourceDefinition',
  'PriorityClass',
  'StorageClass',
  'SecurityContextConstraints',
  // Kueue
  'ClusterQueue',
  'ResourceFlavor',
  'Cohort',
  'WorkloadPriorityClass',
  'Kueue',
  // Istio and OpenShift Service Mesh
  'ServiceMeshControlPlane',
  // Kyverno
  'ClusterPolicy',
]);

/** The replicas a Deployment or StatefulSet runs: its own, else the minimum of its autoscaler. */
function replicasOf(workload: Manifest, manifests: Manifest[]): number {
  if (typeof workload.spec?.replicas === 'number')
    return workload.spec.replicas;
  const hpa = manifests.find(
    m =>
      m.kind === 'HorizontalPodAutoscaler' &&
      m.metadata.namespace === workload.metadata.namespace &&
      m.spec?.scaleTargetRef?.kind === workload.kind &&
      m.spec?.scaleTargetRef?.name === workload.metadata.name,
  );
  // Without either, Kubernetes defaults to one.
  return hpa?.spec?.minReplicas ?? 1;
}

/** A Pod of a pod template, as its controller would create it. */
function podOf(template: any, name: string, namespace: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      labels: { ...template?.metadata?.labels },
      annotations: { ...template?.metadata?.annotations },
    },
    spec: structuredClone(template?.spec ?? {}),
  };
}

/**
 * The manifests with a namespace each: namespaced objects without one go to `releaseNamespace`
 * (as `helm install --namespace` puts them), and Deployments scaled by an autoscaler get the
 * replicas it would give them.
 */
export function placed(
  manifests: Manifest[],
  releaseNamespace: string,
): Manifest[] {
  const inNamespace = manifests.map(m =>
    CLUSTER_SCOPED.has(m.kind) || m.metadata.namespace
      ? m
      : { ...m, metadata: { ...m.metadata, namespace: releaseNamespace } },
  );
  return inNamespace.map(m =>
    m.kind === 'Deployment' || m.kind === 'StatefulSet'
      ? { ...m, spec: { ...m.spec, replicas: replicasOf(m, inNamespace) } }
      : m,
  );
}

/** The Pods the workloads among the manifests would run. */
export function podsOf(manifests: Manifest[]): KubeObject[] {
  return manifests.flatMap(m => {
    const { name, namespace = '' } = m.metadata;
    switch (m.kind) {
      case 'Deployment':
      case 'StatefulSet':
        return Array.from({ length: m.spec?.replicas ?? 1 }, (_, i) =>
          podOf(m.spec?.template, `${name}-${i}`, namespace),
        );
      case 'Job':
        return [podOf(m.spec?.template, `${name}-0`, namespace)];
      case 'CronJob':
        return [
          podOf(
            m.spec?.jobTemplate?.spec?.template,
            `${name}-scheduled-0`,
            namespace,
          ),
        ];
      default:
        return [];
    }
  });
}

/**
 * Every namespace the manifests put objects in, with its objects. The Namespace object is the
 * manifests' own; one they do not hold is taken from `namespaces` (the one the chart is installed
 * in, as its README describes it), else it has a name only.
 */
export function environmentsOf(
  manifests: Manifest[],
  namespaces: KubeObject[] = [],
): EnvironmentObjects[] {
  const known = [
    ...manifests.filter(m => m.kind === 'Namespace'),
    ...namespaces,
  ];
  const names = new Set<string>([
    ...manifests.filter(m => m.kind === 'Namespace').map(m => m.metadata.name),
    ...manifests.flatMap(m =>
      CLUSTER_SCOPED.has(m.kind) || !m.metadata.namespace
        ? []
        : [m.metadata.namespace],
    ),
  ]);
  const pods = podsOf(manifests);
  return [...names].sort().map(name => {
    const inIt = (kind: string) =>
      manifests.filter(
        m => m.kind === kind && m.metadata.namespace === name,
      ) as KubeObject[];
    return {
      namespace: known.find(n => n.metadata?.name === name) ?? {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name },
      },
      pods: pods.filter(p => p.metadata?.namespace === name),
      deployments: inIt('Deployment'),
      statefulSets: inIt('StatefulSet'),
      jobs: inIt('Job'),
      networkPolicies: inIt('NetworkPolicy'),
      resourceQuotas: inIt('ResourceQuota'),
      limitRanges: inIt('LimitRange'),
      podDisruptionBudgets: inIt('PodDisruptionBudget'),
      policyReports: inIt('PolicyReport'),
    };
  });
}
