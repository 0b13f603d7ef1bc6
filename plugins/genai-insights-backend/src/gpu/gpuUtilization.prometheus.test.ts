/**
 * GPU utilization end to end in the plugin: kube-sim (a process, its AMD exporter metrics at
 * /metrics) and llm-sim (vLLM's metrics, labelled with the namespace and pod of the model server
 * it stands for, as a PodMonitor labels them) scraped every second by the real Prometheus, the
 * plugin behind the portal's real permission policy reading both. A blueprint job keeps its GPUs
 * busy and shows busy; a model server holding GPUs with no traffic is flagged idle once the
 * window (5 s here) has passed, and its owner and the team's lead are told once; a model server
 * whose GPU is as quiet but which serves requests is not idle, and its tokens per GPU-hour show.
 * Members see their team's work, not another's.
 */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  createServiceFactory,
  type SchedulerServiceTaskInvocationDefinition,
  type SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  notificationService,
  type NotificationSendOptions,
} from '@backstage/plugin-notifications-node';
import type {
  GpuActivity,
  GpuBreakdown,
  GpuFleet,
  GpuIdleList,
  GpuUsage,
} from '@genai-portal/plugin-genai-insights-common';
import {
  describeWithPrometheus,
  startPrometheus,
  startSim,
  type RunningPrometheus,
} from '@genai-portal/test-utils';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import request from 'supertest';
import { APPS, ML } from '../__testUtils__/fixtures';
import { realPolicyPermissions } from '../__testUtils__/realPolicy';
import { genaiInsightsPlugin } from '../plugin';

jest.setTimeout(180_000);

const TOKEN = 'insights-gpu-e2e-token';
const API = '/api/genai-insights';
const IDLE_TASK = 'genai-insights-idle-gpus';
const USERS = {
  lena: 'user:default/lena.fischer',
  marco: 'user:default/marco.rossi',
  kenji: 'user:default/kenji.sato',
  admin: 'user:default/priya.raman',
};
type Who = keyof typeof USERS;

type Task = SchedulerServiceTaskScheduleDefinition &
  SchedulerServiceTaskInvocationDefinition;

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

async function until<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

const group = (name: string, leads?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: {
    name,
    namespace: 'default',
    ...(leads ? { annotations: { 'genai-playground.io/leads': leads } } : {}),
  },
  spec: { type: 'team', children: [] },
});

const TOLERATION = [{ key: 'amd.com/gpu', operator: 'Exists' }];

function gpuPod(options: {
  name: string;
  pool: string;
  gpus: number;
  labels: Record<string, string>;
}) {
  return {
    metadata: { name: options.name, labels: options.labels },
    spec: {
      nodeSelector: { 'gpu-type': options.pool },
      tolerations: TOLERATION,
      containers: [
        {
          name: 'main',
          image: 'registry.example/app:1',
          resources: { limits: { 'amd.com/gpu': String(options.gpus) } },
        },
      ],
    },
  };
}

