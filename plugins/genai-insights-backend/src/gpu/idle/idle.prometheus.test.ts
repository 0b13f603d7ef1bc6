/**
 * The idle scan end to end: kube-sim runs a busy job and a model server (whose GPUs kube-sim
 * reports idle), the real Prometheus (the Debian package, PROMETHEUS_BINARY) scrapes kube-sim's
 * exporter-style /metrics every second, and the scanner reads both through the real
 * KubernetesGpuReader and PrometheusClient with a 5-second window.
 */
import { mockServices } from '@backstage/backend-test-utils';
import {
  describeWithPrometheus,
  startPrometheus,
  startSim,
  type RunningPrometheus,
} from '@genai-portal/test-utils';
import {
  AppsV1Api,
  BatchV1Api,
  KubeConfig,
  type CoreV1Api,
} from '@kubernetes/client-node';
import { databases } from '../../__testUtils__/database';
import { makeCoreApi } from '../../cluster/kubernetes';
import { KubernetesGpuReader } from '../allocation';
import { PrometheusClient } from '../prometheus/PrometheusClient';
import { storeOn } from './__testUtils__/fakes';
import type { DatabaseIdleEpisodeStore } from './DatabaseIdleEpisodeStore';
import type { IdleNotice } from './IdleNotifier';
import { IdleScanner } from './IdleScanner';
import { PrometheusRequestActivity } from './RequestActivity';

jest.setTimeout(120_000);

