import type { LoggerService } from '@backstage/backend-plugin-api';
import { INFERENCE_MODEL_LABEL } from '@genai-portal/plugin-genai-playground-common';
import type { V1Service } from '@kubernetes/client-node';
import type { EnvironmentStore } from '../../environments/EnvironmentStore';
import type { KubernetesClient } from '../../kubernetes/KubernetesClient';
import type { InferenceConfig } from '../config';
import {
  CONTEXT_LENGTH_ANNOTATION,
  MODEL_KIND_ANNOTATION,
  UPSTREAM_URL_ANNOTATION,
} from '../deploy/manifests';
import type { DiscoveredModel, ModelRegistry } from '../models/ModelRegistry';

/**
 * Models one environment may serve. Each served name becomes metric series (labels) and a
 * routing entry; a team labelling endless Services must not grow them without end.
 */
export const MAX_MODELS_PER_ENVIRONMENT = 16;

/**
 * Why a Service may lead outside the cluster, if it may. The namespaces are the teams': what a
 * Service says is not trusted. An ExternalName Service is a DNS alias to any host; a Service
 * without a selector gets its endpoints from whoever writes them, any address at all. A Service
 * with a selector routes only to the pods it selects, which is what a deploy makes.
 */
export function outsideTheCluster(svc: V1Service): string | undefined {
  if (svc.spec?.type === 'ExternalName' || svc.spec?.externalName) {
    return `it is of type ExternalName (${
      svc.spec?.externalName ?? 'no name'
    }), an alias to a host outside the cluster`;
  }
  if (Object.keys(svc.spec?.selector ?? {}).length === 0) {
    return 'it has no selector, so its endpoints may be any address, in the cluster or not';
  }
  return undefined;
}

/**
 * Finds the model servers deployed into playground environments: Services labelled
 * `genai-playground.io/inference-model=<name>` in the namespace of a ready environment. The
 * upstream is the Service's cluster DNS name and port (`http://<svc>.<ns>.svc:<port>`); with
 * `discovery.allowUpstreamAnnotation` (dev and tests, where kube-sim's Services route nowhere)
 * the Service's `genai-playground.io/upstream-url` annotation replaces it. Services in other
 * namespaces are ignored, so only what the portal's environments hold is ever called.
 */
export class InferenceServiceDiscovery {
  constructor(
    private readonly options: {
      kube: KubernetesClient;
      environments: Pick<EnvironmentStore, 'list'>;
      registry: ModelRegistry;
      config: Pick<InferenceConfig, 'discovery' | 'deploy'>;
      logger: LoggerService;
    },
  ) {}

  /** Lists the Services and updates the registry; the names of the deployed models served. */
  async refresh(): Promise<string[]> {
    const { kube, environments, registry, logger } = this.options;
    const [list, envs] = await Promise.all([
      kube.call('list inference services', apis =>
        apis.core.listServiceForAllNamespaces({
          labelSelector: INFERENCE_MODEL_LABEL,
        }),
      ),
      environments.list({ statuses: ['ready'] }),
    ]);
    const byNamespace = new Map(envs.map(e => [e.namespace, e]));
    const models: DiscoveredModel[] = [];
    const perEnvironment = new Map<string, number>();
    for (const svc of list.items) {
      const env = byNamespace.get(svc.metadata?.namespace ?? '');
      if (!env) continue;
      const refusal = outsideTheCluster(svc);
      if (refusal) {
        logger.warn(
          `Inference service ${svc.metadata?.name} in ${env.id} is not served: ${refusal}`,
        );
        continue;
      }
      const model = this.#toModel(svc, env.id, env.team, env.gpuPool);
      if (!model) continue;
      const count = (perEnvironment.get(env.id) ?? 0) + 1;
      perEnvironment.set(env.id, count);
      if (count > MAX_MODELS_PER_ENVIRONMENT) {
        logger.warn(
          `Inference service ${model.name} in ${env.id} is not served: an environment serves at most ${MAX_MODELS_PER_ENVIRONMENT} models`,
        );
        continue;
      }
      models.push(model);
    }
    const served = await registry.setDiscovered(models);
    const skipped = models.filter(m => !served.includes(m.name));
    for (const m of skipped) {
      logger.warn(
        `Inference service ${m.name} in ${m.environmentId} is not served: the name is taken by another model`,
      );
    }
    return served;
  }

  #toModel(
    svc: V1Service,
    environmentId: string,
    team: string,
    gpuPool: string,
  ): DiscoveredModel | undefined {
    const { discovery, deploy } = this.options.config;
    const name = svc.metadata?.labels?.[INFERENCE_MODEL_LABEL];
    const annotations = svc.metadata?.annotations ?? {};
    if (!name) return undefined;
    let upstream: string | undefined;
    if (
      discovery.allowUpstreamAnnotation &&
      annotations[UPSTREAM_URL_ANNOTATION]
    ) {
      upstream = annotations[UPSTREAM_URL_ANNOTATION].replace(
        /\/+$/,
        '',
      ).replace(/\/v1$/, '');
    } else {
      const ports = svc.spec?.ports ?? [];
      const port = ports.find(p => p.name === 'http') ?? ports[0];
      upstream = `http://${svc.metadata!.name}.${svc.metadata!.namespace}.svc:${
        port?.port ?? deploy.port
      }`;
    }
    const kind =
      annotations[MODEL_KIND_ANNOTATION] === 'embedding' ? 'embedding' : 'chat';
    const contextLength = Number(annotations[CONTEXT_LENGTH_ANNOTATION]);
    const created = svc.metadata?.creationTimestamp
      ? Math.floor(new Date(svc.metadata.creationTimestamp).getTime() / 1000)
      : Math.floor(Date.now() / 1000);
    return {
      name,
      kind,
      gpuPool,
      pricePer1MInput: discovery.pricePer1MInput,
      pricePer1MOutput: discovery.pricePer1MOutput,
      contextLength:
        Number.isInteger(contextLength) && contextLength > 0
          ? contextLength
          : discovery.contextLength,
      team,
      environmentId,
      upstreams: [upstream],
      created,
    };
  }
}
