import type {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  INFERENCE_MODEL_LABEL,
  inferenceDeployPermission,
  type deployInferenceServiceRequestSchema,
  type InferenceService,
} from '@genai-portal/plugin-genai-playground-common';
import type { z } from 'zod';
import type { EnvironmentStore } from '../../environments/EnvironmentStore';
import { MANAGED_BY, MANAGED_BY_LABEL } from '../../environments/manifests';
import {
  isStatus,
  type KubernetesApis,
  type KubernetesClient,
} from '../../kubernetes/KubernetesClient';
import type { DeployConfig } from '../config';
import {
  cacheClaimManifest,
  deploymentManifest,
  hpaManifest,
  needsDisruptionBudget,
  podDisruptionBudgetManifest,
  routeManifest,
  serviceManifest,
  type InferenceServiceSpec,
  type OpenShiftRoute,
} from './manifests';

export type DeployInferenceServiceInput = z.output<
  typeof deployInferenceServiceRequestSchema
>;

import type { PermissionGate } from '../../permissions/PermissionGate';
/** How often a replace is tried again when the object changed since it was read (409). */
const REPLACE_ATTEMPTS = 5;

/** The GPU pool model servers run on. */
export const INFERENCE_POOL = 'mi355x';

const ROUTES = {
  group: 'route.openshift.io',
  version: 'v1',
  plural: 'routes',
} as const;

interface KubeObject {
  metadata?: {
    name?: string;
    labels?: Record<string, string>;
    resourceVersion?: string;
  };
}

/** How to make one object: create it, or update it when the portal made it before. */
interface Step<T extends KubeObject> {
  kind: string;
  body: T;
  create(apis: KubernetesApis): Promise<T>;
  read(apis: KubernetesApis): Promise<T>;
  replace(apis: KubernetesApis, existing: T): Promise<T>;
}

/**
 * Deploys vLLM model servers into environments: Deployment, Service, OpenShift Route and
 * HorizontalPodAutoscaler (and a model cache PVC when configured, a PodDisruptionBudget when it
 * may run more than one replica). A second deploy of the same
 * name updates the objects in place. The gateway then finds the Service by its label.
 */
export class InferenceDeployer {
  constructor(
    private readonly options: {
      kube: KubernetesClient;
      environments: Pick<EnvironmentStore, 'get'>;
      /** How the deployer asks the permission policy. */
      gate: Pick<PermissionGate, 'requireOnId'>;
      config: DeployConfig;
      logger: LoggerService;
      /** Called after a deploy: the gateway looks for new model servers at once. */
      onDeployed?: () => Promise<void>;
    },
  ) {}

