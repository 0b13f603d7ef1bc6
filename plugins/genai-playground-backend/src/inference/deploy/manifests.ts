import { INFERENCE_MODEL_LABEL } from '@genai-portal/plugin-genai-playground-common';
import type {
  V1Deployment,
  V1PersistentVolumeClaim,
  V1PodDisruptionBudget,
  V1Service,
  V2HorizontalPodAutoscaler,
} from '@kubernetes/client-node';
import {
  cpuQuantity,
  DATA_CLASSIFICATION_LABEL,
  ENVIRONMENT_LABEL,
  GPU_POOL_LABEL,
  GPU_RESOURCE,
  LIMIT_TO_REQUEST_RATIO,
  MANAGED_BY,
  MANAGED_BY_LABEL,
  SECURITY_LEVEL_LABEL,
  TEAM_LABEL,
  entityName,
  labelValue,
} from '../../environments/manifests';
import type { DeployConfig } from '../config';

/** Annotations on the Service the gateway reads (see InferenceServiceDiscovery). */
export const MODEL_ID_ANNOTATION = 'genai-playground.io/model-id';
export const MODEL_KIND_ANNOTATION = 'genai-playground.io/model-kind';
export const CONTEXT_LENGTH_ANNOTATION = 'genai-playground.io/context-length';
/**
 * Where the gateway sends the model's calls instead of the Service's cluster DNS name; honoured
 * only with `genaiPlayground.inference.discovery.allowUpstreamAnnotation` (kube-sim setups,
 * where Services route nowhere).
 */
export const UPSTREAM_URL_ANNOTATION = 'genai-playground.io/upstream-url';

/** What a model server is built from. */
export interface InferenceServiceSpec {
  name: string;
  model: string;
  namespace: string;
  environmentId: string;
  team: string;
  gpuPool: string;
  /** The environment's, on the pods as on its namespace (the required-labels compliance check). */
  securityLevel: string;
  dataClassification: string;
  replicas: number;
  maxReplicas: number;
  gpusPerReplica: number;
  kind: 'chat' | 'embedding';
  maxModelLen?: number;
}

/** A Route as route.openshift.io/v1 defines it (client-node has no type for it). */
export interface OpenShiftRoute {
  apiVersion: 'route.openshift.io/v1';
  kind: 'Route';
  metadata: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    resourceVersion?: string;
  };
  spec: {
    host?: string;
    to: { kind: 'Service'; name: string; weight: number };
    port: { targetPort: string };
    tls: { termination: 'edge'; insecureEdgeTerminationPolicy: 'Redirect' };
  };
  status?: { ingress?: Array<{ host?: string }> };
}

export function labels(spec: InferenceServiceSpec): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'vllm',
    'app.kubernetes.io/instance': spec.name,
    'app.kubernetes.io/component': 'model-server',
    [MANAGED_BY_LABEL]: MANAGED_BY,
    [INFERENCE_MODEL_LABEL]: spec.name,
    [ENVIRONMENT_LABEL]: spec.environmentId,
    [TEAM_LABEL]: labelValue(entityName(spec.team)),
    [GPU_POOL_LABEL]: spec.gpuPool,
  };
}

const selector = (spec: InferenceServiceSpec) => ({
  'app.kubernetes.io/name': 'vllm',
  'app.kubernetes.io/instance': spec.name,
});

export const cacheClaimName = (spec: InferenceServiceSpec) =>
  `${spec.name}-model-cache`;

/** Where the model server may write besides the model cache: HOME and the compile caches. */
const SCRATCH_DIR = '/tmp';

/**
 * vLLM on ROCm: `vllm serve`-style args, one container per replica holding `gpusPerReplica`
 * GPUs (requests = limits, the only way extended resources work) and tensor-parallel across
 * them, on the MI355X pool's nodes, under the restricted pod security profile with a read-only
 * root filesystem. The model cache is an emptyDir (weights downloaded per pod) or a shared PVC;
 * /dev/shm is a memory emptyDir as vLLM's tensor-parallel workers need; /tmp is an emptyDir
 * holding HOME and the caches vLLM, Triton and MIOpen write (~/.cache, ~/.triton, ~/.config).
 * The pods carry the environment's security level and data classification labels.
 */