describeWithPrometheus(
  'GPU utilization with a real Prometheus scraping kube-sim',
  () => {
    let sim: { url: string; stop(): Promise<void> };
    let llm: { url: string; stop(): Promise<void> };
    let traffic: ReturnType<typeof setInterval> | undefined;
    let prometheus: RunningPrometheus | undefined;
    let server: Parameters<typeof request>[0];
    const tasks = new Map<string, Task>();
    const sent: NotificationSendOptions[] = [];
    const runIdleScan = async () => {
      const task = tasks.get(IDLE_TASK);
      if (!task) throw new Error(`no task ${IDLE_TASK}: ${[...tasks.keys()]}`);
      await task.fn(new AbortController().signal);
    };
    const get = async <T>(who: Who, path: string, status = 200) => {
      const res = await request(server)
        .get(`${API}${path}`)
        .set('authorization', mockCredentials.user.header(USERS[who]));
      expect({ path, status: res.status, body: res.body }).toMatchObject({
        status,
      });
      return res.body as T;
    };

    let startedAt = 0;

    beforeAll(async () => {
      startedAt = Date.now();
      sim = await startSim('kube-sim', [
        '--port',
        '0',
        '--token',
        TOKEN,
        '--tick-ms',
        '20',
      ]);
      llm = await startSim('llm-sim', [
        '--port=0',
        '--model=Qwen/Qwen2.5-7B-Instruct',
        '--served-model-name=qwen-b',
        '--ttft-ms=1',
        '--tpot-ms=1',
      ]);
      prometheus = await startPrometheus({
        config: {
          global: { scrape_interval: '1s', evaluation_interval: '1s' },
          scrape_configs: [
            {
              job_name: 'amd-gpu-metrics',
              scrape_interval: '1s',
              static_configs: [{ targets: [new URL(sim.url).host] }],
            },
            {
              // The model server qwen-b-0's vLLM, as a PodMonitor labels its series.
              job_name: 'vllm',
              scrape_interval: '1s',
              static_configs: [
                {
                  targets: [new URL(llm.url).host],
                  labels: { namespace: 'ml-a', pod: 'qwen-b-0' },
                },
              ],
            },
          ],
        },
      });
      // qwen-b serves a request a second throughout.
      const call = () =>
        fetch(`${llm.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            model: 'qwen-b',
            messages: [{ role: 'user', content: 'hello' }],
            max_tokens: 16,
          }),
        }).then(
          r => r.text(),
          () => undefined,
        );
      await call();
      traffic = setInterval(call, 1000);

      const kc = new KubeConfig();
      kc.loadFromOptions({
        clusters: [{ name: 'sim', server: sim.url, skipTLSVerify: true }],
        users: [{ name: 'u', token: TOKEN }],
        contexts: [{ name: 'sim', cluster: 'sim', user: 'u' }],
        currentContext: 'sim',
      });
      const core = kc.makeApiClient(CoreV1Api);
      // Namespaces are environments' ids; the label is the environment's name.
      const namespace = (name: string, team: string, owner: string) =>
        core.createNamespace({
          body: {
            metadata: {
              name,
              labels: {
                'app.kubernetes.io/managed-by': 'genai-playground-portal',
                'genai-playground.io/environment': `${name}-lab`,
                'genai-playground.io/team': team,
                'genai-playground.io/owner': owner,
              },
            },
          },
        });
      await namespace('ml-a', 'ml-research', 'lena.fischer');
      await namespace('apps-a', 'genai-apps', 'kenji.sato');
      // A blueprint job's pod: busy. A model server with no traffic: idle.
      await core.createNamespacedPod({
        namespace: 'ml-a',
        body: gpuPod({
          name: 'train-0',
          pool: 'mi300x',
          gpus: 4,
          labels: {
            'genai-playground.io/job-id': 'job-1',
            'app.kubernetes.io/component': 'blueprint-job',
          },
        }),
      });
      await core.createNamespacedPod({
        namespace: 'ml-a',
        body: gpuPod({
          name: 'llama-a-0',
          pool: 'mi355x',
          gpus: 2,
          labels: {
            'app.kubernetes.io/component': 'model-server',
            'genai-playground.io/inference-model': 'llama-a',
          },
        }),
      });
      await core.createNamespacedPod({
        namespace: 'ml-a',
        body: gpuPod({
          name: 'qwen-b-0',
          pool: 'mi355x',
          gpus: 1,
          labels: {
            'app.kubernetes.io/component': 'model-server',
            'genai-playground.io/inference-model': 'qwen-b',
          },
        }),
      });
      await core.createNamespacedPod({
        namespace: 'apps-a',
        body: gpuPod({
          name: 'batch-0',
          pool: 'mi300x',
          gpus: 1,
          labels: { 'genai-playground.io/job-id': 'job-2' },
        }),
      });

      const scheduler = mockServices.scheduler.mock({
        scheduleTask: async (task: Task) => {
          tasks.set(task.id, task);
        },
      });
      const notifications = createServiceFactory({
        service: notificationService,
        deps: {},
        factory: () => ({
          send: async (options: NotificationSendOptions) => {
            sent.push(options);
          },
        }),
      });
      ({ server } = await startTestBackend({
        features: [
          genaiInsightsPlugin,
          mockServices.rootConfig.factory({
            data: {
              genaiInsights: {
                cluster: { url: sim.url, token: TOKEN },
                prometheus: {
                  baseUrl: prometheus.url,
                  scrapeIntervalSeconds: 1,
                  cacheSeconds: 0,
                },
                gpu: {
                  idle: {
                    window: { seconds: 5 },
                    scanFrequency: { seconds: 1 },
                  },
                },
              },
            },
          }),
          scheduler.factory,
          notifications,
          catalogServiceMock.factory({
            entities: [
              group('ml-research', 'marco.rossi'),
              group('genai-apps'),
            ],
          }),
          realPolicyPermissions({
            membership: {
              [USERS.lena]: [ML],
              [USERS.marco]: [ML],
              [USERS.kenji]: [APPS],
              [USERS.admin]: ['group:default/platform-team'],
            },
            leads: { [USERS.marco]: [ML] },
          }).factory,
        ],
      }));
    });

    afterAll(async () => {
      clearInterval(traffic);
      await prometheus?.stop();
      await llm?.stop();
      await sim?.stop();
    });

    const gpusOf = (fleet: GpuFleet, pod: string) =>
      fleet.nodes.flatMap(n => n.gpus).filter(g => g.holder?.pod === pod);

    it('shows the busy job busy, the idle server idle, and hides another team', async () => {
      const fleet = await until('activity of every held GPU', async () => {
        const f = await get<GpuFleet>('lena', '/gpu/fleet');
        const held = f.nodes.flatMap(n => n.gpus).filter(g => g.holder);
        return held.length === 8 && held.every(g => g.activity !== undefined)
          ? f
          : undefined;
      });
      expect(fleet.prometheus).toEqual({ available: true });
      const train = gpusOf(fleet, 'train-0');
      expect(train).toHaveLength(4);
      for (const gpu of train) {
        expect(gpu.activity).toBeGreaterThanOrEqual(80);
        expect(gpu.holder).toMatchObject({
          visible: true,
          kind: 'job',
          jobId: 'job-1',
          team: ML,
          owner: USERS.lena,
        });
      }
      const llama = gpusOf(fleet, 'llama-a-0');
      expect(llama).toHaveLength(2);
      for (const gpu of llama) {
        expect(gpu.activity).toBeLessThan(5);
        expect(gpu.holder).toMatchObject({
          kind: 'inference',
          model: 'llama-a',
        });
      }
      // genai-apps' pod is on the map, without its names, for a member of ml-research.
      const hidden = fleet.nodes
        .flatMap(n => n.gpus)
        .filter(g => g.holder && !g.holder.visible);
      expect(hidden).toHaveLength(1);
      expect(hidden[0].holder).toEqual({
        visible: false,
        namespace: '',
        pod: '',
        kind: 'job',
      });
      const mi300x = fleet.pools.find(p => p.pool === 'mi300x')!;
      expect(mi300x).toMatchObject({ capacity: 16, allocated: 5, free: 11 });
      expect(mi300x.active).toBe(5);
      expect(fleet.pools.find(p => p.pool === 'mi355x')).toMatchObject({
        allocated: 3,
        active: 0,
      });
      // Its GPU is as quiet as an idle server's: only its requests tell them apart.
      expect(gpusOf(fleet, 'qwen-b-0')[0].activity).toBeLessThan(5);

      await get('kenji', '/gpu/fleet?teams=ml-research', 403);
      await get(
        'kenji',
        '/gpu/activity?from=2026-01-01&to=2026-01-02&job=job-1',
        403,
      );
    });

    it('flags the model server idle after the window and tells its owner and lead once', async () => {
      await runIdleScan();
      const before = await get<GpuIdleList>('lena', '/gpu/idle');
      // Samples began a few seconds ago; the first scan may or may not have a full window.
      const idle = await until('the idle episode', async () => {
        await runIdleScan();
        const list = await get<GpuIdleList>('lena', '/gpu/idle');
        return list.episodes.length === 2 ? list : undefined;
      });
      expect(before.rule).toMatchObject({ thresholdPercent: 5 });
      expect(idle.rule.windowMinutes).toBeCloseTo(5 / 60);
      for (const episode of idle.episodes) {
        expect(episode).toMatchObject({
          namespace: 'ml-a',
          pod: 'llama-a-0',
          kind: 'inference',
          team: ML,
          owner: USERS.lena,
          environment: 'ml-a-lab',
          pool: 'mi355x',
        });
        expect(Date.parse(episode.since)).toBeLessThanOrEqual(
          Date.now() - 5000,
        );
      }
      // Nobody else's GPUs: the busy job, the model server with traffic and genai-apps' pod
      // are not idle.
      expect(
        (await get<GpuIdleList>('admin', '/gpu/idle')).episodes,
      ).toHaveLength(2);
      expect((await get<GpuIdleList>('kenji', '/gpu/idle')).episodes).toEqual(
        [],
      );

      await runIdleScan();
      await runIdleScan();
      const told = sent.filter(
        n =>
          JSON.stringify(n).includes('llama-a-0') ||
          JSON.stringify(n).includes('ml-a'),
      );
      expect(told).toHaveLength(1);
      expect(JSON.stringify(sent)).not.toContain('qwen-b');
      expect(told[0].recipients).toEqual({
        type: 'entity',
        entityRef: expect.arrayContaining([USERS.lena, USERS.marco]),
      });
      const fleet = await get<GpuFleet>('marco', '/gpu/fleet');
      expect(gpusOf(fleet, 'llama-a-0').every(g => g.idle)).toBe(true);
      expect(fleet.pools.find(p => p.pool === 'mi355x')?.idle).toBe(2);
    });

    it('answers usage, breakdown and activity over the range', async () => {
      // A week, as the page asks: the steps are long, the pods a few seconds old.
      const from = new Date(Date.now() - 7 * 86_400_000).toISOString();
      const to = new Date().toISOString();
      const usage = await get<GpuUsage>(
        'admin',
        `/gpu/usage?from=${from}&to=${to}`,
      );
      const sum = (pool: string, f: 'allocatedGpuHours' | 'activeGpuHours') =>
        usage.points.filter(p => p.pool === pool).reduce((n, p) => n + p[f], 0);
      expect(sum('mi300x', 'allocatedGpuHours')).toBeGreaterThan(0);
      expect(sum('mi300x', 'activeGpuHours')).toBeCloseTo(
        sum('mi300x', 'allocatedGpuHours'),
        6,
      );
      expect(sum('mi355x', 'activeGpuHours')).toBe(0);
      // Eight GPUs held for at most the seconds Prometheus has scraped: a week's range counts
      // the samples there are, not whole steps.
      const held = usage.points.reduce((n, p) => n + p.allocatedGpuHours, 0);
      expect(held).toBeLessThanOrEqual(
        (8 * (Date.now() - startedAt)) / 3_600_000,
      );
      expect(held).toBeGreaterThan((8 * 5) / 3600);

      const byTeam = await get<GpuBreakdown>(
        'lena',
        `/gpu/breakdown?from=${from}&to=${to}&by=team`,
      );
      expect(byTeam.rows.map(r => r.key)).toEqual([ML]);
      const ml = byTeam.rows[0];
      // 4 busy GPUs and 3 quiet ones: a mean of about four sevenths of the job's activity.
      expect(ml.meanActivity).toBeGreaterThan(45);
      expect(ml.meanActivity).toBeLessThan(65);
      // The 3 quiet GPUs of 7 (under the threshold, requests or not): about 3/7 of the hours.
      expect(ml.idleGpuHours / ml.allocatedGpuHours).toBeGreaterThan(0.3);
      expect(ml.idleGpuHours / ml.allocatedGpuHours).toBeLessThan(0.55);
      expect(ml.generationTokens).toBeGreaterThan(0);

      const byModel = await get<GpuBreakdown>(
        'lena',
        `/gpu/breakdown?from=${from}&to=${to}&by=model`,
      );
      const qwen = byModel.rows.find(r => r.key === 'qwen-b')!;
      expect(qwen.generationTokens).toBeGreaterThan(0);
      expect(qwen.tokensPerGpuHour).toBeCloseTo(
        qwen.generationTokens! / qwen.allocatedGpuHours,
        6,
      );
      expect(qwen.tokensPerKwh).toBeGreaterThan(0);
      expect(byModel.rows.find(r => r.key === 'llama-a')).toMatchObject({
        generationTokens: null,
        tokensPerGpuHour: null,
      });
      expect(ml.energyKwh).toBeGreaterThan(0);

      const job = await get<GpuActivity>(
        'lena',
        `/gpu/activity?from=${from}&to=${to}&job=job-1`,
      );
      expect(job.devices).toHaveLength(4);
      expect(job.meanActivity).toBeGreaterThanOrEqual(80);
      const env = await get<GpuActivity>(
        'lena',
        `/gpu/activity?from=${from}&to=${to}&environment=ml-a`,
      );
      expect(env.devices).toHaveLength(7);
      // By its name as well as its id.
      const byName = await get<GpuActivity>(
        'lena',
        `/gpu/activity?from=${from}&to=${to}&environment=ml-a-lab`,
      );
      expect(byName.devices).toHaveLength(7);
      await get(
        'kenji',
        `/gpu/activity?from=${from}&to=${to}&environment=ml-a`,
        403,
      );

      const byEnvironment = await get<GpuBreakdown>(
        'admin',
        `/gpu/breakdown?from=${from}&to=${to}&by=environment`,
      );
      expect(byEnvironment.rows.map(r => r.key).sort()).toEqual([
        'apps-a',
        'ml-a',
      ]);
      expect(byEnvironment.rows.find(r => r.key === 'ml-a')?.team).toBe(ML);
    });

    it('still shows allocation when Prometheus is down, and says why', async () => {
      await prometheus!.stop();
      const fleet = await get<GpuFleet>('admin', '/gpu/fleet');
      expect(fleet.prometheus.available).toBe(false);
      expect(fleet.nodes.reduce((n, node) => n + node.allocated, 0)).toBe(8);
      expect(
        fleet.pools.find(p => p.pool === 'mi300x')?.active,
      ).toBeUndefined();
      const idle = await get<GpuIdleList>('admin', '/gpu/idle');
      expect(idle.prometheus.available).toBe(false);
      // The episodes found stay listed; a scan without Prometheus changes nothing.
      await runIdleScan();
      expect(
        (await get<GpuIdleList>('admin', '/gpu/idle')).episodes,
      ).toHaveLength(2);
      prometheus = undefined;
    });
  },
);
