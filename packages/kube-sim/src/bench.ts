/**
 * kube-sim-bench: how fast is listing one namespace's 2,000 pods while the
 * store holds 20,000 on a 1,000-node fleet?
 *
 * Pods are written straight into the store (bypassing HTTP and admission,
 * which would only slow the setup down) as Pending pods; kube-sim's own
 * scheduler and kubelets then bind and start them, so the listed pods carry
 * full, realistic status. kube-sim runs in a child process, as it would for
 * the portal, so the client's work does not share its event loop. Then, over
 * several rounds, the namespace is listed over HTTP with
 * @kubernetes/client-node (which also deserialises into typed models) and
 * with a raw HTTP GET (body received, then JSON.parse) as a baseline.
 */
import { fork } from 'node:child_process';
import http from 'node:http';
// The benchmark is a development tool run inside the monorepo, where the
// client is installed as a dev dependency.
// eslint-disable-next-line @backstage/no-undeclared-imports
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { applyDefaults } from './admission/defaults';
import { keyOf, R } from './api/resources';
import { Fleet } from './fleet';
import { startKubeSim } from './sim';
import { StoredObject } from './types';
import { timestamp, uid } from './util';

const NODES = Number(process.env.BENCH_NODES ?? 1000);
const NAMESPACES = Number(process.env.BENCH_NAMESPACES ?? 10);
const PODS_PER_NAMESPACE = Number(process.env.BENCH_PODS_PER_NAMESPACE ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const REQUESTS_PER_ROUND = Number(process.env.BENCH_REQUESTS ?? 20);

function fleet(): Fleet {
  const gpu = Math.floor(NODES / 4);
  return {
    clusterName: 'kube-sim-bench',
    nodePools: [
      {
        name: 'mi355x',
        namePrefix: 'gpu-mi355x-',
        count: gpu,
        gpu: 'mi355x',
        labels: { 'gpu-type': 'mi355x' },
        taints: [{ key: 'amd.com/gpu', value: 'true', effect: 'NoSchedule' }],
      },
      {
        name: 'mi300x',
        namePrefix: 'gpu-mi300x-',
        count: gpu,
        gpu: 'mi300x',
        labels: { 'gpu-type': 'mi300x' },
        taints: [{ key: 'amd.com/gpu', value: 'true', effect: 'NoSchedule' }],
      },
      {
        name: 'cpu',
        namePrefix: 'cpu-worker-',
        count: NODES - 2 * gpu,
        cpu: '64',
        memory: '256Gi',
      },
    ],
  };
}

function pod(namespace: string, i: number): StoredObject {
  const obj: any = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `worker-${String(i).padStart(5, '0')}`,
      namespace,
      uid: uid(),
      resourceVersion: '',
      creationTimestamp: timestamp(),
      generation: 1,
      labels: { app: 'bench', shard: String(i % 10) },
    },
    spec: {
      containers: [
        {
          name: 'main',
          image: 'genai/worker:1.0',
          env: [{ name: 'SHARD', value: String(i % 10) }],
          resources: {
            requests: { cpu: '100m', memory: '128Mi' },
            limits: { cpu: '200m', memory: '256Mi' },
          },
        },
      ],
    },
  };
  applyDefaults(R.pods, obj);
  return obj;
}

let lastBytes = 0;

function rawGet(url: string, token: string, parse: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(
        url,
        {
          headers: {
            Authorization: `Bearer ${token}`,
            Accept: 'application/json',
          },
        },
        res => {
          const chunks: Buffer[] = [];
          res.on('data', c => chunks.push(c));
          res.on('end', () => {
            const body = Buffer.concat(chunks);
            lastBytes = body.length;
            resolve(
              parse
                ? JSON.parse(body.toString('utf8')).items.length
                : PODS_PER_NAMESPACE,
            );
          });
          res.on('error', reject);
        },
      )
      .on('error', reject);
  });
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
};
const fmt = (n: number) => n.toFixed(1).padStart(8);
const mb = (n: number) => `${Math.round(n / 2 ** 20)} MiB`;

interface Ready {
  url: string;
  token: string;
  kubeconfig: string;
  created: number;
  settled: number;
}

