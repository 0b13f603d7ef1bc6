/**
 * startKubeSim: wires the store, the API server, the controllers and the
 * HTTP(S) listener together.
 */
import http from 'node:http';
import https from 'node:https';
import { AddressInfo } from 'node:net';
import { keyOf, R } from './api/resources';
import { Cluster } from './cluster';
import {
  DeploymentController,
  ReplicaSetController,
} from './controllers/deployment';
import { GarbageCollector } from './controllers/gc';
import { GatekeeperController } from './controllers/gatekeeper';
import { GatekeeperAudit } from './controllers/gatekeeperAudit';
import { JobController } from './controllers/job';
import { Kubelet } from './controllers/kubelet';
import { NamespaceController } from './controllers/namespace';
import { PolicyController } from './controllers/policy';
import { QuotaController } from './controllers/quota';
import { Scheduler } from './controllers/scheduler';
import { Fleet, fleetNodes, loadFleet } from './fleet';
import {
  buildKubeConfig,
  KubeConfigObject,
  kubeConfigYaml,
} from './kubeconfig';
import { renderMetrics } from './metrics';
import { clone } from './patch';
import { createRouter } from './server/router';
import { ObjectStore } from './store/ObjectStore';
import { loadState, StateSaver } from './store/persistence';
import { StoredObject } from './types';
import { selfSignedCert, TlsPair } from './tls';
import { microTimestamp } from './util';
import { loadManifests } from './manifests';
import { createWorkloads } from './workloads';
import { WatchHub } from './watch';

/** @public */
export interface KubeSimOptions {
  /** Port to listen on; 0 picks a free one. Default 0. */
  port?: number;
  /** Interface to bind. Default 127.0.0.1. */
  host?: string;
  /** A fleet description or the path of a YAML/JSON fleet file. Default: fleets/default.yaml. */
  fleet?: Fleet | string;
  /** Bearer token clients must present. Default `kube-sim-dev-token`. */
  token?: string;
  /** Persist the store to this JSON file (loaded at start, saved on change and close). */
  stateFile?: string;
  /** Controller loop interval in ms. Default 200. */
  tickMs?: number;
  /** Simulated seconds per real second (run-seconds, back-offs, deadlines, TTLs). Default 1. */
  timeScale?: number;
  /**
   * Serve HTTPS with this PEM certificate and key, or with a self-signed one
   * made by `openssl` ('self-signed'); HTTP otherwise. kubectl sends tokens
   * only over HTTPS.
   */
  tls?: TlsPair | 'self-signed';
  /** How many changes watches can resume from. Default 10000. */
  historySize?: number;
  /** Interval between watch BOOKMARK events in ms. Default 60000. */
  bookmarkIntervalMs?: number;
  /** Name of the cluster, context and user in the kubeconfig. Default `kube-sim`. */
  clusterName?: string;
  /**
   * YAML manifests whose objects are created at start when absent (in order: a Gatekeeper
   * template before its constraints). A bad one rejects with a `ManifestError`.
   */
  manifests?: string[];
}

/** @public */
export interface KubeSim {
  url: string;
  port: number;
  token: string;
  /** kubeconfig YAML pointing at this server. */
  kubeconfig: string;
  kubeConfigObject: KubeConfigObject;
  /** The object store (for tests and the benchmark: direct, unvalidated access). */
  store: ObjectStore;
  /** Runs one pass of every controller now. */
  tick(): void;
  /** Stops watches, log streams, the controllers and the server; saves state. */
  close(): Promise<void>;
}

export const DEFAULT_TOKEN = 'kube-sim-dev-token';
const SYSTEM_NAMESPACES = [
  'default',
  'kube-system',
  'kube-public',
  'kube-node-lease',
];

function syncNodes(cluster: Cluster, fleet: Fleet) {
  const key = keyOf(R.nodes);
  const wanted = fleetNodes(fleet);
  const names = new Set(wanted.map(n => n.metadata.name));
  for (const node of wanted) {
    const existing = cluster.store.get(key, '', node.metadata.name!);
    if (existing) {
      // Keep identity and any labels/taints changed through the API.
      cluster.store.put(key, {
        ...clone(existing),
        status: node.status,
      } as StoredObject);
    } else {
      // Node status belongs to the kubelet, so it is written after the create.
      const created = cluster.api.create(R.nodes, '', node, { internal: true });
      cluster.api.writeStatus(R.nodes, created, node.status);
    }
  }
  for (const node of [...cluster.store.iterate(key)]) {
    if (!names.has(node.metadata.name))
      cluster.store.remove(key, '', node.metadata.name);
  }
  syncLeases(cluster, names);
}

