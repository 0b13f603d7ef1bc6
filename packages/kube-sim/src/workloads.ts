/**
 * A fleet file's `workloads`: namespaces, Jobs, Deployments and pods that
 * kube-sim creates when it starts with a new store, so a dev cluster comes up
 * already busy. They go through the API like anyone's objects and are then
 * the controllers' business: the Job and ReplicaSet controllers make the
 * pods, the scheduler binds what fits and leaves the rest Pending.
 *
 * `job` and `inference` workloads look like what the playground portal
 * makes (see plugins/genai-playground-backend: jobs/manifests.ts and
 * inference/deploy/manifests.ts): `app.kubernetes.io/managed-by`,
 * `app.kubernetes.io/component` (`blueprint-worker` / `model-server`),
 * `genai-playground.io/job-id` or `genai-playground.io/inference-model`, and
 * the namespace's `genai-playground.io/team`, `environment` (and for jobs
 * `owner`) labels, plus `genai-playground.io/gpu-pool`.
 */
import { keyOf, R } from './api/resources';
import { Cluster } from './cluster';
import { FleetError, Workload } from './fleet';
import { StatusError } from './status';

const PLAYGROUND = 'genai-playground.io/';
const MANAGED_BY = 'app.kubernetes.io/managed-by';
const COMPONENT = 'app.kubernetes.io/component';

const IMAGES: Record<string, string> = {
  job: 'rocm/pytorch-training:latest',
  inference: 'rocm/vllm:latest',
  pod: 'rocm/pytorch:latest',
};

function namespaceOf(w: Workload) {
  return typeof w.namespace === 'string'
    ? { name: w.namespace, labels: {}, annotations: {} }
    : {
        name: w.namespace.name,
        labels: w.namespace.labels ?? {},
        annotations: w.namespace.annotations ?? {},
      };
}

/** Labels a portal-made pod would carry, from its namespace and the workload. */
function defaultLabels(
  w: Workload,
  nsLabels: Record<string, string>,
): Record<string, string> {
  const kind = w.kind ?? 'pod';
  if (kind === 'pod') return {};
  const inherited: Record<string, string> = {};
  for (const k of [
    MANAGED_BY,
    `${PLAYGROUND}environment`,
    `${PLAYGROUND}team`,
    ...(kind === 'job' ? [`${PLAYGROUND}owner`] : []),
  ]) {
    if (nsLabels[k]) inherited[k] = nsLabels[k];
  }
  inherited[`${PLAYGROUND}gpu-pool`] = w.pool;
  if (kind === 'job') {
    return {
      ...inherited,
      [COMPONENT]: 'blueprint-worker',
      [`${PLAYGROUND}job-id`]: w.name,
    };
  }
  return {
    'app.kubernetes.io/name': 'vllm',
    'app.kubernetes.io/instance': w.name,
    ...inherited,
    [COMPONENT]: 'model-server',
    [`${PLAYGROUND}inference-model`]: w.name,
  };
}

function podSpec(w: Workload, container: string) {
  const gpus = String(w.gpus);
  const requests = {
    cpu: String(w.cpu ?? w.gpus * 8),
    memory: String(w.memory ?? `${w.gpus * 64}Gi`),
    'amd.com/gpu': gpus,
  };
  return {
    nodeSelector: { 'gpu-type': w.pool },
    tolerations: [
      { key: 'amd.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
    ],
    containers: [
      {
        name: container,
        image: w.image ?? IMAGES[w.kind ?? 'pod'],
        resources: { requests, limits: { ...requests } },
      },
    ],
  };
}

/** Creates the workloads' namespaces (merging the labels every entry gives) and objects. */
export function createWorkloads(
  cluster: Cluster,
  workloads: Workload[],
  source = 'fleet',
): void {
  const { api, store } = cluster;
  const namespaces = new Map<
    string,
    { labels: Record<string, string>; annotations: Record<string, string> }
  >();
  for (const w of workloads) {
    const ns = namespaceOf(w);
    const entry = namespaces.get(ns.name) ?? { labels: {}, annotations: {} };
    Object.assign(entry.labels, ns.labels);
    Object.assign(entry.annotations, ns.annotations);
    namespaces.set(ns.name, entry);
  }
  const wrap = (at: string, run: () => void) => {
    try {
      run();
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
      throw new FleetError(`${source}: ${at}: ${e.message}`);
    }
  };
  workloads.forEach((w, i) => {
    const ns = namespaceOf(w).name;
    if (store.get(keyOf(R.namespaces), '', ns)) return;
    const { labels, annotations } = namespaces.get(ns)!;
    wrap(`workloads[${i}].namespace`, () =>
      api.create(
        R.namespaces,
        '',
        {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: ns, labels, annotations },
        },
        { internal: true },
      ),
    );
  });
  workloads.forEach((w, i) => {
    const ns = namespaceOf(w).name;
    const nsLabels =
      store.get(keyOf(R.namespaces), '', ns)?.metadata.labels ?? {};
    const labels = { ...defaultLabels(w, nsLabels), ...(w.labels ?? {}) };
    const annotations = { ...(w.annotations ?? {}) };
    const count = w.count ?? 1;
    const kind = w.kind ?? 'pod';
    const at = `workloads[${i}]`;
    if (kind === 'job') {
      wrap(at, () =>
        api.create(
          R.jobs,
          ns,
          {
            apiVersion: 'batch/v1',
            kind: 'Job',
            metadata: { name: w.name, labels },
            spec: {
              parallelism: count,
              completions: count,
              ...(count > 1 ? { completionMode: 'Indexed' } : {}),
              backoffLimit: 0,
              template: {
                metadata: { labels, annotations },
                spec: { restartPolicy: 'Never', ...podSpec(w, 'main') },
              },
            },
          },
          { internal: true },
        ),
      );
    } else if (kind === 'inference') {
      const selector = {
        'app.kubernetes.io/name': labels['app.kubernetes.io/name'] ?? 'vllm',
        'app.kubernetes.io/instance':
          labels['app.kubernetes.io/instance'] ?? w.name,
      };
      wrap(at, () =>
        api.create(
          R.deployments,
          ns,
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            metadata: { name: w.name, labels },
            spec: {
              replicas: count,
              selector: { matchLabels: selector },
              template: {
                metadata: { labels: { ...labels, ...selector }, annotations },
                spec: podSpec(w, 'vllm'),
              },
            },
          },
          { internal: true },
        ),
      );
    } else {
      for (let n = 0; n < count; n++) {
        wrap(at, () =>
          api.create(
            R.pods,
            ns,
            {
              apiVersion: 'v1',
              kind: 'Pod',
              metadata: { name: `${w.name}-${n}`, labels, annotations },
              spec: podSpec(w, 'main'),
            },
            { internal: true },
          ),
        );
      }
    }
  });
}