const TOKEN = 'insights-idle-test-token';
const NS = 'ml-research-idle';
const GPU_TOLERATION = [
  { key: 'amd.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
];
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

const container = (gpus: string) => ({
  name: 'main',
  image: 'registry.example/app:1',
  resources: {
    requests: { cpu: '2', 'amd.com/gpu': gpus },
    limits: { cpu: '2', 'amd.com/gpu': gpus },
  },
});

describeWithPrometheus(
  'the idle GPU scan against kube-sim and Prometheus',
  () => {
    let sim: { url: string; stop(): Promise<void> } | undefined;
    let prom: RunningPrometheus | undefined;
    let core: CoreV1Api;
    let apps: AppsV1Api;
    let store: DatabaseIdleEpisodeStore;
    let scanner: IdleScanner;
    let reader: KubernetesGpuReader;
    const notices: IdleNotice[] = [];
    const logs = () => prom?.logs() ?? '';

    beforeAll(async () => {
      sim = await startSim('kube-sim', [
        '--port',
        '0',
        '--token',
        TOKEN,
        '--tick-ms',
        '20',
      ]);
      const cluster = {
        url: sim.url,
        token: TOKEN,
        skipTLSVerify: false,
        source: 'test',
      };
      core = makeCoreApi(cluster);
      const kc = new KubeConfig();
      kc.loadFromOptions({
        clusters: [{ name: 'sim', server: sim.url, skipTLSVerify: true }],
        users: [{ name: 'u', token: TOKEN }],
        contexts: [{ name: 'sim', cluster: 'sim', user: 'u' }],
        currentContext: 'sim',
      });
      apps = kc.makeApiClient(AppsV1Api);
      prom = await startPrometheus({
        config: {
          global: { scrape_interval: '1s', evaluation_interval: '1s' },
          scrape_configs: [
            {
              job_name: 'amd-gpu-metrics',
              scrape_interval: '1s',
              static_configs: [{ targets: [new URL(sim.url).host] }],
            },
          ],
        },
      });

      await core.createNamespace({
        body: {
          metadata: {
            name: NS,
            labels: {
              'genai-playground.io/environment': NS,
              'genai-playground.io/team': 'ml-research',
            },
            annotations: { 'openshift.io/requester': 'marco.rossi' },
          },
        },
      });
      // A training job: kube-sim reports its GPU busy.
      await kc.makeApiClient(BatchV1Api).createNamespacedJob({
        namespace: NS,
        body: {
          metadata: { name: 'train' },
          spec: {
            template: {
              metadata: { labels: { 'genai-playground.io/job-id': 'job-7' } },
              spec: {
                restartPolicy: 'Never',
                nodeSelector: { 'gpu-type': 'mi300x' },
                containers: [container('1')],
                tolerations: GPU_TOLERATION,
              },
            },
          },
        },
      });
      // A model server without traffic: kube-sim reports its GPUs idle.
      const labels = {
        app: 'llama',
        'app.kubernetes.io/component': 'model-server',
        'genai-playground.io/inference-model': 'llama-8b',
      };
      await apps.createNamespacedDeployment({
        namespace: NS,
        body: {
          metadata: { name: 'llama' },
          spec: {
            replicas: 1,
            selector: { matchLabels: { app: 'llama' } },
            template: {
              metadata: { labels },
              spec: {
                nodeSelector: { 'gpu-type': 'mi300x' },
                containers: [container('2')],
                tolerations: GPU_TOLERATION,
              },
            },
          },
        },
      });

      const logger = mockServices.logger.mock();
      const prometheus = new PrometheusClient({
        baseUrl: prom.url,
        timeoutMs: 5000,
        cacheTtlMs: 0,
      });
      store = await storeOn(await databases.init('SQLITE_3'));
      reader = new KubernetesGpuReader({ core, logger, cacheTtlMs: 0 });
      scanner = new IdleScanner({
        reader,
        prometheus,
        store,
        rule: {
          thresholdPercent: 5,
          windowMs: 5000,
          inferenceNeedsNoRequests: true,
          notify: true,
        },
        gpuHourMicros: () => 2_900_000,
        // No vLLM behind kube-sim: no request series, so activity decides.
        requests: new PrometheusRequestActivity({ prometheus }),
        notifier: {
          notify: async notice => {
            notices.push(notice);
            return ['user:default/marco.rossi'];
          },
        },
        metrics: { scrapeIntervalSeconds: 1 },
        logger,
      });
    }, 60_000);

    afterAll(async () => {
      await prom?.stop();
      await sim?.stop();
    });

    it('flags the idle model server once, not the busy job', async () => {
      let open: Awaited<ReturnType<DatabaseIdleEpisodeStore['listOpen']>> = [];
      const started = Date.now();
      for (let i = 0; i < 60 && open.length < 2; i++) {
        const result = await scanner.run(new Date());
        expect(result.prometheus).toBe('available');
        open = await store.listOpen();
        if (open.length < 2) await sleep(1000);
      }
      expect({ open, logs: open.length === 2 ? '' : logs() }).toEqual({
        open: [
          expect.objectContaining({
            gpuId: expect.any(Number),
            namespace: NS,
            kind: 'inference',
            model: 'llama-8b',
            team: 'group:default/ml-research',
            environment: NS,
            owner: 'user:default/marco.rossi',
            notifiedAt: expect.any(String),
          }),
          expect.objectContaining({ kind: 'inference', model: 'llama-8b' }),
        ],
        logs: '',
      });
      // Found idle after the window, not before.
      const since = Date.parse(open[0].since);
      expect(Date.parse(open[0].lastSeen) - since).toBeGreaterThanOrEqual(5000);
      expect(since).toBeGreaterThanOrEqual(started - 60_000);

      // The job runs (its GPU held, and busy).
      expect(
        (await reader.snapshot()).pods.map(p => [p.kind, p.gpus]).sort(),
      ).toEqual([
        ['inference', 2],
        ['job', 1],
      ]);

      // More scans: still open, still notified once, the job never flagged.
      for (let i = 0; i < 3; i++) {
        await sleep(1000);
        await scanner.run(new Date());
      }
      const after = await store.listOpen();
      expect(after.map(e => [e.id, e.kind])).toEqual(
        open.map(e => [e.id, 'inference']),
      );
      expect(notices).toHaveLength(1);
      expect(notices[0].episodes).toHaveLength(2);

      // The model server goes away (its pods collected with it): its episodes end.
      await apps.deleteNamespacedDeployment({
        name: 'llama',
        namespace: NS,
        propagationPolicy: 'Background',
      });
      for (let i = 0; i < 30; i++) {
        await scanner.run(new Date());
        if ((await store.listOpen()).length === 0) break;
        await sleep(500);
      }
      expect(await store.listOpen()).toEqual([]);
    });
  },
);
