/** The kubeconfig clients use to reach kube-sim. */
import YAML from 'yaml';

/** @public */
export interface KubeConfigObject {
  apiVersion: 'v1';
  kind: 'Config';
  clusters: Array<{ name: string; cluster: Record<string, unknown> }>;
  contexts: Array<{
    name: string;
    context: { cluster: string; user: string; namespace?: string };
  }>;
  'current-context': string;
  users: Array<{ name: string; user: { token: string } }>;
  preferences: Record<string, unknown>;
}

export function buildKubeConfig(
  url: string,
  token: string,
  name: string,
  caCert?: string,
): KubeConfigObject {
  const cluster: Record<string, unknown> = { server: url };
  if (caCert && url.startsWith('https:')) {
    cluster['certificate-authority-data'] =
      Buffer.from(caCert).toString('base64');
  } else {
    // @kubernetes/client-node 1.x refuses plain http:// servers unless TLS
    // verification is explicitly skipped.
    cluster['insecure-skip-tls-verify'] = true;
  }
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster }],
    contexts: [
      { name, context: { cluster: name, user: name, namespace: 'default' } },
    ],
    'current-context': name,
    users: [{ name, user: { token } }],
    preferences: {},
  };
}

export function kubeConfigYaml(config: KubeConfigObject): string {
  return YAML.stringify(config);
}
