import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  EnvironmentObjects,
  GatekeeperViolation,
  KubeObject,
} from '@genai-portal/plugin-genai-insights-node';
import {
  ApiException,
  AppsV1Api,
  BatchV1Api,
  type CoreV1Api,
  type CustomObjectsApi,
  NetworkingV1Api,
  PolicyV1Api,
} from '@kubernetes/client-node';
// client-node's model serializer (class instances back to the API's JSON), which its package
// index does not re-export.
import { ObjectSerializer } from '@kubernetes/client-node/dist/serializer.js';
import type { ClusterConnection } from '../config';
import {
  makeClusterApi,
  makeCoreApi,
  makeCustomObjectsApi,
} from '../cluster/kubernetes';
import { listAll, type ListPageMeta } from '../cluster/listAll';
import { PLAYGROUND_NAMESPACES } from '../cluster/podIntervals';
import { readGatekeeperViolations, violationIn } from './gatekeeperViolations';

/** Kyverno's policy reports, listed across namespaces. */
const POLICY_REPORTS = {
  group: 'wgpolicyk8s.io',
  version: 'v1alpha2',
  plural: 'policyreports',
} as const;

/** Options of {@link ClusterObjectsReader}. */
export interface ClusterObjectsReaderOptions {
  core: CoreV1Api;
  apps: AppsV1Api;
  batch: BatchV1Api;
  networking: NetworkingV1Api;
  policy: PolicyV1Api;
  /**
   * Kyverno's PolicyReports and Gatekeeper's constraints are read through it; none: the
   * environments' policy-engine evidence is not read (`policyReportsServed` and `gatekeeper`
   * undefined).
   */
  custom?: CustomObjectsApi;
  logger: LoggerService;
  /** Items per list request; default 500. */
  pageSize?: number;
  /**
   * How long a kind the API does not serve (404) or does not let us list (403, the policy
   * engines' only) is not asked again; default 10 min.
   */
  absentRetryMs?: number;
  /** Milliseconds since the epoch; tests set it. */
  now?: () => number;
}

/** A kind that may be missing from a cluster, and what its absence means. */
interface OptionalKind {
  what: string;
  /** The status codes taken as "the cluster has none". */
  codes: number[];
  absentUntil?: number;
  absenceLogged: boolean;
}

type Page = { items: unknown[]; metadata?: ListPageMeta };

/**
 * The playground environments' objects from the Kubernetes API, for the compliance checks: one
 * pass of paged cluster-wide lists (namespaces labelled as the portal's, then pods, deployments,
 * statefulsets, jobs, network policies, quotas, limit ranges, disruption budgets and Kyverno's
 * PolicyReports, and Gatekeeper's constraints: discovery of their kinds, one list per kind),
 * whatever the number of namespaces, grouped per environment; Gatekeeper's violations go to the
 * environment of the object they name. Objects are plain
 * JSON as the API serves them (camelCase fields, ISO timestamps), with their `apiVersion` and
 * `kind` set (list items come without them). Objects outside the playground namespaces are left
 * out. A failed list throws: the evaluation is tried again on its next run.
 */
export class ClusterObjectsReader {
  /** A reader of the cluster the insights backend is connected to. */
  static fromCluster(
    cluster: ClusterConnection,
    options: Omit<
      ClusterObjectsReaderOptions,
      'core' | 'apps' | 'batch' | 'networking' | 'policy' | 'custom'
    > & { requestTimeoutMs?: number },
  ): ClusterObjectsReader {
    const { requestTimeoutMs, ...rest } = options;
    const api = { requestTimeoutMs };
    return new ClusterObjectsReader({
      ...rest,
      core: makeCoreApi(cluster, api),
      apps: makeClusterApi(AppsV1Api, cluster, api),
      batch: makeClusterApi(BatchV1Api, cluster, api),
      networking: makeClusterApi(NetworkingV1Api, cluster, api),
      policy: makeClusterApi(PolicyV1Api, cluster, api),
      custom: makeCustomObjectsApi(cluster, api),
    });
  }

