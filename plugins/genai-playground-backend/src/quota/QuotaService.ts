import type { CacheService } from '@backstage/backend-plugin-api';
import {
  GPU_POOLS,
  parseQuantity,
  type EnvironmentDetails,
  type EnvironmentPod,
  type GpuPool,
  type GpuPoolUsage,
  type TeamQuotaUsage,
} from '@genai-portal/plugin-genai-playground-common';
import type { V1Pod } from '@kubernetes/client-node';
import { limitsOf, type PlaygroundConfig } from '../config';
import type { KubernetesClient } from '../kubernetes/KubernetesClient';
import { tidy, toGi } from '../kubernetes/quantity';
import type {
  EnvironmentRecord,
  EnvironmentStore,
} from '../environments/EnvironmentStore';
import {
  GPU_RESOURCE,
  MANAGED_BY,
  MANAGED_BY_LABEL,
  QUOTA_NAME,
  entityName,
} from '../environments/manifests';

/** Node label naming a node's GPU pool (set by the platform on GPU nodes). */
export const GPU_TYPE_LABEL = 'gpu-type';
/** Node label of the AMD GPU operator's node labeller. */
export const GPU_PRODUCT_LABEL = 'amd.com/gpu.product-name';

const LIVE: EnvironmentRecord['status'][] = ['creating', 'ready', 'deleting'];

export interface QuotaServiceOptions {
  kube: KubernetesClient;
  store: EnvironmentStore;
  cache: CacheService;
  config: Pick<
    PlaygroundConfig,
    'quotaCacheSeconds' | 'teamLimits' | 'defaultTeamLimits'
  >;
  clock?: { now(): Date };
}

/** The GPUs a pod holds: requests (or limits, which extended resources default requests to). */
export function podGpus(pod: V1Pod): number {
  const gpusOf = (c: { resources?: { requests?: any; limits?: any } }) =>
    parseQuantity(
      c.resources?.requests?.[GPU_RESOURCE] ??
        c.resources?.limits?.[GPU_RESOURCE],
    ) ?? 0;
  const app = (pod.spec?.containers ?? []).reduce(
    (sum, c) => sum + gpusOf(c),
    0,
  );
  const init = Math.max(0, ...(pod.spec?.initContainers ?? []).map(gpusOf));
  return Math.max(app, init);
}

