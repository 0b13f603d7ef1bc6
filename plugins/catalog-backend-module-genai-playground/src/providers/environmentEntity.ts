import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  parseEntityRef,
  ResourceEntity,
} from '@backstage/catalog-model';
import type { Environment } from '@genai-portal/plugin-genai-playground-common';

/** `spec.type` of the Resource entities of playground environments. */
export const ENVIRONMENT_ENTITY_TYPE = 'playground-environment';

/** The System every environment belongs to (catalog-info.yaml). */
export const ENVIRONMENT_SYSTEM = 'genai-playground';

/** Annotations and labels of environment entities. @public */
export const GENAI_PLAYGROUND_ANNOTATIONS = {
  environmentId: 'genai-playground.io/environment-id',
  gpuPool: 'genai-playground.io/gpu-pool',
  expiresAt: 'genai-playground.io/expires-at',
  costCenter: 'genai-playground.io/cost-center',
  team: 'genai-playground.io/team',
  createdBy: 'genai-playground.io/created-by',
  cluster: 'genai-playground.io/cluster',
  status: 'genai-playground.io/status',
  dataClassification: 'genai-playground.io/data-classification',
  securityLevel: 'genai-playground.io/security-level',
  kubernetesId: 'backstage.io/kubernetes-id',
  kubernetesNamespace: 'backstage.io/kubernetes-namespace',
  kubernetesLabelSelector: 'backstage.io/kubernetes-label-selector',
} as const;

/**
 * What the Kubernetes tab lists in an environment's namespace: everything the portal made there
 * (quota, limits, policies, jobs and their pods, model servers), which all carry this label.
 */
export const PORTAL_OBJECTS_SELECTOR =
  'app.kubernetes.io/managed-by=genai-playground-portal';

/** The portal page of an environment: the frontend plugin's route. */
export function environmentPageUrl(
  appBaseUrl: string,
  environmentId: string,
): string {
  return `${appBaseUrl.replace(
    /\/+$/,
    '',
  )}/genai-playground/environments/${encodeURIComponent(environmentId)}`;
}

/** The catalog ref of an environment's entity, as the scaffolder action outputs it. */
export function environmentEntityRef(environment: Environment): string {
  return `resource:default/${environment.namespace}`;
}

function teamRef(team: string) {
  return parseEntityRef(team, {
    defaultKind: 'group',
    defaultNamespace: 'default',
  });
}

/**
 * A playground environment as a catalog Resource: named after its namespace, owned by its team,
 * part of the genai-playground system and depending on its GPU pool's Resource, with the
 * Kubernetes annotations that let the Kubernetes tab show the namespace's workloads.
 * @public
 */
export function environmentToEntity(
  environment: Environment,
  options: { appBaseUrl: string },
): ResourceEntity {
  const team = teamRef(environment.team);
  const teamEntityRef = `${team.kind.toLocaleLowerCase('en-US')}:${
    team.namespace
  }/${team.name}`;
  const page = environmentPageUrl(options.appBaseUrl, environment.id);
  const { quota } = environment;
  const a = GENAI_PLAYGROUND_ANNOTATIONS;

  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: environment.namespace,
      namespace: 'default',
      title: `${environment.name} (${team.name})`,
      description:
        environment.description ||
        `Playground environment of ${
          team.name
        } on the ${environment.gpuPool.toLocaleUpperCase('en-US')} pool: ${
          quota.gpus
        } GPUs, ${quota.cpu} CPU cores, ${quota.memoryGi} GiB memory, ${
          quota.storageGi
        } GiB storage.`,
      labels: {
        [a.gpuPool]: environment.gpuPool,
        [a.status]: environment.status,
        [a.securityLevel]: environment.securityLevel,
        [a.dataClassification]: environment.dataClassification,
      },
      annotations: {
        [ANNOTATION_LOCATION]: `url:${page}`,
        [ANNOTATION_ORIGIN_LOCATION]: `url:${page}`,
        [a.kubernetesId]: environment.namespace,
        [a.kubernetesNamespace]: environment.namespace,
        [a.kubernetesLabelSelector]: PORTAL_OBJECTS_SELECTOR,
        [a.environmentId]: environment.id,
        [a.gpuPool]: environment.gpuPool,
        [a.expiresAt]: environment.expiresAt,
        [a.costCenter]: environment.costCenter,
        [a.team]: teamEntityRef,
        [a.createdBy]: environment.owner,
        [a.cluster]: environment.cluster,
      },
      tags: ['genai-playground', environment.gpuPool],
      links: [{ url: page, title: 'Environment page', icon: 'dashboard' }],
    },
    spec: {
      type: ENVIRONMENT_ENTITY_TYPE,
      owner: teamEntityRef,
      system: ENVIRONMENT_SYSTEM,
      dependsOn: [`resource:default/gpu-pool-${environment.gpuPool}`],
    },
  };
}

/** Environments that exist on the cluster, or are being created or torn down. */
export function isLive(environment: Environment): boolean {
  return environment.status !== 'deleted';
}
