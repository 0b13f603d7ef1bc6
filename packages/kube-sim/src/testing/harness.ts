/**
 * Test harness: a kube-sim on a random port plus @kubernetes/client-node
 * clients configured from its kubeconfig, exactly as the portal builds them.
 */
// Test-only module: the client is a dev dependency.
// eslint-disable-next-line @backstage/no-undeclared-imports
import {
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
} from '@kubernetes/client-node';
import { KubeSim, KubeSimOptions, startKubeSim } from '../sim';

export interface Harness {
  sim: KubeSim;
  kc: KubeConfig;
  core: CoreV1Api;
  batch: BatchV1Api;
  apps: AppsV1Api;
  custom: CustomObjectsApi;
}

export async function startHarness(
  options: KubeSimOptions = {},
): Promise<Harness> {
  const sim = await startKubeSim({
    port: 0,
    tickMs: 20,
    timeScale: 20,
    ...options,
  });
  const kc = new KubeConfig();
  kc.loadFromString(sim.kubeconfig);
  return {
    sim,
    kc,
    core: kc.makeApiClient(CoreV1Api),
    batch: kc.makeApiClient(BatchV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    custom: kc.makeApiClient(CustomObjectsApi),
  };
}

/** Polls `check` until it returns a truthy value or `timeoutMs` passes. */
export async function waitFor<T>(
  check: () =>
    | Promise<T | undefined | false | null>
    | T
    | undefined
    | false
    | null,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as T;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${what}${last ? `: ${last}` : ''}`,
      );
    }
    await new Promise(r => setTimeout(r, 25));
  }
}

/** The parsed Status body of a failed client-node call. */
export async function failure(
  call: Promise<unknown>,
): Promise<{ code: number; body: any }> {
  try {
    await call;
  } catch (e: any) {
    const body = typeof e.body === 'string' ? JSON.parse(e.body) : e.body;
    return { code: e.code, body };
  }
  throw new Error('expected the call to fail');
}

export async function createNamespace(
  h: Harness,
  name: string,
  quota?: Record<string, string>,
) {
  await h.core.createNamespace({ body: { metadata: { name } } });
  if (quota) {
    await h.core.createNamespacedResourceQuota({
      namespace: name,
      body: { metadata: { name: 'quota' }, spec: { hard: quota } },
    });
  }
}

export function gpuJob(
  name: string,
  opts: {
    gpus?: number;
    seconds?: number;
    exit?: string;
    pool?: string;
    backoffLimit?: number;
    deadline?: number;
  } = {},
) {
  const annotations: Record<string, string> = {};
  if (opts.seconds !== undefined)
    annotations['kube-sim.genai.io/run-seconds'] = String(opts.seconds);
  if (opts.exit) annotations['kube-sim.genai.io/exit'] = opts.exit;
  const gpus = opts.gpus ?? 8;
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name },
    spec: {
      backoffLimit: opts.backoffLimit ?? 0,
      ...(opts.deadline ? { activeDeadlineSeconds: opts.deadline } : {}),
      template: {
        metadata: { annotations, labels: { app: name } },
        spec: {
          restartPolicy: 'Never',
          nodeSelector: { 'gpu-type': opts.pool ?? 'mi355x' },
          tolerations: [
            { key: 'amd.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
          ],
          containers: [
            {
              name: 'main',
              image: 'genai/train:1.0',
              resources: { limits: { 'amd.com/gpu': String(gpus) } },
            },
          ],
        },
      },
    },
  };
}
