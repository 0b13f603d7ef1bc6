import { parseEntityRef } from '@backstage/catalog-model';
import {
  projectMonthlyCost,
  type Environment,
} from '@genai-portal/plugin-genai-playground-common';
import type {
  V1LimitRange,
  V1Namespace,
  V1NetworkPolicy,
  V1ResourceQuota,
  V1RoleBinding,
} from '@kubernetes/client-node';
import type { PlaygroundConfig, PortalAccess } from '../config';

/** Label on everything the portal makes; objects without it are never adopted or deleted. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'genai-playground-portal';
export const ENVIRONMENT_LABEL = 'genai-playground.io/environment';
export const TEAM_LABEL = 'genai-playground.io/team';
export const OWNER_LABEL = 'genai-playground.io/owner';
export const GPU_POOL_LABEL = 'genai-playground.io/gpu-pool';
/** The environment's classification: on its namespace and on every pod the portal runs in it. */
export const SECURITY_LEVEL_LABEL = 'security-level';
export const DATA_CLASSIFICATION_LABEL = 'data-classification';
export const GPU_RESOURCE = 'amd.com/gpu';

export const QUOTA_NAME = 'genai-playground-quota';
export const LIMIT_RANGE_NAME = 'genai-playground-limits';
export const ROLE_BINDING_NAME = 'genai-playground-team-edit';
export const PORTAL_ROLE_BINDING_NAME = 'genai-playground-portal';
export const NETWORK_POLICY_NAMES = {
  denyIngress: 'default-deny-ingress',
  sameNamespace: 'allow-same-namespace',
  router: 'allow-from-openshift-router',
  gateway: 'allow-from-portal-gateway',
  egress: 'restrict-egress',
} as const;

/** Namespaces of the cluster DNS: kube-system on Kubernetes, openshift-dns on OpenShift. */
export const DNS_NAMESPACES = ['kube-system', 'openshift-dns'];
/** 53 as the Service has it; OpenShift's DNS pods listen on 5353, which policies see after DNAT. */
const DNS_PORTS = [53, 5353].flatMap(port =>
  (['UDP', 'TCP'] as const).map(protocol => ({ protocol, port })),
);

/** Pods and PVCs are not part of the request: every environment gets these. */
export const DEFAULT_POD_QUOTA = 50;
export const DEFAULT_PVC_QUOTA = 10;

/**
 * Limits are twice the requests, for CPU and for memory: pods may burst to twice what the
 * environment reserved, and the LimitRange's container defaults keep the same 1:2 ratio, so a
 * namespace runs out of requests and limits together. GPUs cannot be overcommitted (extended
 * resources have request = limit), so only `requests.amd.com/gpu` is set.
 */
export const LIMIT_TO_REQUEST_RATIO = 2;

/** A label value: at most 63 characters of [A-Za-z0-9-_.], starting and ending alphanumeric. */
export function labelValue(value: string): string {
  const cleaned = value
    .replace(/[^A-Za-z0-9-_.]/g, '-')
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  return cleaned;
}

/** A CPU amount as Kubernetes writes it: whole cores, or millicores. */
export function cpuQuantity(cores: number): string {
  return Number.isInteger(cores)
    ? String(cores)
    : `${Math.round(cores * 1000)}m`;
}

export function entityName(ref: string): string {
  return parseEntityRef(ref).name;
}

/** What the objects of an environment are built from. */
export type EnvironmentSpec = Pick<
  Environment,
  | 'name'
  | 'team'
  | 'owner'
  | 'namespace'
  | 'gpuPool'
  | 'quota'
  | 'costCenter'
  | 'monthlyBudget'
  | 'currency'
  | 'dataClassification'
  | 'securityLevel'
  | 'description'
  | 'expiresAt'
>;

function commonLabels(env: EnvironmentSpec): Record<string, string> {
  return {
    [MANAGED_BY_LABEL]: MANAGED_BY,
    [ENVIRONMENT_LABEL]: env.name,
    [TEAM_LABEL]: labelValue(entityName(env.team)),
  };
}

export function namespaceManifest(
  env: EnvironmentSpec,
  config: Pick<PlaygroundConfig, 'rateCard'>,
): V1Namespace {
  const budget =
    env.monthlyBudget ??
    projectMonthlyCost(
      {
        gpuPool: env.gpuPool,
        gpus: env.quota.gpus,
        cpu: env.quota.cpu,
        memoryGi: env.quota.memoryGi,
        storageGi: env.quota.storageGi,
      },
      config.rateCard,
    ).total;
  const owner = entityName(env.owner);
  const annotations: Record<string, string> = {
    'genai-playground.io/cost-center': env.costCenter,
    'genai-playground.io/budget': `${budget} ${env.currency}`,
    'genai-playground.io/expires-at': env.expiresAt,
    'openshift.io/requester': owner,
    'openshift.io/display-name': env.name,
  };
  if (env.description)
    annotations['openshift.io/description'] = env.description;
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: env.namespace,
      labels: {
        ...commonLabels(env),
        [OWNER_LABEL]: labelValue(owner),
        [GPU_POOL_LABEL]: env.gpuPool,
        [SECURITY_LEVEL_LABEL]: env.securityLevel,
        [DATA_CLASSIFICATION_LABEL]: env.dataClassification,
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/audit': 'restricted',
        'pod-security.kubernetes.io/warn': 'restricted',
      },
      annotations,
    },
  };
}

