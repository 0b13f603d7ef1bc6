import {
  CustomObjectsApi,
  KubeConfig,
  ServerConfiguration,
  createConfiguration,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';
import type { ClusterConnection } from '../../config';

/**
 * The Kubernetes custom objects API of the cluster, configured as the core API is
 * (../../cluster/kubernetes.ts): the same connection, a timeout on each request.
 */
export function makeCustomObjectsApi(
  cluster: ClusterConnection,
  options: { requestTimeoutMs?: number } = {},
): CustomObjectsApi {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: 'cluster',
        server: cluster.url,
        caData: cluster.caData,
        skipTLSVerify: cluster.skipTLSVerify || cluster.url.startsWith('http:'),
      },
    ],
    users: [{ name: 'genai-insights', token: cluster.token }],
    contexts: [{ name: 'cluster', cluster: 'cluster', user: 'genai-insights' }],
    currentContext: 'cluster',
  });
  const timeoutMs = options.requestTimeoutMs ?? 30_000;
  return new CustomObjectsApi(
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
