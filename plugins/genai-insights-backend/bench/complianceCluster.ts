/*
 * The cluster `yarn bench:compliance` evaluates: playground environments as the portal creates
 * them (the checks module's compliant environment, renamed per namespace and spread over 20 cost
 * centers, with more model-server replicas), one in five broken in one way, written as a kube-sim state file so kube-sim (a
 * process of its own) starts with all of it already stored.
 */
import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import type {
  EnvironmentObjects,
  KubeObject,
} from '@genai-portal/plugin-genai-insights-node';
// The checks module's own compliant environment: one description of "compliant" for its tests
// and this benchmark (a script, never built or shipped, so it may reach into the module's tests).
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import {
  compliantEnvironment,
  NAMESPACE,
} from '../../genai-insights-backend-module-policy-checks/src/__testUtils__/environment';

export interface ClusterShape {
  namespaces: number;
  podsPerNamespace: number;
  teams: number;
}

/** Cost centers the environments are spread over. */
export const COST_CENTERS = 20;

/** How a broken environment breaks (one each, in turn). */
const BREAKAGES: Array<(env: EnvironmentObjects) => void> = [
  env => delete env.namespace.metadata!.labels!['security-level'],
  env => {
    env.pods[0].spec.containers[0].securityContext.privileged = true;
  },
  env => {
    env.pods[1].spec.containers[0].image = 'quay.io/genai/vllm:latest';
  },
  env => {
    env.networkPolicies = env.networkPolicies.filter(
      p => p.metadata?.name !== 'default-deny-ingress',
    );
  },
  env => {
    env.resourceQuotas = [];
  },
  env => {
    delete env.pods[2].spec.containers[0].resources.limits;
  },
  env => {
    env.namespace.metadata!.annotations!['genai-playground.io/expires-at'] =
      '2026-01-01T00:00:00.000Z';
  },
];

/** One environment of the benchmark's cluster. */
function environment(index: number, shape: ClusterShape): EnvironmentObjects {
  const team = `team-${String(index % shape.teams).padStart(2, '0')}`;
  const name = `${team}-env-${String(index).padStart(3, '0')}`;
  // A platform's teams charge to several cost centers: the history keeps a score for each.
  const costCenter = `CC-${2100 + (index % COST_CENTERS)}`;
  const renamed = JSON.parse(
    JSON.stringify(compliantEnvironment())
      .replaceAll(NAMESPACE, name)
      .replaceAll('"ml-research"', `"${team}"`)
      .replaceAll('"CC-2100"', `"${costCenter}"`),
  ) as EnvironmentObjects;
  // Far in the future: the lease check passes whatever day the benchmark runs.
  renamed.namespace.metadata!.annotations!['genai-playground.io/expires-at'] =
    '2099-01-01T00:00:00.000Z';
  // The job's pod plus the model server's replicas make podsPerNamespace pods.
  const [jobPod, serverPod] = renamed.pods;
  const replicas = shape.podsPerNamespace - 1;
  renamed.pods = [
    jobPod,
    ...Array.from({ length: replicas }, (_, i) => ({
      ...structuredClone(serverPod),
      metadata: {
        ...structuredClone(serverPod.metadata),
        name: `llama-7c9d4-${String(i).padStart(5, '0')}`,
      },
    })),
  ];
  renamed.deployments[0].spec.replicas = replicas;
  if (index % 5 === 4) BREAKAGES[(index / 5) % BREAKAGES.length | 0](renamed);
  return renamed;
}

/** kube-sim's store key of each kind (its `group/plural`). */
const KEYS: Array<[keyof EnvironmentObjects, string]> = [
  ['pods', '/pods'],
  ['deployments', 'apps/deployments'],
  ['jobs', 'batch/jobs'],
  ['networkPolicies', 'networking.k8s.io/networkpolicies'],
  ['resourceQuotas', '/resourcequotas'],
  ['limitRanges', '/limitranges'],
  ['podDisruptionBudgets', 'policy/poddisruptionbudgets'],
];

export interface GeneratedCluster {
  namespaces: number;
  pods: number;
  objects: number;
  /** Environments broken in one way. */
  broken: number;
}

/**
 * Writes a kube-sim state file holding the cluster (kube-sim adds its fleet's nodes at start);
 * returns what it holds.
 */
export function writeClusterState(
  file: string,
  shape: ClusterShape,
): GeneratedCluster {
  const objects: Record<string, KubeObject[]> = { '/namespaces': [] };
  let resourceVersion = 1;
  const stored = (object: KubeObject): KubeObject => ({
    ...object,
    metadata: {
      ...object.metadata,
      uid: randomUUID(),
      resourceVersion: String(++resourceVersion),
      creationTimestamp: '2026-11-01T00:00:00Z',
    } as KubeObject['metadata'],
  });
  let pods = 0;
  let count = 0;
  for (let i = 0; i < shape.namespaces; i++) {
    const env = environment(i, shape);
    objects['/namespaces'].push(stored(env.namespace));
    count += 1;
    for (const [field, key] of KEYS) {
      const list = env[field] as KubeObject[];
      (objects[key] ??= []).push(...list.map(stored));
      count += list.length;
    }
    pods += env.pods.length;
  }
  fs.writeFileSync(
    file,
    JSON.stringify({ version: 1, resourceVersion, objects }),
  );
  return {
    namespaces: shape.namespaces,
    pods,
    objects: count,
    broken: Math.floor(shape.namespaces / 5),
  };
}
