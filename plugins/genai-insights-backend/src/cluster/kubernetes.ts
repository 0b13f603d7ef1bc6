import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  type Configuration,
  ServerConfiguration,
  createConfiguration,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';
import type { ClusterConnection } from '../config';

/**
 * An API group of the cluster (CoreV1Api, CustomObjectsApi, ...) through @kubernetes/client-node,
 * with the cluster's token and a timeout on each request. Failures are thrown; the next run of
 * the caller tries again.
 */
export function makeClusterApi<T>(
  Api: new (configuration: Configuration) => T,
  cluster: ClusterConnection,
  options: { requestTimeoutMs?: number } = {},
): T {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: 'cluster',
        server: cluster.url,
        caData: cluster.caData,
        // Verification means nothing over plain http, and client-node 1.x refuses an http
        // server unless it is set (kube-sim in development and tests).
        skipTLSVerify: cluster.skipTLSVerify || cluster.url.startsWith('http:'),
      },
    ],
    users: [{ name: 'genai-insights', token: cluster.token }],
    contexts: [{ name: 'cluster', cluster: 'cluster', user: 'genai-insights' }],
    currentContext: 'cluster',
  });
  const timeoutMs = options.requestTimeoutMs ?? 30_000;
  return new Api(
    createConfiguration({
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
    }),
  );
}

/** The core API (pods, namespaces, nodes). */
export const makeCoreApi = (
  cluster: ClusterConnection,
  options?: { requestTimeoutMs?: number },
): CoreV1Api => makeClusterApi(CoreV1Api, cluster, options);

/** The custom objects API (Kueue's workloads). */
export const makeCustomObjectsApi = (
  cluster: ClusterConnection,
  options?: { requestTimeoutMs?: number },
): CustomObjectsApi => makeClusterApi(CustomObjectsApi, cluster, options);