export function resourceQuotaManifest(env: EnvironmentSpec): V1ResourceQuota {
  const { quota } = env;
  return {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: {
      name: QUOTA_NAME,
      namespace: env.namespace,
      labels: commonLabels(env),
    },
    spec: {
      hard: {
        'requests.cpu': cpuQuantity(quota.cpu),
        'limits.cpu': cpuQuantity(quota.cpu * LIMIT_TO_REQUEST_RATIO),
        'requests.memory': `${quota.memoryGi}Gi`,
        'limits.memory': `${quota.memoryGi * LIMIT_TO_REQUEST_RATIO}Gi`,
        'requests.storage': `${quota.storageGi}Gi`,
        persistentvolumeclaims: String(quota.persistentVolumeClaims),
        pods: String(quota.pods),
        [`requests.${GPU_RESOURCE}`]: String(quota.gpus),
      },
    },
  };
}

/**
 * Container defaults, so pods without resources are admitted by the quota (which requires
 * requests and limits for cpu and memory). No default for amd.com/gpu: a default of 0 for an
 * extended resource is not valid, and pods that want GPUs must ask for them.
 */
export function limitRangeManifest(env: EnvironmentSpec): V1LimitRange {
  return {
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: {
      name: LIMIT_RANGE_NAME,
      namespace: env.namespace,
      labels: commonLabels(env),
    },
    spec: {
      limits: [
        {
          type: 'Container',
          defaultRequest: { cpu: '250m', memory: '512Mi' },
          _default: { cpu: '500m', memory: '1Gi' },
        },
      ],
    },
  };
}

export function networkPolicyManifests(
  env: EnvironmentSpec,
  config: Pick<
    PlaygroundConfig,
    'routerNamespaceSelector' | 'gatewayNamespace' | 'egress'
  >,
): V1NetworkPolicy[] {
  const base = (name: string) => ({
    name,
    namespace: env.namespace,
    labels: commonLabels(env),
  });
  const allowFrom = (
    name: string,
    namespaceLabels: Record<string, string>,
  ): V1NetworkPolicy => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: base(name),
    spec: {
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [
        { _from: [{ namespaceSelector: { matchLabels: namespaceLabels } }] },
      ],
    },
  });
  return [
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: base(NETWORK_POLICY_NAMES.denyIngress),
      spec: { podSelector: {}, policyTypes: ['Ingress'] },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: base(NETWORK_POLICY_NAMES.sameNamespace),
      spec: {
        podSelector: {},
        policyTypes: ['Ingress'],
        ingress: [{ _from: [{ podSelector: {} }] }],
      },
    },
    allowFrom(NETWORK_POLICY_NAMES.router, config.routerNamespaceSelector),
    allowFrom(NETWORK_POLICY_NAMES.gateway, {
      'kubernetes.io/metadata.name': config.gatewayNamespace,
    }),
    egressManifest(env, config),
  ];
}

/**
 * Egress only to DNS, the gateway and the namespace itself (and the internet outside the
 * excepted ranges, when configured): models are reached through the gateway, which checks keys
 * and meters, never another team's namespace or a model server directly.
 */
function egressManifest(
  env: EnvironmentSpec,
  config: Pick<PlaygroundConfig, 'gatewayNamespace' | 'egress'>,
): V1NetworkPolicy {
  const namespaceNamed = (names: string[]) => ({
    namespaceSelector: {
      matchExpressions: [
        {
          key: 'kubernetes.io/metadata.name',
          operator: 'In',
          values: names,
        },
      ],
    },
  });
  const egress: NonNullable<V1NetworkPolicy['spec']>['egress'] = [
    { to: [namespaceNamed(DNS_NAMESPACES)], ports: DNS_PORTS },
    { to: [namespaceNamed([config.gatewayNamespace])] },
    { to: [{ podSelector: {} }] },
  ];
  if (config.egress.internet) {
    egress.push({
      to: [
        {
          ipBlock: { cidr: '0.0.0.0/0', except: config.egress.exceptCidrs },
        },
      ],
    });
  }
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: {
      name: NETWORK_POLICY_NAMES.egress,
      namespace: env.namespace,
      labels: commonLabels(env),
    },
    spec: { podSelector: {}, policyTypes: ['Egress'], egress },
  };
}

/** The owning team edits everything in its namespace (the ClusterRole `edit`). */
export function roleBindingManifest(env: EnvironmentSpec): V1RoleBinding {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: {
      name: ROLE_BINDING_NAME,
      namespace: env.namespace,
      labels: commonLabels(env),
    },
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'edit',
    },
    subjects: [
      {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'Group',
        name: entityName(env.team),
      },
    ],
  };
}

/**
 * The portal's own ServiceAccount gets its environment role here (Secrets `get`, to check a job's
 * `secretKeyRef`), and nowhere else: it holds no Secrets rights cluster-wide.
 */
export function portalRoleBindingManifest(
  env: EnvironmentSpec,
  access: PortalAccess,
): V1RoleBinding {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: {
      name: PORTAL_ROLE_BINDING_NAME,
      namespace: env.namespace,
      labels: commonLabels(env),
    },
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: access.clusterRole,
    },
    subjects: [
      {
        kind: 'ServiceAccount',
        name: access.serviceAccount.name,
        namespace: access.serviceAccount.namespace,
      },
    ],
  };
}

/** True when the object carries the portal's managed-by label. */
export function isManagedByPortal(
  metadata: { labels?: Record<string, string> } | undefined,
): boolean {
  return metadata?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY;
}

/** True when the object was made by the portal for this environment (name and team). */
export function belongsTo(
  metadata: { labels?: Record<string, string> } | undefined,
  env: Pick<EnvironmentSpec, 'name' | 'team'>,
): boolean {
  const labels = metadata?.labels ?? {};
  return (
    isManagedByPortal(metadata) &&
    labels[ENVIRONMENT_LABEL] === env.name &&
    labels[TEAM_LABEL] === labelValue(entityName(env.team))
  );
}