/** Each kubelet holds a Lease in kube-node-lease (kubectl describe node shows it). */
function syncLeases(cluster: Cluster, names: Set<string | undefined>) {
  const leaseKey = keyOf(R.leases);
  for (const node of cluster.store.iterate(keyOf(R.nodes))) {
    const name = node.metadata.name;
    if (cluster.store.get(leaseKey, 'kube-node-lease', name)) continue;
    cluster.api.create(
      R.leases,
      'kube-node-lease',
      {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: {
          name,
          ownerReferences: [
            { apiVersion: 'v1', kind: 'Node', name, uid: node.metadata.uid },
          ],
        },
        spec: {
          holderIdentity: name,
          leaseDurationSeconds: 40,
          renewTime: microTimestamp(),
        },
      },
      { internal: true },
    );
  }
  for (const lease of [...cluster.store.iterate(leaseKey, 'kube-node-lease')]) {
    if (!names.has(lease.metadata.name)) {
      cluster.store.remove(leaseKey, 'kube-node-lease', lease.metadata.name);
    }
  }
}

export async function startKubeSim(
  options: KubeSimOptions = {},
): Promise<KubeSim> {
  const token = options.token ?? DEFAULT_TOKEN;
  const tickMs = options.tickMs ?? 200;
  const timeScale = options.timeScale ?? 1;
  const fleet = loadFleet(options.fleet);
  const clusterName = options.clusterName ?? fleet.clusterName ?? 'kube-sim';
  const cluster = new Cluster(timeScale, options.historySize ?? 10_000);

  const snapshot = options.stateFile ? loadState(options.stateFile) : undefined;
  if (snapshot) cluster.store.restore(snapshot);
  for (const ns of SYSTEM_NAMESPACES) {
    if (!cluster.store.get(keyOf(R.namespaces), '', ns)) {
      cluster.api.create(
        R.namespaces,
        '',
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
        { internal: true },
      );
    }
  }
  syncNodes(cluster, fleet);
  // A restored store already holds them (or what became of them).
  if (!snapshot && fleet.workloads?.length) {
    createWorkloads(
      cluster,
      fleet.workloads,
      typeof options.fleet === 'string' ? options.fleet : 'fleet',
    );
  }

  loadManifests(cluster, options.manifests ?? []);

  const controllers = [
    new NamespaceController(cluster),
    new GarbageCollector(cluster),
    new JobController(cluster),
    new DeploymentController(cluster),
    new ReplicaSetController(cluster),
    new Scheduler(cluster, fleet.schedulerProfile),
    new Kubelet(cluster),
    new QuotaController(cluster),
    new PolicyController(cluster),
    new GatekeeperController(cluster),
    new GatekeeperAudit(cluster),
  ];
  const tick = () => {
    for (const c of controllers) {
      try {
        c.tick();
      } catch (e) {
        // A controller bug must not stop the others or the server.
        // eslint-disable-next-line no-console
        console.error(`kube-sim: ${c.constructor.name} failed`, e);
      }
    }
  };
  const saver = options.stateFile
    ? new StateSaver(options.stateFile, cluster.store)
    : undefined;

  const watches = new WatchHub();
  const followers = new Set<() => void>();
  let address = '';
  const handler = createRouter({
    cluster,
    token,
    watches,
    followers,
    bookmarkIntervalMs: options.bookmarkIntervalMs ?? 60_000,
    serverAddress: () => address,
    metrics: () => renderMetrics(cluster.store, clusterName),
  });
  const tls = options.tls === 'self-signed' ? selfSignedCert() : options.tls;
  const server = tls
    ? https.createServer({ cert: tls.cert, key: tls.key }, handler)
    : http.createServer(handler);
  server.keepAliveTimeout = 65_000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let urlHost = host;
  if (host === '0.0.0.0' || host === '::') urlHost = '127.0.0.1';
  else if (host.includes(':')) urlHost = `[${host}]`;
  const url = `${tls ? 'https' : 'http'}://${urlHost}:${port}`;
  address = `${urlHost}:${port}`;
  const kubeConfigObject = buildKubeConfig(url, token, clusterName, tls?.cert);
  const timer = setInterval(tick, tickMs);

  let closed: Promise<void> | undefined;
  return {
    url,
    port,
    token,
    kubeconfig: kubeConfigYaml(kubeConfigObject),
    kubeConfigObject,
    store: cluster.store,
    tick,
    close() {
      closed ??= (async () => {
        clearInterval(timer);
        watches.closeAll();
        for (const stop of [...followers]) stop();
        await new Promise<void>(resolve => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        saver?.close();
      })();
      return closed;
    },
  };
}
