/**
 * kube-sim for the compliance tests: `startKubeSim` starts it (a process) on a free port,
 * answering a bearer token; `kubeConfig` and `kubeClients` are client-node's config and clients
 * for it, to create a test's objects through the Kubernetes API.
 */
import { startSim } from '@genai-portal/test-utils';
import {
  CoreV1Api,
  KubeConfig,
  NetworkingV1Api,
} from '@kubernetes/client-node';

export type KubeSim = { url: string; stop(): Promise<void> };

/** kube-sim (a process) on a free port, answering `token`; `args` are its further flags. */
export const startKubeSim = (token: string, args: string[] = []) =>
  startSim('kube-sim', ['--port', '0', '--token', token, ...args]);

/** client-node's config for kube-sim at `url`, with `token`. */
export function kubeConfig(url: string, token: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'sim', server: url, skipTLSVerify: true }],
    users: [{ name: 'u', token }],
    contexts: [{ name: 'sim', cluster: 'sim', user: 'u' }],
    currentContext: 'sim',
  });
  return kc;
}

/** The client-node clients the tests create and change objects with. */
export function kubeClients(url: string, token: string) {
  const config = kubeConfig(url, token);
  return {
    config,
    core: config.makeApiClient(CoreV1Api),
    networking: config.makeApiClient(NetworkingV1Api),
  };
}
export type KubeClients = ReturnType<typeof kubeClients>;