export function deploymentManifest(
  spec: InferenceServiceSpec,
  config: DeployConfig,
): V1Deployment {
  const args = [
    '--model',
    spec.model,
    '--served-model-name',
    spec.name,
    '--host',
    '0.0.0.0',
    '--port',
    String(config.port),
    '--download-dir',
    '/models-cache',
  ];
  if (spec.gpusPerReplica > 1) {
    args.push('--tensor-parallel-size', String(spec.gpusPerReplica));
  }
  if (spec.maxModelLen) args.push('--max-model-len', String(spec.maxModelLen));
  if (spec.kind === 'embedding') args.push('--task', 'embed');
  args.push(...config.extraArgs);
  const env = [
    { name: 'HF_HOME', value: '/models-cache' },
    { name: 'HOME', value: SCRATCH_DIR },
    { name: 'XDG_CACHE_HOME', value: `${SCRATCH_DIR}/.cache` },
    { name: 'VLLM_CACHE_ROOT', value: `${SCRATCH_DIR}/.cache/vllm` },
    { name: 'TRITON_CACHE_DIR', value: `${SCRATCH_DIR}/.triton/cache` },
  ];
  const hfToken = config.hfTokenSecret
    ? [
        {
          name: 'HF_TOKEN',
          valueFrom: {
            secretKeyRef: {
              name: config.hfTokenSecret,
              key: 'token',
              optional: true,
            },
          },
        },
      ]
    : [];
  const gpus = String(spec.gpusPerReplica);
  const probe = (initialDelaySeconds: number, failureThreshold: number) => ({
    httpGet: { path: '/health', port: 'http' as any },
    initialDelaySeconds,
    periodSeconds: 10,
    timeoutSeconds: 5,
    failureThreshold,
  });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: spec.name,
      namespace: spec.namespace,
      labels: labels(spec),
      annotations: { [MODEL_ID_ANNOTATION]: spec.model },
    },
    spec: {
      replicas: spec.replicas,
      selector: { matchLabels: selector(spec) },
      // A new replica needs free GPUs: replace pods one at a time instead of surging.
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: 0 as any, maxUnavailable: 1 as any },
      },
      template: {
        metadata: {
          labels: {
            ...labels(spec),
            [SECURITY_LEVEL_LABEL]: spec.securityLevel,
            [DATA_CLASSIFICATION_LABEL]: spec.dataClassification,
          },
          annotations: { [MODEL_ID_ANNOTATION]: spec.model },
        },
        spec: {
          nodeSelector: { ...config.nodeSelector },
          tolerations: config.tolerations.map(t => ({ ...t })),
          automountServiceAccountToken: false,
          securityContext: {
            runAsNonRoot: true,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          terminationGracePeriodSeconds: 60,
          containers: [
            {
              name: 'vllm',
              image: config.image,
              command: ['python3', '-m', 'vllm.entrypoints.openai.api_server'],
              args,
              env: [...env, ...hfToken],
              ports: [
                { name: 'http', containerPort: config.port, protocol: 'TCP' },
              ],
              resources: {
                requests: {
                  cpu: cpuQuantity(config.cpu),
                  memory: `${config.memoryGi}Gi`,
                  [GPU_RESOURCE]: gpus,
                },
                limits: {
                  cpu: cpuQuantity(config.cpu * LIMIT_TO_REQUEST_RATIO),
                  memory: `${config.memoryGi * LIMIT_TO_REQUEST_RATIO}Gi`,
                  [GPU_RESOURCE]: gpus,
                },
              },
              // Loading weights takes minutes: readiness gates traffic, liveness waits longer.
              readinessProbe: probe(30, 3),
              livenessProbe: probe(600, 6),
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                runAsNonRoot: true,
                capabilities: { drop: ['ALL'] },
                seccompProfile: { type: 'RuntimeDefault' },
              },
              volumeMounts: [
                { name: 'model-cache', mountPath: '/models-cache' },
                { name: 'dshm', mountPath: '/dev/shm' },
                { name: 'tmp', mountPath: SCRATCH_DIR },
              ],
            },
          ],
          volumes: [
            config.modelCache.type === 'pvc'
              ? {
                  name: 'model-cache',
                  persistentVolumeClaim: { claimName: cacheClaimName(spec) },
                }
              : {
                  name: 'model-cache',
                  emptyDir: { sizeLimit: `${config.modelCache.sizeGi}Gi` },
                },
            { name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '16Gi' } },
            { name: 'tmp', emptyDir: { sizeLimit: '20Gi' } },
          ],
        },
      },
    },
  };
}

