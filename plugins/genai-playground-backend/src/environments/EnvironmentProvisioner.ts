import type { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import {
  PatchStrategy,
  setHeaderOptions,
  type V1Namespace,
} from '@kubernetes/client-node';
import type { PlaygroundConfig } from '../config';
import {
  isStatus,
  type KubernetesApis,
  type KubernetesClient,
} from '../kubernetes/KubernetesClient';
import {
  belongsTo,
  isManagedByPortal,
  limitRangeManifest,
  namespaceManifest,
  networkPolicyManifests,
  resourceQuotaManifest,
  portalRoleBindingManifest,
  roleBindingManifest,
  type EnvironmentSpec,
} from './manifests';

interface KubeObject {
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    resourceVersion?: string;
  };
}

type BeforeStep = (kind: string, name: string) => Promise<void>;

/** Tries of an adopting replace that loses to a controller's write (409 on resourceVersion). */
const REPLACE_ATTEMPTS = 3;

/** One object of an environment: how to create, read and replace it. */
interface Step<T extends KubeObject> {
  kind: string;
  desired: T;
  create(apis: KubernetesApis, body: T): Promise<T>;
  read(apis: KubernetesApis, name: string): Promise<T>;
  replace(apis: KubernetesApis, name: string, body: T): Promise<T>;
}

export interface EnvironmentProvisionerOptions {
  kube: KubernetesClient;
  config: Pick<
    PlaygroundConfig,
    | 'rateCard'
    | 'routerNamespaceSelector'
    | 'gatewayNamespace'
    | 'egress'
    | 'portalAccess'
  >;
  logger: LoggerService;
  /**
   * Called before each object is made ("Namespace", "ResourceQuota", ...). A seam for tests that
   * inject failures half way; not for production use.
   */
  beforeStep?: (kind: string, name: string) => Promise<void> | void;
}

/**
 * Makes and removes the Kubernetes objects of an environment. Making is idempotent: each object is
 * created, or adopted when it already exists with the portal's labels (a retry after a crash).
 */
export class EnvironmentProvisioner {
  readonly #kube: KubernetesClient;
  readonly #options: EnvironmentProvisionerOptions;

  static create(options: EnvironmentProvisionerOptions) {
    return new EnvironmentProvisioner(options);
  }

  private constructor(options: EnvironmentProvisionerOptions) {
    this.#kube = options.kube;
    this.#options = options;
  }

  /** The number of requests provisioning makes at least; used to size the create lock. */
  static readonly STEPS = 10;

