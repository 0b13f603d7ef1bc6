/**
 * The resource table. It drives discovery (/api, /apis/...), URL routing,
 * validation and field selectors, so adding a kind is one entry here.
 */
import { KubeObject } from '../types';

export interface ResourceDef {
  group: string;
  version: string;
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  /** kubernetes-models module (e.g. `batch/v1/Job`) used for schema validation. */
  model?: string;
  /** Has a status subresource: updates to the main resource keep status. */
  status?: boolean;
  /** Has a scale subresource (autoscaling/v1 Scale). */
  scale?: boolean;
  /** metadata.generation is tracked (bumped on spec changes). */
  generation?: boolean;
  /** Read-only view over another resource's storage (events.k8s.io over core events). */
  viewOf?: string;
  /** Supported field selectors and how to read them. */
  fields?: (obj: KubeObject) => Record<string, string>;
}

const ALL_VERBS = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];

export function verbsOf(def: ResourceDef): string[] {
  return def.viewOf ? ['get', 'list', 'watch'] : ALL_VERBS;
}

/** The storage key, e.g. `batch/jobs` or `/pods` (core). */
export function keyOf(def: ResourceDef): string {
  return def.viewOf ?? `${def.group}/${def.plural}`;
}

export function apiVersionOf(def: ResourceDef): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}

const meta = (o: KubeObject) => ({
  'metadata.name': o.metadata?.name ?? '',
  'metadata.namespace': o.metadata?.namespace ?? '',
});

