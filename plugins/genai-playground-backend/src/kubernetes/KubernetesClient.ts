import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  ApiException,
  AppsV1Api,
  AutoscalingV2Api,
  BatchV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  NetworkingV1Api,
  PolicyV1Api,
  RbacAuthorizationV1Api,
  ServerConfiguration,
  createConfiguration,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';
import type { ClusterSettings } from '../config';

/** The typed APIs of the cluster, as @kubernetes/client-node 1.x makes them. */
export interface KubernetesApis {
  core: CoreV1Api;
  batch: BatchV1Api;
  networking: NetworkingV1Api;
  rbac: RbacAuthorizationV1Api;
  apps: AppsV1Api;
  autoscaling: AutoscalingV2Api;
  /** PodDisruptionBudgets. */
  policy: PolicyV1Api;
  /** OpenShift Routes (route.openshift.io/v1) and other custom resources. */
  custom: CustomObjectsApi;
}

export interface KubernetesClientOptions {
  cluster: ClusterSettings;
  requestTimeoutMs: number;
  retries: number;
  retryBaseDelayMs: number;
  logger: LoggerService;
  /** For tests: how to wait between retries. */
  sleep?: (ms: number) => Promise<void>;
}

/** A 4xx answer of the Kubernetes API, with the reason and message of its Status body. */
export interface KubernetesStatus {
  code: number;
  reason?: string;
  message: string;
}

/** Parses the Status body of an ApiException (client-node 1.x hands it over as a string). */
export function statusOf(error: unknown): KubernetesStatus | undefined {
  if (!(error instanceof ApiException)) return undefined;
  let body: any = error.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      body = { message: body };
    }
  }
  return {
    code: error.code,
    reason: body?.reason,
    message: body?.message || `HTTP ${error.code}`,
  };
}

/** True when the cluster answered with this status code. */
export function isStatus(error: unknown, code: number): boolean {
  return statusOf(error)?.code === code;
}

const NETWORK_DOWN_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

type Failure =
  /** Worth another try: a timeout, a 5xx or 429, a dropped connection. */
  | { kind: 'transient'; detail: string }
  /** Nobody listens there: retrying only makes the caller wait. */
  | { kind: 'down'; detail: string }
  /** The cluster answered 4xx: not retried, the caller decides. */
  | { kind: 'answer' };

function classify(error: unknown): Failure {
  if (error instanceof ApiException) {
    const status = statusOf(error)!;
    if (error.code >= 500 || error.code === 429) {
      return {
        kind: 'transient',
        detail: `HTTP ${error.code}: ${status.message}`,
      };
    }
    return { kind: 'answer' };
  }
  const e = error as { name?: string; code?: string; message?: string };
  if (e?.name === 'AbortError') {
    return { kind: 'transient', detail: 'the request timed out' };
  }
  if (e?.code && NETWORK_DOWN_CODES.has(e.code)) {
    return { kind: 'down', detail: e.message ?? e.code };
  }
  return { kind: 'transient', detail: e?.message ?? String(error) };
}

/**
 * The cluster, through @kubernetes/client-node: each request has a timeout; timeouts, 5xx and 429
 * are retried with exponential backoff a bounded number of times, then reported as a 503; a
 * cluster nobody answers for (connection refused) is a 503 at once.
 */
export class KubernetesClient {
  readonly clusterName: string;
  /** The cluster's credentials, for what the typed APIs do not cover: watches and log streams. */
  readonly kubeConfig: KubeConfig;
  readonly #apis: KubernetesApis;
  readonly #options: KubernetesClientOptions;
  readonly #sleep: (ms: number) => Promise<void>;

  static create(options: KubernetesClientOptions): KubernetesClient {
    return new KubernetesClient(options);
  }

  private constructor(options: KubernetesClientOptions) {
    this.#options = options;
    this.clusterName = options.cluster.name;
    this.#sleep =
      options.sleep ?? (ms => new Promise(resolve => setTimeout(resolve, ms)));
    const kc = new KubeConfig();
    const { cluster } = options;
    kc.loadFromOptions({
      clusters: [
        {
          name: cluster.name,
          server: cluster.url,
          caData: cluster.caData,
          // TLS verification means nothing over plain http, and client-node 1.x refuses an http
          // server unless it is set (kube-sim in development).
          skipTLSVerify:
            cluster.skipTLSVerify || cluster.url.startsWith('http:'),
        },
      ],
      users: [{ name: 'genai-playground', token: cluster.serviceAccountToken }],
      contexts: [
        { name: cluster.name, cluster: cluster.name, user: 'genai-playground' },
      ],
      currentContext: cluster.name,
    });
    this.kubeConfig = kc;
    const timeoutMs = options.requestTimeoutMs;
    const configuration = createConfiguration({
      baseServer: new ServerConfiguration(cluster.url, {}),
      authMethods: { default: kc },
      promiseMiddleware: [
        {
          pre: async (context: RequestContext) => {
            context.setSignal(AbortSignal.timeout(timeoutMs));
            return context;
          },
          post: async (context: ResponseContext) => context,
        },
      ],
    });
    this.#apis = {
      core: new CoreV1Api(configuration),
      batch: new BatchV1Api(configuration),
      networking: new NetworkingV1Api(configuration),
      rbac: new RbacAuthorizationV1Api(configuration),
      apps: new AppsV1Api(configuration),
      autoscaling: new AutoscalingV2Api(configuration),
      policy: new PolicyV1Api(configuration),
      custom: new CustomObjectsApi(configuration),
    };
  }

  /**
   * Runs one Kubernetes request with retries. 4xx answers are thrown as client-node's
   * ApiException (see {@link statusOf}, {@link toBackstageError}) for the caller to handle;
   * an unreachable cluster is a ServiceUnavailableError.
   *
   * @param what - what is being done, for messages: "create namespace ml-research-demo"
   */
  async call<T>(
    what: string,
    fn: (apis: KubernetesApis) => Promise<T>,
  ): Promise<T> {
    const { retries, retryBaseDelayMs } = this.#options;
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn(this.#apis);
      } catch (error) {
        const failure = classify(error);
        if (failure.kind === 'answer') throw error;
        if (failure.kind === 'transient' && attempt < retries) {
          const delay = retryBaseDelayMs * 2 ** attempt;
          this.#options.logger.warn(
            `Kubernetes request failed (${what}): ${failure.detail}; retry ${
              attempt + 1
            } of ${retries} in ${delay} ms`,
          );
          await this.#sleep(delay);
          continue;
        }
        const tries =
          failure.kind === 'transient'
            ? ` (after ${attempt + 1} attempts)`
            : '';
        throw new ServiceUnavailableError(
          `the cluster ${this.clusterName} is not reachable: ${what}: ${failure.detail}${tries}`,
        );
      }
    }
  }

  /**
   * A cluster answer as the Backstage error the portal reports: 404 NotFound, 409 Conflict,
   * 422 Invalid (an object the cluster refused) as an input error, 401/403 as not allowed.
   */
  toBackstageError(what: string, error: unknown): Error {
    const status = statusOf(error);
    if (!status) return error as Error;
    const message = `the cluster ${this.clusterName} refused to ${what}: ${status.message}`;
    switch (status.code) {
      case 404:
        return new NotFoundError(message);
      case 409:
        return new ConflictError(message);
      case 400:
      case 422:
        return new InputError(message);
      case 401:
      case 403:
        return new NotAllowedError(message);
      default:
        return new ServiceUnavailableError(message);
    }
  }
}
