import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  ApiException,
  type CoreV1Api,
  type CustomObjectsApi,
  type V1Node,
  type V1Pod,
} from '@kubernetes/client-node';
import type { ClusterConnection } from '../../config';
import { makeCoreApi, makeCustomObjectsApi } from '../../cluster/kubernetes';
import { listAll } from '../../cluster/listAll';
import type {
  ClusterGpuReader,
  ClusterGpuSnapshot,
  GpuNodeInfo,
  GpuPodInfo,
  PendingGpuInfo,
} from '../types';
import {
  DEFAULT_POOL_LABEL,
  type KueueWorkload,
  namespaceMetas,
  toGpuNode,
  toGpuPod,
  toPendingPod,
  toPendingWorkload,
} from './gpuObjects';

/** Kueue's workloads, listed across namespaces. */
const WORKLOADS = {
  group: 'kueue.x-k8s.io',
  version: 'v1beta1',
  plural: 'workloads',
} as const;

/** Options of {@link KubernetesGpuReader}. */
export interface KubernetesGpuReaderOptions {
  core: CoreV1Api;
  /** Kueue's workloads are read through it; none: pending means pending pods only. */
  custom?: CustomObjectsApi;
  logger: LoggerService;
  /** The node label naming a GPU node's pool (`genaiInsights.gpu.poolLabel`); default `gpu-type`. */
  poolLabel?: string;
  /** How long a snapshot is served again; default 10 s. */
  cacheTtlMs?: number;
  /** Items per list request; default 500. */
  pageSize?: number;
  /** How long an absent (404) or forbidden (403) Kueue is not asked again; default 10 min. */
  kueueRetryMs?: number;
  /** Milliseconds since the epoch; tests set it. */
  now?: () => number;
}

/**
 * The cluster's GPU allocation from the Kubernetes API: GPU nodes, the running pods holding
 * their GPUs, and what waits for GPUs (pending pods, Kueue workloads not admitted). One
 * snapshot is a single pass of paged cluster-wide lists (nodes, namespaces, running pods,
 * pending pods, workloads), whatever the number of pods; it is served again for `cacheTtlMs`,
 * and concurrent callers share the read in flight. A failed read is not cached: it throws to
 * every caller waiting on it, and the next call reads again. An object that cannot be read
 * (a field missing or malformed) is left out with a warning, never the snapshot.
 *
 * Snapshots are shared between callers: treat them as read-only.
 */
export class KubernetesGpuReader implements ClusterGpuReader {
  /** A reader of the cluster the insights backend is connected to. */
  static fromCluster(
    cluster: ClusterConnection,
    options: Omit<KubernetesGpuReaderOptions, 'core' | 'custom'> & {
      requestTimeoutMs?: number;
    },
  ): KubernetesGpuReader {
    const { requestTimeoutMs, ...rest } = options;
    return new KubernetesGpuReader({
      ...rest,
      core: makeCoreApi(cluster, { requestTimeoutMs }),
      custom: makeCustomObjectsApi(cluster, { requestTimeoutMs }),
    });
  }

  readonly #options: KubernetesGpuReaderOptions;
  readonly #poolLabel: string;
  readonly #now: () => number;
  #cached?: { readAt: number; snapshot: ClusterGpuSnapshot };
  #inFlight?: Promise<ClusterGpuSnapshot>;
  /** Until when Kueue is taken as absent (not installed, or not ours to read). */
  #kueueAbsentUntil?: number;
  #kueueAbsenceLogged = false;

  constructor(options: KubernetesGpuReaderOptions) {
    this.#options = options;
    this.#poolLabel = options.poolLabel || DEFAULT_POOL_LABEL;
    this.#now = options.now ?? Date.now;
  }

  snapshot(): Promise<ClusterGpuSnapshot> {
    const ttl = this.#options.cacheTtlMs ?? 10_000;
    const cached = this.#cached;
    if (cached && this.#now() - cached.readAt < ttl) {
      return Promise.resolve(cached.snapshot);
    }
    if (!this.#inFlight) {
      const readAt = this.#now();
      this.#inFlight = this.#read(readAt)
        .then(snapshot => {
          this.#cached = { readAt, snapshot };
          return snapshot;
        })
        .finally(() => {
          this.#inFlight = undefined;
        });
    }
    return this.#inFlight;
  }