export const RESOURCES: ResourceDef[] = [
  {
    group: '',
    version: 'v1',
    plural: 'namespaces',
    singular: 'namespace',
    kind: 'Namespace',
    namespaced: false,
    shortNames: ['ns'],
    model: 'v1/Namespace',
    status: true,
    fields: o => ({ ...meta(o), 'status.phase': o.status?.phase ?? '' }),
  },
  {
    group: '',
    version: 'v1',
    plural: 'nodes',
    singular: 'node',
    kind: 'Node',
    namespaced: false,
    shortNames: ['no'],
    model: 'v1/Node',
    status: true,
    fields: o => ({
      ...meta(o),
      'spec.unschedulable': String(!!o.spec?.unschedulable),
    }),
  },
  {
    group: '',
    version: 'v1',
    plural: 'pods',
    singular: 'pod',
    kind: 'Pod',
    namespaced: true,
    shortNames: ['po'],
    categories: ['all'],
    model: 'v1/Pod',
    status: true,
    generation: true,
    fields: o => ({
      ...meta(o),
      'spec.nodeName': o.spec?.nodeName ?? '',
      'spec.restartPolicy': o.spec?.restartPolicy ?? '',
      'spec.schedulerName': o.spec?.schedulerName ?? '',
      'spec.serviceAccountName': o.spec?.serviceAccountName ?? '',
      'spec.hostNetwork': String(!!o.spec?.hostNetwork),
      'status.phase': o.status?.phase ?? '',
      'status.podIP': o.status?.podIP ?? '',
      'status.nominatedNodeName': o.status?.nominatedNodeName ?? '',
    }),
  },
  {
    group: '',
    version: 'v1',
    plural: 'events',
    singular: 'event',
    kind: 'Event',
    namespaced: true,
    shortNames: ['ev'],
    model: 'v1/Event',
    fields: o => ({
      ...meta(o),
      'involvedObject.kind': o.involvedObject?.kind ?? '',
      'involvedObject.namespace': o.involvedObject?.namespace ?? '',
      'involvedObject.name': o.involvedObject?.name ?? '',
      'involvedObject.uid': o.involvedObject?.uid ?? '',
      'involvedObject.apiVersion': o.involvedObject?.apiVersion ?? '',
      'involvedObject.resourceVersion': o.involvedObject?.resourceVersion ?? '',
      'involvedObject.fieldPath': o.involvedObject?.fieldPath ?? '',
      reason: o.reason ?? '',
      reportingComponent: o.reportingComponent ?? '',
      source: o.source?.component ?? '',
      type: o.type ?? '',
    }),
  },
  {
    group: 'events.k8s.io',
    version: 'v1',
    plural: 'events',
    singular: 'event',
    kind: 'Event',
    namespaced: true,
    shortNames: ['ev'],
    viewOf: '/events',
    fields: o => ({
      ...meta(o),
      'regarding.kind': o.regarding?.kind ?? '',
      'regarding.namespace': o.regarding?.namespace ?? '',
      'regarding.name': o.regarding?.name ?? '',
      'regarding.uid': o.regarding?.uid ?? '',
      reason: o.reason ?? '',
      reportingController: o.reportingController ?? '',
      type: o.type ?? '',
    }),
  },
  {
    group: '',
    version: 'v1',
    plural: 'resourcequotas',
    singular: 'resourcequota',
    kind: 'ResourceQuota',
    namespaced: true,
    shortNames: ['quota'],
    model: 'v1/ResourceQuota',
    status: true,
  },
  {
    group: '',
    version: 'v1',
    plural: 'limitranges',
    singular: 'limitrange',
    kind: 'LimitRange',
    namespaced: true,
    shortNames: ['limits'],
    model: 'v1/LimitRange',
  },
  {
    group: '',
    version: 'v1',
    plural: 'serviceaccounts',
    singular: 'serviceaccount',
    kind: 'ServiceAccount',
    namespaced: true,
    shortNames: ['sa'],
    model: 'v1/ServiceAccount',
  },
  {
    group: '',
    version: 'v1',
    plural: 'secrets',
    singular: 'secret',
    kind: 'Secret',
    namespaced: true,
    model: 'v1/Secret',
    fields: o => ({ ...meta(o), type: o.type ?? '' }),
  },
  {
    group: '',
    version: 'v1',
    plural: 'configmaps',
    singular: 'configmap',
    kind: 'ConfigMap',
    namespaced: true,
    shortNames: ['cm'],
    model: 'v1/ConfigMap',
  },
  {
    group: '',
    version: 'v1',
    plural: 'services',
    singular: 'service',
    kind: 'Service',
    namespaced: true,
    shortNames: ['svc'],
    categories: ['all'],
    model: 'v1/Service',
    status: true,
  },
  {
    group: '',
    version: 'v1',
    plural: 'persistentvolumeclaims',
    singular: 'persistentvolumeclaim',
    kind: 'PersistentVolumeClaim',
    namespaced: true,
    shortNames: ['pvc'],
    model: 'v1/PersistentVolumeClaim',
    status: true,
  },
  {
    group: 'apps',
    version: 'v1',
    plural: 'deployments',
    singular: 'deployment',
    kind: 'Deployment',
    namespaced: true,
    shortNames: ['deploy'],
    categories: ['all'],
    model: 'apps/v1/Deployment',
    status: true,
    scale: true,
    generation: true,
  },
  {
    group: 'apps',
    version: 'v1',
    plural: 'replicasets',
    singular: 'replicaset',
    kind: 'ReplicaSet',
    namespaced: true,
    shortNames: ['rs'],
    categories: ['all'],
    model: 'apps/v1/ReplicaSet',
    status: true,
    scale: true,
    generation: true,
  },
  {
    group: 'apps',
    version: 'v1',
    plural: 'statefulsets',
    singular: 'statefulset',
    kind: 'StatefulSet',
    namespaced: true,
    shortNames: ['sts'],
    categories: ['all'],
    model: 'apps/v1/StatefulSet',
    status: true,
    scale: true,
    generation: true,
  },
  {
    group: 'apps',
    version: 'v1',
    plural: 'daemonsets',
    singular: 'daemonset',
    kind: 'DaemonSet',
    namespaced: true,
    shortNames: ['ds'],
    categories: ['all'],
    model: 'apps/v1/DaemonSet',
    status: true,
    generation: true,
  },
  {
    group: 'batch',
    version: 'v1',
    plural: 'jobs',
    singular: 'job',
    kind: 'Job',
    namespaced: true,
    categories: ['all'],
    model: 'batch/v1/Job',
    status: true,
    generation: true,
    fields: o => ({
      ...meta(o),
      'status.successful': String(o.status?.succeeded ?? 0),
    }),
  },
  {
    group: 'batch',
    version: 'v1',
    plural: 'cronjobs',
    singular: 'cronjob',
    kind: 'CronJob',
    namespaced: true,
    shortNames: ['cj'],
    categories: ['all'],
    model: 'batch/v1/CronJob',
    status: true,
    generation: true,
  },
  {
    group: 'autoscaling',
    version: 'v2',
    plural: 'horizontalpodautoscalers',
    singular: 'horizontalpodautoscaler',
    kind: 'HorizontalPodAutoscaler',
    namespaced: true,
    shortNames: ['hpa'],
    categories: ['all'],
    model: 'autoscaling/v2/HorizontalPodAutoscaler',
    status: true,
    generation: true,
  },
  {
    group: 'policy',
    version: 'v1',
    plural: 'poddisruptionbudgets',
    singular: 'poddisruptionbudget',
    kind: 'PodDisruptionBudget',
    namespaced: true,
    shortNames: ['pdb'],
    model: 'policy/v1/PodDisruptionBudget',
    status: true,
    generation: true,
  },
  {
    group: 'networking.k8s.io',
    version: 'v1',
    plural: 'networkpolicies',
    singular: 'networkpolicy',
    kind: 'NetworkPolicy',
    namespaced: true,
    shortNames: ['netpol'],
    model: 'networking.k8s.io/v1/NetworkPolicy',
    generation: true,
  },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    plural: 'roles',
    singular: 'role',
    kind: 'Role',
    namespaced: true,
    model: 'rbac.authorization.k8s.io/v1/Role',
  },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    plural: 'clusterroles',
    singular: 'clusterrole',
    kind: 'ClusterRole',
    namespaced: false,
    model: 'rbac.authorization.k8s.io/v1/ClusterRole',
  },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    plural: 'rolebindings',
    singular: 'rolebinding',
    kind: 'RoleBinding',
    namespaced: true,
    model: 'rbac.authorization.k8s.io/v1/RoleBinding',
  },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    plural: 'clusterrolebindings',
    singular: 'clusterrolebinding',
    kind: 'ClusterRoleBinding',
    namespaced: false,
    model: 'rbac.authorization.k8s.io/v1/ClusterRoleBinding',
  },
  {
    group: 'admissionregistration.k8s.io',
    version: 'v1',
    plural: 'validatingadmissionpolicies',
    singular: 'validatingadmissionpolicy',
    kind: 'ValidatingAdmissionPolicy',
    namespaced: false,
    categories: ['api-extensions'],
    model: 'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy',
    status: true,
    generation: true,
  },
  {
    group: 'admissionregistration.k8s.io',
    version: 'v1',
    plural: 'validatingadmissionpolicybindings',
    singular: 'validatingadmissionpolicybinding',
    kind: 'ValidatingAdmissionPolicyBinding',
    namespaced: false,
    categories: ['api-extensions'],
    model: 'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding',
    generation: true,
  },
  {
    group: 'scheduling.k8s.io',
    version: 'v1',
    plural: 'priorityclasses',
    singular: 'priorityclass',
    kind: 'PriorityClass',
    namespaced: false,
    shortNames: ['pc'],
    model: 'scheduling.k8s.io/v1/PriorityClass',
  },
  {
    group: 'storage.k8s.io',
    version: 'v1',
    plural: 'storageclasses',
    singular: 'storageclass',
    kind: 'StorageClass',
    namespaced: false,
    shortNames: ['sc'],
    model: 'storage.k8s.io/v1/StorageClass',
  },
  {
    group: 'coordination.k8s.io',
    version: 'v1',
    plural: 'leases',
    singular: 'lease',
    kind: 'Lease',
    namespaced: true,
    model: 'coordination.k8s.io/v1/Lease',
  },
  {
    group: 'route.openshift.io',
    version: 'v1',
    plural: 'routes',
    singular: 'route',
    kind: 'Route',
    namespaced: true,
    categories: ['all'],
    status: true,
  },
  // Kyverno's reports (the wg-policy API; Kyverno serves them when installed). Reports carry
  // `results` and `summary` at the top level, so neither has a spec nor a status subresource.
  {
    group: 'wgpolicyk8s.io',
    version: 'v1alpha2',
    plural: 'policyreports',
    singular: 'policyreport',
    kind: 'PolicyReport',
    namespaced: true,
    shortNames: ['polr'],
  },
  {
    group: 'wgpolicyk8s.io',
    version: 'v1alpha2',
    plural: 'clusterpolicyreports',
    singular: 'clusterpolicyreport',
    kind: 'ClusterPolicyReport',
    namespaced: false,
    shortNames: ['cpolr'],
  },
  // Gatekeeper's templates; each one adds a constraint kind (see constraints.ts).
  {
    group: 'templates.gatekeeper.sh',
    version: 'v1',
    plural: 'constrainttemplates',
    singular: 'constrainttemplate',
    kind: 'ConstraintTemplate',
    namespaced: false,
    status: true,
    generation: true,
  },
];