  async deploy(
    environmentId: string,
    request: DeployInferenceServiceInput,
    { credentials }: { credentials: BackstageCredentials },
  ): Promise<InferenceService> {
    await this.options.gate.requireOnId(
      inferenceDeployPermission,
      environmentId,
      credentials,
    );
    const env = await this.options.environments.get(environmentId);
    if (!env || env.status === 'deleted') {
      throw new NotFoundError(`no environment ${environmentId}`);
    }
    if (env.status !== 'ready') {
      throw new ConflictError(
        `environment ${environmentId} is ${env.status}; model servers go into ready environments`,
      );
    }
    if (env.gpuPool !== INFERENCE_POOL) {
      throw new InputError(
        `Invalid request: environment ${environmentId} is on the ${env.gpuPool} pool; model servers run on ${INFERENCE_POOL} (inference) environments`,
      );
    }
    const maxReplicas = Math.max(
      request.maxReplicas ?? request.replicas,
      request.replicas,
    );
    const gpus = maxReplicas * request.gpusPerReplica;
    if (gpus > env.quota.gpus) {
      throw new InputError(
        `Invalid request: ${maxReplicas} replicas × ${request.gpusPerReplica} GPUs need ${gpus} GPUs; environment ${environmentId} has a quota of ${env.quota.gpus}`,
      );
    }
    const { cpu, memoryGi } = this.options.config;
    if (
      maxReplicas * cpu > env.quota.cpu ||
      maxReplicas * memoryGi > env.quota.memoryGi
    ) {
      throw new InputError(
        `Invalid request: ${maxReplicas} replicas need ${
          maxReplicas * cpu
        } CPU cores and ${
          maxReplicas * memoryGi
        } GiB of memory (${cpu} and ${memoryGi} each); environment ${environmentId} has a quota of ${
          env.quota.cpu
        } and ${env.quota.memoryGi}`,
      );
    }
    const spec: InferenceServiceSpec = {
      name: request.name,
      model: request.model,
      namespace: env.namespace,
      environmentId: env.id,
      team: env.team,
      gpuPool: env.gpuPool,
      securityLevel: env.securityLevel,
      dataClassification: env.dataClassification,
      replicas: request.replicas,
      maxReplicas,
      gpusPerReplica: request.gpusPerReplica,
      kind: request.kind,
      maxModelLen: request.maxModelLen,
    };
    const { config } = this.options;
    const ns = env.namespace;
    const name = spec.name;

    const steps: Step<any>[] = [];
    if (config.modelCache.type === 'pvc') {
      const body = cacheClaimManifest(spec, config);
      steps.push({
        kind: 'PersistentVolumeClaim',
        body,
        create: a =>
          a.core.createNamespacedPersistentVolumeClaim({ namespace: ns, body }),
        read: a =>
          a.core.readNamespacedPersistentVolumeClaim({
            namespace: ns,
            name: body.metadata!.name!,
          }),
        // A claim's spec cannot change: keep the one there.
        replace: async (_a, existing) => existing,
      });
    }
    const deployment = deploymentManifest(spec, config);
    steps.push({
      kind: 'Deployment',
      body: deployment,
      create: a =>
        a.apps.createNamespacedDeployment({ namespace: ns, body: deployment }),
      read: a => a.apps.readNamespacedDeployment({ namespace: ns, name }),
      replace: (a, existing) =>
        a.apps.replaceNamespacedDeployment({
          namespace: ns,
          name,
          body: {
            ...deployment,
            metadata: {
              ...deployment.metadata,
              resourceVersion: existing.metadata?.resourceVersion,
            },
          },
        }),
    });
    const service = serviceManifest(spec, config);
    steps.push({
      kind: 'Service',
      body: service,
      create: a =>
        a.core.createNamespacedService({ namespace: ns, body: service }),
      read: a => a.core.readNamespacedService({ namespace: ns, name }),
      replace: (a, existing) =>
        a.core.replaceNamespacedService({
          namespace: ns,
          name,
          body: {
            ...service,
            metadata: {
              ...service.metadata,
              // keep what others added (the upstream annotation of dev setups)
              annotations: {
                ...existing.metadata?.annotations,
                ...service.metadata?.annotations,
              },
              resourceVersion: existing.metadata?.resourceVersion,
            },
            // the cluster IP is immutable
            spec: {
              ...service.spec,
              clusterIP: existing.spec?.clusterIP,
              clusterIPs: existing.spec?.clusterIPs,
            },
          },
        }),
    });
    const route = routeManifest(spec);
    steps.push({
      kind: 'Route',
      body: route,
      create: a =>
        a.custom.createNamespacedCustomObject({
          ...ROUTES,
          namespace: ns,
          body: route,
        }),
      read: a =>
        a.custom.getNamespacedCustomObject({ ...ROUTES, namespace: ns, name }),
      replace: (a, existing: OpenShiftRoute) =>
        a.custom.replaceNamespacedCustomObject({
          ...ROUTES,
          namespace: ns,
          name,
          body: {
            ...route,
            metadata: {
              ...route.metadata,
              resourceVersion: existing.metadata?.resourceVersion,
            },
            // the router assigned the host: keep it
            spec: { ...route.spec, host: existing.spec?.host },
          },
        }),
    });
    const hpa = hpaManifest(spec);
    steps.push({
      kind: 'HorizontalPodAutoscaler',
      body: hpa,
      create: a =>
        a.autoscaling.createNamespacedHorizontalPodAutoscaler({
          namespace: ns,
          body: hpa,
        }),
      read: a =>
        a.autoscaling.readNamespacedHorizontalPodAutoscaler({
          namespace: ns,
          name,
        }),
      replace: (a, existing) =>
        a.autoscaling.replaceNamespacedHorizontalPodAutoscaler({
          namespace: ns,
          name,
          body: {
            ...hpa,
            metadata: {
              ...hpa.metadata,
              resourceVersion: existing.metadata?.resourceVersion,
            },
          },
        }),
    });
    if (needsDisruptionBudget(spec)) {
      const pdb = podDisruptionBudgetManifest(spec);
      steps.push({
        kind: 'PodDisruptionBudget',
        body: pdb,
        create: a =>
          a.policy.createNamespacedPodDisruptionBudget({
            namespace: ns,
            body: pdb,
          }),
        read: a =>
          a.policy.readNamespacedPodDisruptionBudget({ namespace: ns, name }),
        replace: (a, existing) =>
          a.policy.replaceNamespacedPodDisruptionBudget({
            namespace: ns,
            name,
            body: {
              ...pdb,
              metadata: {
                ...pdb.metadata,
                resourceVersion: existing.metadata?.resourceVersion,
              },
            },
          }),
      });
    }

    const made: Record<string, KubeObject> = {};
    for (const step of steps) {
      made[step.kind] = await this.#apply(step, spec);
    }
    this.options.logger.info(
      `Deployed model server ${name} (${spec.model}) in ${ns}: ${spec.replicas}-${maxReplicas} replicas × ${spec.gpusPerReplica} GPUs`,
    );
    try {
      await this.options.onDeployed?.();
    } catch (error) {
      this.options.logger.warn(
        `Could not refresh the gateway's models: ${error}`,
      );
    }
    const routeObject = made.Route as OpenShiftRoute | undefined;
    const routeHost =
      routeObject?.spec?.host ?? routeObject?.status?.ingress?.[0]?.host;
    return {
      name,
      model: spec.model,
      environmentId: env.id,
      namespace: ns,
      replicas: spec.replicas,
      maxReplicas,
      gpusPerReplica: spec.gpusPerReplica,
      serviceUrl: `http://${name}.${ns}.svc:${config.port}`,
      ...(routeHost ? { routeHost } : {}),
      objects: steps.map(s => ({ kind: s.kind, name: s.body.metadata.name })),
    };
  }