/** Child process: kube-sim with the fleet and the pods. */
async function serve() {
  const sim = await startKubeSim({ port: 0, fleet: fleet(), tickMs: 250 });
  const kc = new KubeConfig();
  kc.loadFromString(sim.kubeconfig);
  const core = kc.makeApiClient(CoreV1Api);
  const namespaces = Array.from({ length: NAMESPACES }, (_, i) => `bench-${i}`);
  for (const ns of namespaces)
    await core.createNamespace({ body: { metadata: { name: ns } } });
  const t0 = Date.now();
  const key = keyOf(R.pods);
  for (const ns of namespaces)
    for (let i = 0; i < PODS_PER_NAMESPACE; i++) sim.store.put(key, pod(ns, i));
  const created = Date.now() - t0;
  const total = NAMESPACES * PODS_PER_NAMESPACE;
  const t1 = Date.now();
  for (;;) {
    let running = 0;
    for (const p of sim.store.iterate(key))
      if (p.status?.phase === 'Running') running++;
    if (running === total) break;
    if (Date.now() - t1 > 300_000)
      throw new Error(`only ${running}/${total} pods running after 5 minutes`);
    await new Promise(r => setTimeout(r, 250));
  }
  const ready: Ready = {
    url: sim.url,
    token: sim.token,
    kubeconfig: sim.kubeconfig,
    created,
    settled: Date.now() - t1,
  };
  process.send!({ ready });
  process.on('message', async (msg: any) => {
    if (msg === 'memory') process.send!({ memory: process.memoryUsage() });
    if (msg === 'stop') {
      await sim.close();
      process.exit(0);
    }
  });
}

async function main() {
  const started = Date.now();
  process.stdout.write(
    `kube-sim-bench: starting kube-sim with ${NODES} nodes and ${
      NAMESPACES * PODS_PER_NAMESPACE
    } pods in a child process\n`,
  );
  const child = fork(process.argv[1], ['--serve'], { stdio: 'inherit' });
  const next = <T>(field: string) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (msg: any) => {
        if (msg && msg[field]) {
          child.off('message', onMessage);
          resolve(msg[field]);
        }
      };
      child.on('message', onMessage);
      child.once('exit', code =>
        reject(new Error(`kube-sim exited with ${code}`)),
      );
    });
  const ready = await next<Ready>('ready');
  process.stdout.write(
    `${NAMESPACES * PODS_PER_NAMESPACE} pods written to the store in ${
      ready.created
    } ms; all bound and Running after ${ready.settled} ms\n\n`,
  );
  const kc = new KubeConfig();
  kc.loadFromString(ready.kubeconfig);
  const core = kc.makeApiClient(CoreV1Api);
  const target = `bench-${Math.floor(NAMESPACES / 2)}`;
  const url = `${ready.url}/api/v1/namespaces/${target}/pods`;
  const methods: Array<[string, () => Promise<number>]> = [
    [
      'client-node listNamespacedPod',
      async () =>
        (await core.listNamespacedPod({ namespace: target })).items.length,
    ],
    ['raw HTTP GET + JSON.parse', () => rawGet(url, ready.token, true)],
    ['raw HTTP GET (body only)', () => rawGet(url, ready.token, false)],
  ];
  // Warm up (JIT, caches).
  for (const [, fn] of methods) for (let i = 0; i < 3; i++) await fn();

  const rows: string[] = [];
  const summary: Record<string, number[]> = {};
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [name, fn] of methods) {
      const times: number[] = [];
      for (let i = 0; i < REQUESTS_PER_ROUND; i++) {
        const s = performance.now();
        const n = await fn();
        times.push(performance.now() - s);
        if (n !== PODS_PER_NAMESPACE)
          throw new Error(`${name} returned ${n} pods`);
      }
      const median = percentile(times, 50);
      (summary[name] ??= []).push(median);
      rows.push(
        `| ${String(round).padStart(5)} | ${name.padEnd(30)} | ${fmt(
          median,
        )} | ${fmt(percentile(times, 95))} |`,
      );
    }
  }
  child.send('memory');
  const mem = await next<NodeJS.MemoryUsage>('memory');
  process.stdout.write(
    `Listing ${PODS_PER_NAMESPACE} pods in ${target} (store: ${
      NAMESPACES * PODS_PER_NAMESPACE
    } pods in ${NAMESPACES} namespaces, ${NODES} nodes), ${REQUESTS_PER_ROUND} requests per round\n\n`,
  );
  process.stdout.write(
    `| round | method                         | median ms |   p95 ms |\n|-------|--------------------------------|-----------|----------|\n`,
  );
  process.stdout.write(`${rows.join('\n')}\n\n`);
  for (const [name, medians] of Object.entries(summary)) {
    process.stdout.write(
      `median of round medians, ${name}: ${percentile(medians, 50).toFixed(
        1,
      )} ms\n`,
    );
  }
  process.stdout.write(
    `response size: ${(lastBytes / 2 ** 20).toFixed(1)} MiB\n`,
  );
  process.stdout.write(
    `\nkube-sim memory: rss ${mb(mem.rss)}, heap used ${mb(mem.heapUsed)}\n`,
  );
  process.stdout.write(
    `total bench time ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
  child.send('stop');
  await new Promise(resolve => child.once('exit', resolve));
}

(process.argv.includes('--serve') ? serve() : main()).then(
  () => (process.argv.includes('--serve') ? undefined : process.exit(0)),
  e => {
    process.stderr.write(`kube-sim-bench failed: ${e?.stack ?? e}\n`);
    process.exit(1);
  },
);