const byPath = new Map<string, ResourceDef>();
const byKey = new Map<string, ResourceDef>();
for (const def of RESOURCES) {
  byPath.set(`${apiVersionOf(def)}/${def.plural}`, def);
  if (!def.viewOf) byKey.set(keyOf(def), def);
}

/** Looks a resource up by group/version/plural as it appears in a URL. */
export function findResource(group: string, version: string, plural: string) {
  return byPath.get(`${group ? `${group}/` : ''}${version}/${plural}`);
}

/** The resource stored under `group/plural`, e.g. `batch/jobs`. */
export function resourceByKey(key: string): ResourceDef {
  const def = byKey.get(key);
  if (!def) throw new Error(`unknown resource ${key}`);
  return def;
}

/** Resource definitions by Kind for the stored resources, for controllers. */
export const R = {
  namespaces: resourceByKey('/namespaces'),
  nodes: resourceByKey('/nodes'),
  pods: resourceByKey('/pods'),
  events: resourceByKey('/events'),
  resourcequotas: resourceByKey('/resourcequotas'),
  limitranges: resourceByKey('/limitranges'),
  serviceaccounts: resourceByKey('/serviceaccounts'),
  secrets: resourceByKey('/secrets'),
  configmaps: resourceByKey('/configmaps'),
  services: resourceByKey('/services'),
  persistentvolumeclaims: resourceByKey('/persistentvolumeclaims'),
  deployments: resourceByKey('apps/deployments'),
  replicasets: resourceByKey('apps/replicasets'),
  jobs: resourceByKey('batch/jobs'),
  hpas: resourceByKey('autoscaling/horizontalpodautoscalers'),
  pdbs: resourceByKey('policy/poddisruptionbudgets'),
  routes: resourceByKey('route.openshift.io/routes'),
  leases: resourceByKey('coordination.k8s.io/leases'),
  policyreports: resourceByKey('wgpolicyk8s.io/policyreports'),
  clusterpolicyreports: resourceByKey('wgpolicyk8s.io/clusterpolicyreports'),
  constrainttemplates: resourceByKey(
    'templates.gatekeeper.sh/constrainttemplates',
  ),
};

/** The API groups in discovery order, with their versions. */
export function apiGroups(
  defs: ResourceDef[] = RESOURCES,
): Array<{ name: string; versions: string[] }> {
  const groups = new Map<string, Set<string>>();
  for (const def of defs) {
    if (!def.group) continue;
    if (!groups.has(def.group)) groups.set(def.group, new Set());
    groups.get(def.group)!.add(def.version);
  }
  return [...groups].map(([name, versions]) => ({
    name,
    versions: [...versions],
  }));
}

export function defaultFields(
  obj: KubeObject,
  def: ResourceDef,
): Record<string, string> {
  return def.fields ? def.fields(obj) : meta(obj);
}

export function supportedFields(def: ResourceDef): string[] {
  const probe: KubeObject = { apiVersion: '', kind: '', metadata: {} };
  return Object.keys(defaultFields(probe, def));
}