  /**
   * Makes (or adopts) every object of the environment.
   *
   * @param options.beforeStep - called before each object; the caller renews its create lock here
   */
  async provision(
    env: EnvironmentSpec,
    options: { beforeStep?: () => Promise<void> } = {},
  ): Promise<void> {
    const namespace = env.namespace;
    const before = async (kind: string, name: string) => {
      await options.beforeStep?.();
      await this.#options.beforeStep?.(kind, name);
    };
    await this.#ensureNamespace(env, before);
    await this.#ensure(before, {
      kind: 'ResourceQuota',
      desired: resourceQuotaManifest(env),
      create: ({ core }, body) =>
        core.createNamespacedResourceQuota({ namespace, body }),
      read: ({ core }, name) =>
        core.readNamespacedResourceQuota({ namespace, name }),
      replace: ({ core }, name, body) =>
        core.replaceNamespacedResourceQuota({ namespace, name, body }),
    });
    await this.#ensure(before, {
      kind: 'LimitRange',
      desired: limitRangeManifest(env),
      create: ({ core }, body) =>
        core.createNamespacedLimitRange({ namespace, body }),
      read: ({ core }, name) =>
        core.readNamespacedLimitRange({ namespace, name }),
      replace: ({ core }, name, body) =>
        core.replaceNamespacedLimitRange({ namespace, name, body }),
    });
    for (const policy of networkPolicyManifests(env, this.#options.config)) {
      await this.#ensure(before, {
        kind: 'NetworkPolicy',
        desired: policy,
        create: ({ networking }, body) =>
          networking.createNamespacedNetworkPolicy({ namespace, body }),
        read: ({ networking }, name) =>
          networking.readNamespacedNetworkPolicy({ namespace, name }),
        replace: ({ networking }, name, body) =>
          networking.replaceNamespacedNetworkPolicy({ namespace, name, body }),
      });
    }
    await this.#ensure(before, {
      kind: 'RoleBinding',
      desired: roleBindingManifest(env),
      create: ({ rbac }, body) =>
        rbac.createNamespacedRoleBinding({ namespace, body }),
      read: ({ rbac }, name) =>
        rbac.readNamespacedRoleBinding({ namespace, name }),
      replace: ({ rbac }, name, body) =>
        rbac.replaceNamespacedRoleBinding({ namespace, name, body }),
    });
    const { portalAccess } = this.#options.config;
    if (portalAccess) {
      await this.#ensure(before, {
        kind: 'RoleBinding',
        desired: portalRoleBindingManifest(env, portalAccess),
        create: ({ rbac }, body) =>
          rbac.createNamespacedRoleBinding({ namespace, body }),
        read: ({ rbac }, name) =>
          rbac.readNamespacedRoleBinding({ namespace, name }),
        replace: ({ rbac }, name, body) =>
          rbac.replaceNamespacedRoleBinding({ namespace, name, body }),
      });
    }
  }

  /**
   * Deletes the environment's namespace (the cluster removes what is in it), but only if it is
   * this environment's. Returns whether a namespace was deleted.
   */
  async deprovision(
    env: Pick<EnvironmentSpec, 'namespace' | 'name' | 'team'>,
  ): Promise<boolean> {
    const existing = await this.#readNamespace(env.namespace);
    if (!existing) return false;
    if (!belongsTo(existing.metadata, env)) {
      this.#options.logger.warn(
        `Not deleting namespace ${
          env.namespace
        }: it is not the environment's (labels ${JSON.stringify(
          existing.metadata?.labels ?? {},
        )})`,
      );
      return false;
    }
    const what = `delete namespace ${env.namespace}`;
    try {
      await this.#kube.call(what, ({ core }) =>
        core.deleteNamespace({ name: env.namespace }),
      );
    } catch (error) {
      if (isStatus(error, 404)) return false;
      throw this.#kube.toBackstageError(what, error);
    }
    return true;
  }

  /** Writes the lease end onto the namespace (a merge patch of one annotation). */
  async annotateExpiry(namespace: string, expiresAt: string): Promise<void> {
    const what = `annotate namespace ${namespace}`;
    try {
      await this.#kube.call(what, ({ core }) =>
        core.patchNamespace(
          {
            name: namespace,
            body: {
              metadata: {
                annotations: { 'genai-playground.io/expires-at': expiresAt },
              },
            },
          },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        ),
      );
    } catch (error) {
      throw this.#kube.toBackstageError(what, error);
    }
  }

  async #readNamespace(name: string): Promise<V1Namespace | undefined> {
    const what = `read namespace ${name}`;
    try {
      return await this.#kube.call(what, ({ core }) =>
        core.readNamespace({ name }),
      );
    } catch (error) {
      if (isStatus(error, 404)) return undefined;
      throw this.#kube.toBackstageError(what, error);
    }
  }

  async #ensureNamespace(
    env: EnvironmentSpec,
    before: BeforeStep,
  ): Promise<void> {
    const desired = namespaceManifest(env, this.#options.config);
    const name = env.namespace;
    await before('Namespace', name);
    const create = `create namespace ${name}`;
    try {
      await this.#kube.call(create, ({ core }) =>
        core.createNamespace({ body: desired }),
      );
      return;
    } catch (error) {
      if (!isStatus(error, 409))
        throw this.#kube.toBackstageError(create, error);
    }
    const existing = await this.#readNamespace(name);
    if (!existing) {
      // Deleted between our create and read: the next attempt will create it.
      throw new ConflictError(
        `namespace ${name} on cluster ${
          this.#kube.clusterName
        } changed while it was being created; try again`,
      );
    }
    if (!belongsTo(existing.metadata, env)) {
      throw new ConflictError(
        `namespace ${name} already exists on cluster ${
          this.#kube.clusterName
        } and is not managed by the portal for this environment`,
      );
    }
    if (
      existing.metadata?.deletionTimestamp ||
      existing.status?.phase === 'Terminating'
    ) {
      throw new ConflictError(
        `namespace ${name} on cluster ${
          this.#kube.clusterName
        } is still being deleted; try again in a minute`,
      );
    }
    // Adopt: bring labels and annotations to what this request wants.
    const replace = `update namespace ${name}`;
    try {
      await this.#kube.call(replace, ({ core }) =>
        core.replaceNamespace({
          name,
          body: {
            ...existing,
            metadata: {
              ...existing.metadata,
              labels: {
                ...existing.metadata?.labels,
                ...desired.metadata?.labels,
              },
              annotations: {
                ...existing.metadata?.annotations,
                ...desired.metadata?.annotations,
              },
            },
          },
        }),
      );
    } catch (error) {
      throw this.#kube.toBackstageError(replace, error);
    }
  }

  async #ensure<T extends KubeObject>(
    before: BeforeStep,
    step: Step<T>,
  ): Promise<void> {
    const name = step.desired.metadata!.name!;
    const ns = step.desired.metadata!.namespace!;
    const label = `${step.kind} ${ns}/${name}`;
    await before(step.kind, name);
    const create = `create ${label}`;
    try {
      await this.#kube.call(create, apis => step.create(apis, step.desired));
      return;
    } catch (error) {
      if (!isStatus(error, 409))
        throw this.#kube.toBackstageError(create, error);
    }
    const read = `read ${label}`;
    const replace = `update ${label}`;
    // The cluster's controllers write too (the quota controller its status): a replace that
    // lost to them on resourceVersion reads again and retries.
    for (let attempt = 1; ; attempt++) {
      let existing: T;
      try {
        existing = await this.#kube.call(read, apis => step.read(apis, name));
      } catch (error) {
        throw this.#kube.toBackstageError(read, error);
      }
      if (!isManagedByPortal(existing.metadata)) {
        throw new ConflictError(
          `${label} already exists on cluster ${
            this.#kube.clusterName
          } and is not managed by the portal`,
        );
      }
      try {
        await this.#kube.call(replace, apis =>
          step.replace(apis, name, {
            ...step.desired,
            metadata: {
              ...step.desired.metadata,
              resourceVersion: existing.metadata?.resourceVersion,
            },
          }),
        );
        return;
      } catch (error) {
        if (isStatus(error, 409) && attempt < REPLACE_ATTEMPTS) continue;
        throw this.#kube.toBackstageError(replace, error);
      }
    }
  }
}
