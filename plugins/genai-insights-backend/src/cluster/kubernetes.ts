import {
  CoreV1Api,
  KubeConfig,
  ServerConfiguration,
  createConfiguration,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';
import type { ClusterConnection } from '../config';

/**
 * The Kubernetes core API of the cluster, through @kubernetes/client-node, with a timeout on
 * each request. Failures are thrown; the collector's next run tries again.
 */
export function makeCoreApi(
  cluster: ClusterConnection,
  options: { requestTimeoutMs?: number } = {},
): CoreV1Api {
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
  return new CoreV1Api(
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