function isTerminal(pod: V1Pod) {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

/**
 * Quota usage read from the live cluster: per environment (its ResourceQuota and pods), per team
 * (summed over its live environments, against the team's cap) and per GPU pool. Answers are cached
 * for quotaCacheSeconds and carry the time they were read.
 */
export class QuotaService {
  readonly #kube: KubernetesClient;
  readonly #store: EnvironmentStore;
  readonly #cache: CacheService;
  readonly #config: QuotaServiceOptions['config'];
  readonly #clock: { now(): Date };

  static create(options: QuotaServiceOptions) {
    return new QuotaService(options);
  }

  private constructor(options: QuotaServiceOptions) {
    this.#kube = options.kube;
    this.#store = options.store;
    this.#cache = options.cache;
    this.#config = options.config;
    this.#clock = options.clock ?? { now: () => new Date() };
  }

  /** The ResourceQuota hard/used and the pods of one environment's namespace. */
  async getEnvironmentUsage(namespace: string): Promise<EnvironmentDetails> {
    return this.#cached(`environment:${namespace}`, async () => {
      const [quota, pods] = await Promise.all([
        this.#kube
          .call(`read ResourceQuota ${namespace}/${QUOTA_NAME}`, ({ core }) =>
            core.readNamespacedResourceQuota({ namespace, name: QUOTA_NAME }),
          )
          .catch(error => {
            if ((error as { code?: number }).code === 404) return undefined;
            throw this.#kube.toBackstageError(
              `read the quota of ${namespace}`,
              error,
            );
          }),
        this.#kube
          .call(`list pods in ${namespace}`, ({ core }) =>
            core.listNamespacedPod({ namespace }),
          )
          .catch(error => {
            throw this.#kube.toBackstageError(
              `list the pods of ${namespace}`,
              error,
            );
          }),
      ]);
      const readAt = this.#clock.now().toISOString();
      const details: EnvironmentDetails = {
        pods: pods.items.map(pod => {
          const out: EnvironmentPod = {
            name: pod.metadata?.name ?? '',
            phase: pod.status?.phase ?? 'Unknown',
            gpus: podGpus(pod),
          };
          if (pod.spec?.nodeName) out.node = pod.spec.nodeName;
          const created = pod.metadata?.creationTimestamp;
          if (created) out.createdAt = new Date(created).toISOString();
          return out;
        }),
      };
      if (quota) {
        details.quotaUsage = {
          hard: { ...(quota.status?.hard ?? quota.spec?.hard ?? {}) },
          used: { ...(quota.status?.used ?? {}) },
          readAt,
        };
      }
      return details;
    });
  }

  /**
   * GPUs, CPU and memory of each team: hard and used summed over the ResourceQuotas of its live
   * environments, with the team's cap. `teams` are group refs; without them, every team that has a
   * live environment or a configured cap.
   */
  async getTeamQuotas(teams?: string[]): Promise<TeamQuotaUsage[]> {
    const usage = await this.#cached('teams', async () => {
      const [environments, quotas] = await Promise.all([
        this.#store.list({ statuses: LIVE }),
        this.#kube
          .call('list ResourceQuotas of environments', ({ core }) =>
            core.listResourceQuotaForAllNamespaces({
              labelSelector: `${MANAGED_BY_LABEL}=${MANAGED_BY}`,
            }),
          )
          .catch(error => {
            throw this.#kube.toBackstageError(
              'list the quotas of environments',
              error,
            );
          }),
      ]);
      const readAt = this.#clock.now().toISOString();
      const byNamespace = new Map(
        quotas.items
          .filter(q => q.metadata?.name === QUOTA_NAME)
          .map(q => [q.metadata?.namespace, q]),
      );
      const byTeam = new Map<string, TeamQuotaUsage>();
      const teamEntry = (team: string) => {
        let entry = byTeam.get(team);
        if (!entry) {
          entry = this.#emptyTeam(team, readAt);
          byTeam.set(team, entry);
        }
        return entry;
      };
      for (const name of Object.keys(this.#config.teamLimits)) {
        teamEntry(`group:default/${name}`);
      }
      for (const env of environments) {
        const entry = teamEntry(env.team);
        entry.environments += 1;
        const quota = byNamespace.get(env.namespace);
        const hard = quota?.status?.hard ?? quota?.spec?.hard;
        const used = quota?.status?.used ?? {};
        entry.gpus.hard += hard
          ? parseQuantity(hard[`requests.${GPU_RESOURCE}`]) ?? 0
          : env.quota.gpus;
        entry.gpus.used += parseQuantity(used[`requests.${GPU_RESOURCE}`]) ?? 0;
        entry.cpu.hard += hard
          ? parseQuantity(hard['requests.cpu']) ?? 0
          : env.quota.cpu;
        entry.cpu.used += parseQuantity(used['requests.cpu']) ?? 0;
        entry.memoryGi.hard += hard
          ? toGi(parseQuantity(hard['requests.memory']) ?? 0)
          : env.quota.memoryGi;
        entry.memoryGi.used += toGi(
          parseQuantity(used['requests.memory']) ?? 0,
        );
      }
      for (const entry of byTeam.values()) {
        for (const key of ['gpus', 'cpu', 'memoryGi'] as const) {
          entry[key].hard = tidy(entry[key].hard);
          entry[key].used = tidy(entry[key].used);
        }
      }
      return [...byTeam.values()].sort((a, b) => a.team.localeCompare(b.team));
    });
    if (!teams) return usage;
    return teams.map(
      team =>
        usage.find(u => u.team === team) ??
        this.#emptyTeam(team, usage[0]?.readAt),
    );
  }

  /**
   * Each GPU pool: nodes labelled `gpu-type=<pool>`, their allocatable amd.com/gpu, what
   * non-terminal pods on them request, and the GPUs promised to live environments' quotas.
   *
   * @param options.fresh - read the cluster now rather than a cached answer (admission checks).
   */
  async getPoolUsage(
    options: { fresh?: boolean } = {},
  ): Promise<GpuPoolUsage[]> {
    return this.#cached(
      'pools',
      async () => {
        const [nodes, pods, environments] = await Promise.all([
          this.#kube
            .call('list GPU nodes', ({ core }) =>
              core.listNode({
                labelSelector: `${GPU_TYPE_LABEL} in (${GPU_POOLS.join(',')})`,
              }),
            )
            .catch(error => {
              throw this.#kube.toBackstageError('list GPU nodes', error);
            }),
          this.#kube
            .call('list running pods', ({ core }) =>
              core.listPodForAllNamespaces({
                fieldSelector: 'status.phase!=Succeeded,status.phase!=Failed',
              }),
            )
            .catch(error => {
              throw this.#kube.toBackstageError('list pods', error);
            }),
          this.#store.list({ statuses: LIVE }),
        ]);
        const readAt = this.#clock.now().toISOString();
        const requestedByNode = new Map<string, number>();
        for (const pod of pods.items) {
          const node = pod.spec?.nodeName;
          if (!node || isTerminal(pod)) continue;
          requestedByNode.set(
            node,
            (requestedByNode.get(node) ?? 0) + podGpus(pod),
          );
        }
        return GPU_POOLS.map((pool: GpuPool) => {
          const poolNodes = nodes.items.filter(
            n => n.metadata?.labels?.[GPU_TYPE_LABEL] === pool,
          );
          const allocatable = poolNodes.reduce(
            (sum, n) =>
              sum +
              (n.spec?.unschedulable
                ? 0
                : parseQuantity(n.status?.allocatable?.[GPU_RESOURCE]) ?? 0),
            0,
          );
          const requested = poolNodes.reduce(
            (sum, n) =>
              sum + (requestedByNode.get(n.metadata?.name ?? '') ?? 0),
            0,
          );
          const productName =
            poolNodes
              .map(n => n.metadata?.labels?.[GPU_PRODUCT_LABEL])
              .find(Boolean) ?? pool.toUpperCase();
          return {
            pool,
            productName,
            nodes: poolNodes.length,
            allocatable,
            requested,
            free: Math.max(0, allocatable - requested),
            quotaCommitted: environments
              .filter(e => e.gpuPool === pool)
              .reduce((sum, e) => sum + e.quota.gpus, 0),
            readAt,
          };
        });
      },
      options.fresh,
    );
  }

  /** Drops cached team and pool summaries: an environment came or went. */
  async forgetSummaries(): Promise<void> {
    await Promise.all([
      this.#cache.delete('teams'),
      this.#cache.delete('pools'),
    ]);
  }

  #emptyTeam(
    team: string,
    readAt = this.#clock.now().toISOString(),
  ): TeamQuotaUsage {
    const cap = limitsOf(this.#config, entityName(team));
    return {
      team,
      environments: 0,
      gpus: { hard: 0, used: 0, cap: cap.gpus },
      cpu: { hard: 0, used: 0, cap: cap.cpu },
      memoryGi: { hard: 0, used: 0, cap: cap.memoryGi },
      readAt,
    };
  }

  async #cached<T>(
    key: string,
    read: () => Promise<T>,
    fresh = false,
  ): Promise<T> {
    const ttlMs = this.#config.quotaCacheSeconds * 1000;
    if (!fresh && ttlMs > 0) {
      const hit = await this.#cache.get(key);
      if (hit !== undefined) return hit as T;
    }
    const value = await read();
    if (ttlMs > 0) {
      await this.#cache.set(
        key,
        value as unknown as Parameters<CacheService['set']>[1],
        { ttl: ttlMs },
      );
    }
    return value;
  }
}