  readonly #options: ClusterObjectsReaderOptions;
  readonly #now: () => number;
  readonly #policyReports: OptionalKind = {
    what: 'Kyverno PolicyReports',
    codes: [404, 403],
    absenceLogged: false,
  };
  readonly #gatekeeper: OptionalKind = {
    what: 'Gatekeeper constraints',
    codes: [404, 403],
    absenceLogged: false,
  };
  /**
   * Every Kubernetes API serves apps/v1 statefulsets; kube-sim (development and tests) does not,
   * and answers 404: taken as none.
   */
  readonly #statefulSets: OptionalKind = {
    what: 'StatefulSets',
    codes: [404],
    absenceLogged: false,
  };

  constructor(options: ClusterObjectsReaderOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** The objects of every playground environment, one entry per namespace, by name. */
  async read(): Promise<EnvironmentObjects[]> {
    const { core, apps, batch, networking, policy, custom } = this.#options;
    const limit = this.#options.pageSize ?? 500;
    const now = this.#now();
    const [
      namespaces,
      pods,
      deployments,
      statefulSets,
      jobs,
      networkPolicies,
      resourceQuotas,
      limitRanges,
      podDisruptionBudgets,
      policyReports,
      gatekeeperViolations,
    ] = await Promise.all([
      this.#list('V1Namespace', 'v1', 'Namespace', token =>
        core.listNamespace({
          labelSelector: PLAYGROUND_NAMESPACES,
          limit,
          _continue: token,
        }),
      ),
      this.#list('V1Pod', 'v1', 'Pod', token =>
        core.listPodForAllNamespaces({ limit, _continue: token }),
      ),
      this.#list('V1Deployment', 'apps/v1', 'Deployment', token =>
        apps.listDeploymentForAllNamespaces({ limit, _continue: token }),
      ),
      this.#optional(this.#statefulSets, now, () =>
        this.#list('V1StatefulSet', 'apps/v1', 'StatefulSet', token =>
          apps.listStatefulSetForAllNamespaces({ limit, _continue: token }),
        ),
      ),
      this.#list('V1Job', 'batch/v1', 'Job', token =>
        batch.listJobForAllNamespaces({ limit, _continue: token }),
      ),
      this.#list(
        'V1NetworkPolicy',
        'networking.k8s.io/v1',
        'NetworkPolicy',
        token =>
          networking.listNetworkPolicyForAllNamespaces({
            limit,
            _continue: token,
          }),
      ),
      this.#list('V1ResourceQuota', 'v1', 'ResourceQuota', token =>
        core.listResourceQuotaForAllNamespaces({ limit, _continue: token }),
      ),
      this.#list('V1LimitRange', 'v1', 'LimitRange', token =>
        core.listLimitRangeForAllNamespaces({ limit, _continue: token }),
      ),
      this.#list(
        'V1PodDisruptionBudget',
        'policy/v1',
        'PodDisruptionBudget',
        token =>
          policy.listPodDisruptionBudgetForAllNamespaces({
            limit,
            _continue: token,
          }),
      ),
      custom
        ? this.#optional(this.#policyReports, now, () =>
            this.#listPolicyReports(custom, limit),
          )
        : undefined,
      custom
        ? this.#optional(this.#gatekeeper, now, () =>
            readGatekeeperViolations(custom, limit),
          )
        : undefined,
    ]);

    const environments = new Map<string, EnvironmentObjects>();
    for (const namespace of namespaces) {
      const name = namespace.metadata?.name;
      if (!name) continue;
      environments.set(name, {
        namespace,
        pods: [],
        deployments: [],
        statefulSets: [],
        jobs: [],
        networkPolicies: [],
        resourceQuotas: [],
        limitRanges: [],
        podDisruptionBudgets: [],
        policyReports: [],
        ...this.#engines(name, policyReports, gatekeeperViolations),
      });
    }
    const group = (
      objects: KubeObject[],
      into: (environment: EnvironmentObjects) => KubeObject[],
    ) => {
      for (const object of objects) {
        const environment = environments.get(object.metadata?.namespace ?? '');
        if (environment) into(environment).push(object);
      }
    };
    group(pods, e => e.pods);
    group(deployments, e => e.deployments);
    group(statefulSets ?? [], e => e.statefulSets);
    group(jobs, e => e.jobs);
    group(networkPolicies, e => e.networkPolicies);
    group(resourceQuotas, e => e.resourceQuotas);
    group(limitRanges, e => e.limitRanges);
    group(podDisruptionBudgets, e => e.podDisruptionBudgets);
    group(policyReports ?? [], e => e.policyReports);
    return [...environments.values()].sort((a, b) =>
      a.namespace.metadata!.name!.localeCompare(b.namespace.metadata!.name!),
    );
  }

  /**
   * A typed list, every page, each item back to the API's JSON. A page is turned back before the
   * next is asked for, so the typed copies of one page at most are held at once (10,000 pods'
   * typed copies would add some 100 MB to the evaluation's peak).
   */
  async #list(
    type: string,
    apiVersion: string,
    kind: string,
    page: (token: string | undefined) => Promise<Page>,
  ): Promise<KubeObject[]> {
    return listAll<KubeObject>(async token => {
      const typed = await page(token);
      return {
        metadata: typed.metadata,
        items: Array.isArray(typed.items)
          ? typed.items.map(item => {
              const object = withoutUndefined(
                ObjectSerializer.serialize(item, type),
              ) as KubeObject;
              return { ...object, apiVersion, kind };
            })
          : typed.items,
      };
    });
  }

  /**
   * Whether each engine is there, and Gatekeeper's violations of the namespace; undefined: not
   * read (no custom objects API).
   */
  #engines(
    namespace: string,
    policyReports: KubeObject[] | null | undefined,
    violations: GatekeeperViolation[] | null | undefined,
  ): Pick<EnvironmentObjects, 'policyReportsServed' | 'gatekeeper'> {
    if (!this.#options.custom) return {};
    return {
      policyReportsServed: policyReports !== null,
      gatekeeper: {
        running: violations !== null,
        violations: (violations ?? []).filter(v => violationIn(v, namespace)),
      },
    };
  }

  /** Kyverno's PolicyReports across namespaces; custom objects come as JSON already. */
  async #listPolicyReports(
    custom: CustomObjectsApi,
    limit: number,
  ): Promise<KubeObject[]> {
    const items = await listAll<KubeObject>(token =>
      custom.listClusterCustomObject({
        ...POLICY_REPORTS,
        limit,
        _continue: token,
      }),
    );
    return items.map(item => ({
      ...item,
      apiVersion: `${POLICY_REPORTS.group}/${POLICY_REPORTS.version}`,
      kind: 'PolicyReport',
    }));
  }

  /**
   * A kind the cluster may not have: an answer with one of its codes means none (null), and the
   * kind is not asked again for `absentRetryMs`. Other failures throw.
   */
  async #optional<T>(
    kind: OptionalKind,
    now: number,
    list: () => Promise<T[]>,
  ): Promise<T[] | null> {
    const { logger } = this.#options;
    if (kind.absentUntil !== undefined && now < kind.absentUntil) return null;
    try {
      const items = await list();
      if (kind.absentUntil !== undefined) {
        kind.absentUntil = undefined;
        kind.absenceLogged = false;
        logger.info(`Compliance: ${kind.what} are readable again`);
      }
      return items;
    } catch (error) {
      if (error instanceof ApiException && kind.codes.includes(error.code)) {
        kind.absentUntil = now + (this.#options.absentRetryMs ?? 600_000);
        if (!kind.absenceLogged) {
          kind.absenceLogged = true;
          logger.info(
            `Compliance: ${kind.what} are not read (${
              error.code === 404
                ? 'the cluster does not serve them'
                : 'not allowed to list them'
            }); environments have none`,
          );
        }
        return null;
      }
      throw error;
    }
  }
}

/**
 * The serializer's output without the keys it sets to undefined (every attribute of a model
 * the object does not have), so that objects hold what the API served and nothing else.
 */
function withoutUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutUndefined);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v !== undefined) out[key] = withoutUndefined(v);
  }
  return out;
}
