import type { APIRequestContext } from '@playwright/test';
import { KubeConfig } from '@kubernetes/client-node';

/*
 * What every end-to-end test reaches on the embedded default (scripts/start.sh): the backend and
 * its plugins' APIs, kube-sim, and the guest's sign-in.
 */

export const BACKEND = 'http://localhost:7007';
export const PLAYGROUND = `${BACKEND}/api/genai-playground`;
export const INSIGHTS = `${BACKEND}/api/genai-insights`;
/** Screenshots kept as the tests' evidence. */
export const SHOTS = 'artifacts/screenshots';

/** The guest's Backstage token (the guest is a member and lead of ml-research, catalog/org.yaml). */
export async function guestToken(request: APIRequestContext): Promise<string> {
  const auth = await request.post(`${BACKEND}/api/auth/guest/refresh`);
  return (await auth.json()).backstageIdentity.token;
}

/** The guest's token as request headers. */
export async function guestHeaders(
  request: APIRequestContext,
): Promise<Record<string, string>> {
  return { Authorization: `Bearer ${await guestToken(request)}` };
}

/** kube-sim of the embedded default, as a cluster admin's kubeconfig reaches it. */
export function kubeSimConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    // client-node refuses plain HTTP unless TLS checks are off; kube-sim serves HTTP here.
    clusters: [
      {
        name: 'kube-sim',
        server: 'http://127.0.0.1:7070',
        skipTLSVerify: true,
      },
    ],
    users: [{ name: 'dev', token: 'kube-sim-dev-token' }],
    contexts: [{ name: 'dev', cluster: 'kube-sim', user: 'dev' }],
    currentContext: 'dev',
  });
  return kc;
}