  /** Creates the object, or replaces the one the portal made for the same model. */
  async #apply<T extends KubeObject>(
    step: Step<T>,
    spec: InferenceServiceSpec,
  ): Promise<T> {
    const { kube } = this.options;
    const what = `${step.kind} ${spec.namespace}/${step.body.metadata?.name}`;
    try {
      return await kube.call(`create ${what}`, step.create);
    } catch (error) {
      if (!isStatus(error, 409))
        throw kube.toBackstageError(`create ${what}`, error);
    }
    // A replace carries the resourceVersion read; the cluster's controllers write the object's
    // status meanwhile (a Deployment's on every rollout step), which makes the replace a 409:
    // read it again and replace again, a few times, as kubectl apply does.
    for (let attempt = 1; ; attempt++) {
      const existing = await kube
        .call(`read ${what}`, step.read)
        .catch(error => {
          throw kube.toBackstageError(`read ${what}`, error);
        });
      const labels = existing.metadata?.labels ?? {};
      if (
        labels[MANAGED_BY_LABEL] !== MANAGED_BY ||
        labels[INFERENCE_MODEL_LABEL] !== spec.name
      ) {
        throw new ConflictError(
          `${what} exists and was not made by the portal for model ${spec.name}; pick another name`,
        );
      }
      try {
        return await kube.call(`update ${what}`, apis =>
          step.replace(apis, existing),
        );
      } catch (error) {
        if (!isStatus(error, 409) || attempt >= REPLACE_ATTEMPTS) {
          throw kube.toBackstageError(`update ${what}`, error);
        }
      }
    }
  }
}
