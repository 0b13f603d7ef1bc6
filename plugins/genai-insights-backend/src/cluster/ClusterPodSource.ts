import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  LedgerFacts,
  PodInterval,
} from '@genai-portal/plugin-genai-insights-common';
import type {
  FactSource,
  FactSourceCollectOptions,
} from '@genai-portal/plugin-genai-insights-node';
import type { CoreV1Api } from '@kubernetes/client-node';
import type { ClusterPodRecord, ClusterPodStore } from './ClusterPodStore';
import { listAll } from './listAll';
import { PLAYGROUND_NAMESPACES, toPodInterval } from './podIntervals';

/** The id of the built-in source of pods. */
export const CLUSTER_PODS_SOURCE_ID = 'cluster-pods';

/**
 * The pods of the playground's namespaces that run outside jobs (inference servers' replicas,
 * notebooks), as PodIntervals for the used basis. Each run lists them and reports what changed
 * since the last run whose facts were stored (`since`): pods new or changed, pods that finished
 * (ended when their last container did), and pods gone while running (ended when last seen
 * running: the collector never charges time it did not see). It remembers what it reported in
 * `cluster_pods`; a report not yet confirmed by `since` (the run's facts were not stored) is
 * made again.
 */
export class ClusterPodSource implements FactSource {
  readonly id = CLUSTER_PODS_SOURCE_ID;

  constructor(
    private readonly options: {
      core: CoreV1Api;
      store: ClusterPodStore;
      logger: LoggerService;
      /**
       * Node labels kept with each pod: those the rate card's `spotNodeLabels` name. None: nodes
       * are not read.
       */
      nodeLabelKeys?: string[];
      /** Items per list request. */
      pageSize?: number;
    },
  ) {}

  async collect(
    options: FactSourceCollectOptions,
  ): Promise<Partial<LedgerFacts>> {
    const { store } = this.options;
    const listed = await this.listPods(options.now);
    const known = await store.list();
    const now = options.now.toISOString();
    const confirmed = (record: ClusterPodRecord) =>
      options.since !== undefined && record.reportedAt <= options.since;

    const report: PodInterval[] = [];
    const put: ClusterPodRecord[] = [];
    const seen: string[] = [];
    const remove: string[] = [];
    for (const fact of listed.values()) {
      const record = known.get(fact.id);
      if (
        !record ||
        JSON.stringify(record.fact) !== JSON.stringify(fact) ||
        !confirmed(record)
      ) {
        report.push(fact);
        put.push({ fact, reportedAt: now, seenAt: now });
      } else if (fact.end === undefined) {
        seen.push(fact.id);
      }
    }
    for (const [id, record] of known) {
      if (listed.has(id)) continue;
      if (record.fact.end === undefined) {
        // Gone while running: it ran until it was last seen.
        const end =
          record.seenAt > record.fact.start ? record.seenAt : record.fact.start;
        const fact = { ...record.fact, end };
        report.push(fact);
        put.push({ fact, reportedAt: now, seenAt: record.seenAt });
      } else if (confirmed(record)) {
        remove.push(id);
      } else {
        report.push(record.fact);
        put.push({ ...record, reportedAt: now });
      }
    }
    await store.apply({ put, seen: { ids: seen, at: now }, remove });
    this.options.logger.debug(
      `Cluster pods: ${listed.size} listed, ${report.length} reported, ${remove.length} forgotten`,
    );
    return { pods: report };
  }

  /** The counted pods of the playground's namespaces, by uid. */
  private async listPods(now: Date): Promise<Map<string, PodInterval>> {
    const { core, logger } = this.options;
    const limit = this.options.pageSize ?? 500;
    const namespaces = await listAll(token =>
      core.listNamespace({
        labelSelector: PLAYGROUND_NAMESPACES,
        limit,
        _continue: token,
      }),
    );
    const nodeLabels = await this.nodeLabels();
    const pods = new Map<string, PodInterval>();
    for (const namespace of namespaces) {
      const name = namespace.metadata?.name;
      if (!name) continue;
      // Any failure fails the run: a namespace not listed would look like its pods were gone.
      const items = await listAll(token =>
        core.listNamespacedPod({ namespace: name, limit, _continue: token }),
      );
      for (const pod of items) {
        try {
          const node = pod.spec?.nodeName;
          const fact = toPodInterval(pod, namespace, {
            nodeLabels: node ? nodeLabels?.get(node) : undefined,
            now,
          });
          if (fact) pods.set(fact.id, fact);
        } catch (error) {
          logger.warn(
            `Pod ${name}/${pod.metadata?.name} is not counted: ${
              (error as Error).message
            }`,
          );
        }
      }
    }
    return pods;
  }

  /** The kept labels of each node, or undefined when none are kept. */
  private async nodeLabels(): Promise<
    Map<string, Record<string, string>> | undefined
  > {
    const keys = this.options.nodeLabelKeys ?? [];
    if (keys.length === 0) return undefined;
    const nodes = await listAll(token =>
      this.options.core.listNode({
        limit: this.options.pageSize ?? 500,
        _continue: token,
      }),
    );
    const labels = new Map<string, Record<string, string>>();
    for (const node of nodes) {
      const all = node.metadata?.labels ?? {};
      const kept: Record<string, string> = {};
      for (const key of keys) {
        if (key in all) kept[key] = all[key];
      }
      if (node.metadata?.name) labels.set(node.metadata.name, kept);
    }
    return labels;
  }
}