  async #read(readAt: number): Promise<ClusterGpuSnapshot> {
    const { core } = this.#options;
    const limit = this.#options.pageSize ?? 500;
    const [nodeList, namespaceList, running, pendingPods, workloads] =
      await Promise.all([
        listAll(token => core.listNode({ limit, _continue: token })),
        listAll(token => core.listNamespace({ limit, _continue: token })),
        listAll(token =>
          core.listPodForAllNamespaces({
            fieldSelector: 'status.phase=Running',
            limit,
            _continue: token,
          }),
        ),
        listAll(token =>
          core.listPodForAllNamespaces({
            fieldSelector: 'status.phase=Pending',
            limit,
            _continue: token,
          }),
        ),
        this.#listWorkloads(limit, readAt),
      ]);

    const poolLabel = this.#poolLabel;
    const nodes = new Map<string, GpuNodeInfo>();
    for (const node of nodeList) {
      const info = this.#each('node', node, n => toGpuNode(n, poolLabel));
      if (info) nodes.set(info.name, info);
    }
    const namespaces = namespaceMetas(namespaceList);

    const pods: GpuPodInfo[] = [];
    for (const pod of running) {
      const info = this.#each('pod', pod, p => toGpuPod(p, nodes, namespaces));
      if (info) pods.push(info);
    }

    const pending: PendingGpuInfo[] = [];
    const kueueCounted = workloads !== undefined;
    for (const pod of pendingPods) {
      const info = this.#each('pod', pod, p =>
        toPendingPod(p, namespaces, { poolLabel, kueueCounted }),
      );
      if (info) pending.push(info);
    }
    for (const workload of workloads ?? []) {
      const info = this.#each('workload', workload, w =>
        toPendingWorkload(w, namespaces, { poolLabel }),
      );
      if (info) pending.push(info);
    }

    return {
      at: new Date(readAt).toISOString(),
      nodes: [...nodes.values()].sort((a, b) => a.name.localeCompare(b.name)),
      pods,
      pending: pending.sort((a, b) => a.since.localeCompare(b.since)),
    };
  }

  /** One object through `read`; a malformed one is left out with a warning. */
  #each<T extends V1Node | V1Pod | KueueWorkload, R>(
    what: string,
    object: T,
    read: (object: T) => R | undefined,
  ): R | undefined {
    try {
      return read(object);
    } catch (error) {
      const meta = object?.metadata;
      const name = [meta?.namespace, meta?.name]
        .filter(p => typeof p === 'string' && p)
        .join('/');
      this.#options.logger.warn(
        `GPU allocation: ${what} ${name || '(unnamed)'} is left out: ${
          (error as Error)?.message ?? error
        }`,
      );
      return undefined;
    }
  }

  /**
   * Kueue's workloads across namespaces; undefined when Kueue is absent: no custom objects
   * API, or the API answered 404 (its CRD is not installed) or 403 (not granted) within the
   * last `kueueRetryMs`. Other failures throw.
   */
  async #listWorkloads(
    limit: number,
    now: number,
  ): Promise<KueueWorkload[] | undefined> {
    const { custom, logger } = this.#options;
    if (!custom) return undefined;
    if (this.#kueueAbsentUntil !== undefined && now < this.#kueueAbsentUntil) {
      return undefined;
    }
    try {
      const items = await listAll<KueueWorkload>(token =>
        custom.listClusterCustomObject({
          ...WORKLOADS,
          limit,
          _continue: token,
        }),
      );
      if (this.#kueueAbsentUntil !== undefined) {
        this.#kueueAbsentUntil = undefined;
        this.#kueueAbsenceLogged = false;
        logger.info('GPU allocation: Kueue workloads are readable again');
      }
      return items;
    } catch (error) {
      if (
        error instanceof ApiException &&
        (error.code === 404 || error.code === 403)
      ) {
        this.#kueueAbsentUntil = now + (this.#options.kueueRetryMs ?? 600_000);
        if (!this.#kueueAbsenceLogged) {
          this.#kueueAbsenceLogged = true;
          logger.info(
            `GPU allocation: Kueue workloads are not read (${
              error.code === 404
                ? 'Kueue is not installed'
                : 'not allowed to list them'
            }); pending GPU requests are pending pods only`,
          );
        }
        return undefined;
      }
      throw error;
    }
  }
}