/** The model cache claim, when the cache is a PVC (ReadWriteMany: replicas share the weights). */
export function cacheClaimManifest(
  spec: InferenceServiceSpec,
  config: DeployConfig,
): V1PersistentVolumeClaim {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name: cacheClaimName(spec),
      namespace: spec.namespace,
      labels: labels(spec),
    },
    spec: {
      accessModes: ['ReadWriteMany'],
      resources: { requests: { storage: `${config.modelCache.sizeGi}Gi` } },
      ...(config.modelCache.storageClass
        ? { storageClassName: config.modelCache.storageClass }
        : {}),
    },
  };
}

/** The Service the gateway finds by its label and routes the model's calls to. */
export function serviceManifest(
  spec: InferenceServiceSpec,
  config: DeployConfig,
  upstreamUrl?: string,
): V1Service {
  const annotations: Record<string, string> = {
    [MODEL_ID_ANNOTATION]: spec.model,
    [MODEL_KIND_ANNOTATION]: spec.kind,
  };
  if (spec.maxModelLen) {
    annotations[CONTEXT_LENGTH_ANNOTATION] = String(spec.maxModelLen);
  }
  if (upstreamUrl) annotations[UPSTREAM_URL_ANNOTATION] = upstreamUrl;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: spec.name,
      namespace: spec.namespace,
      labels: labels(spec),
      annotations,
    },
    spec: {
      type: 'ClusterIP',
      selector: selector(spec),
      ports: [
        {
          name: 'http',
          port: config.port,
          targetPort: 'http' as any,
          protocol: 'TCP',
        },
      ],
    },
  };
}

/** An edge-terminated Route to the model server, for tools that reach it from outside. */
export function routeManifest(spec: InferenceServiceSpec): OpenShiftRoute {
  return {
    apiVersion: 'route.openshift.io/v1',
    kind: 'Route',
    metadata: {
      name: spec.name,
      namespace: spec.namespace,
      labels: labels(spec),
    },
    spec: {
      to: { kind: 'Service', name: spec.name, weight: 100 },
      port: { targetPort: 'http' },
      tls: { termination: 'edge', insecureEdgeTerminationPolicy: 'Redirect' },
    },
  };
}

/** Whether a model server gets a PodDisruptionBudget: when it may run more than one replica. */
export const needsDisruptionBudget = (spec: InferenceServiceSpec) =>
  Math.max(spec.replicas, spec.maxReplicas) > 1;

/**
 * Keeps a replicated model server serving through node drains: at most one of its pods evicted
 * at a time. Selects the Deployment's pods with the Deployment's own selector.
 */
export function podDisruptionBudgetManifest(
  spec: InferenceServiceSpec,
): V1PodDisruptionBudget {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: {
      name: spec.name,
      namespace: spec.namespace,
      labels: labels(spec),
    },
    spec: {
      maxUnavailable: 1 as any,
      selector: { matchLabels: selector(spec) },
    },
  };
}

/**
 * Scales on vLLM's queue: more replicas while requests wait. The metric comes from the
 * model servers' `vllm:num_requests_waiting` through the cluster's custom metrics API
 * (prometheus-adapter exposes it as `vllm_num_requests_waiting`).
 */
export function hpaManifest(
  spec: InferenceServiceSpec,
): V2HorizontalPodAutoscaler {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: {
      name: spec.name,
      namespace: spec.namespace,
      labels: labels(spec),
    },
    spec: {
      scaleTargetRef: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: spec.name,
      },
      minReplicas: spec.replicas,
      maxReplicas: spec.maxReplicas,
      metrics: [
        {
          type: 'Pods',
          pods: {
            metric: { name: 'vllm_num_requests_waiting' },
            target: { type: 'AverageValue', averageValue: '5' as any },
          },
        },
      ],
      behavior: {
        scaleDown: {
          stabilizationWindowSeconds: 600,
          policies: [{ type: 'Pods', value: 1, periodSeconds: 300 }],
        },
        scaleUp: {
          stabilizationWindowSeconds: 60,
          policies: [{ type: 'Pods', value: 1, periodSeconds: 120 }],
        },
      },
    },
  };
}
