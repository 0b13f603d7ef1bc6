import { ApiException, type KubeConfig } from '@kubernetes/client-node';
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';

export interface PodLogOptions {
  container: string;
  follow: boolean;
  tailLines?: number;
}

/**
 * Opens `pods/log` of one pod as a stream. client-node's Log helper drops the cluster's answer
 * on errors (a 400 "container is waiting to start" becomes a bare 500), so this speaks HTTP
 * itself with the KubeConfig's credentials and TLS settings. A non-200 answer is thrown as an
 * ApiException carrying the cluster's Status body; an unreachable cluster as the socket error.
 */
export async function openPodLog(
  kubeConfig: KubeConfig,
  namespace: string,
  pod: string,
  options: PodLogOptions,
  signal: AbortSignal,
): Promise<Readable> {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error('no current cluster in the KubeConfig');
  const url = new URL(
    `${cluster.server.replace(
      /\/+$/,
      '',
    )}/api/v1/namespaces/${encodeURIComponent(
      namespace,
    )}/pods/${encodeURIComponent(pod)}/log`,
  );
  url.searchParams.set('container', options.container);
  if (options.follow) url.searchParams.set('follow', 'true');
  if (options.tailLines !== undefined) {
    url.searchParams.set('tailLines', String(options.tailLines));
  }
  const requestOptions: https.RequestOptions = { method: 'GET', signal };
  await kubeConfig.applyToHTTPSOptions(requestOptions);
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise<Readable>((resolve, reject) => {
    const req = transport.request(url, requestOptions, res => {
      if (res.statusCode === 200) {
        resolve(res);
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', chunk => chunks.push(Buffer.from(chunk)));
      res.on('error', reject);
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let message = body;
        try {
          message = JSON.parse(body).message ?? body;
        } catch {
          // not a Status body
        }
        reject(
          new ApiException(
            res.statusCode ?? 500,
            message || `HTTP ${res.statusCode}`,
            body,
            {},
          ),
        );
      });
    });
    req.on('error', reject);
    req.end();
  });
}
