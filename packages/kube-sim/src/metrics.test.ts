import { GPU_ACTIVITY_ANNOTATION, gpuActivityOf } from './metrics';
import {
  createNamespace,
  Harness,
  startHarness,
  waitFor,
} from './testing/harness';

describe('/metrics in the device-metrics-exporter format', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.sim.close());

  it('exposes one series per GPU, busy for GPUs held by running pods', async () => {
    await createNamespace(h, 'infer');
    await h.core.createNamespacedPod({
      namespace: 'infer',
      body: {
        metadata: { name: 'vllm' },
        spec: {
          nodeSelector: { 'gpu-type': 'mi355x' },
          tolerations: [{ key: 'amd.com/gpu', operator: 'Exists' }],
          containers: [
            {
              name: 'server',
              image: 'rocm/vllm:latest',
              resources: { limits: { 'amd.com/gpu': '2' } },
            },
          ],
        },
      },
    });
    const pod = await waitFor(async () => {
      const p = await h.core.readNamespacedPod({
        name: 'vllm',
        namespace: 'infer',
      });
      return p.status?.phase === 'Running' ? p : undefined;
    }, 'the pod to run');
    // Unauthenticated, like the exporter.
    const res = await fetch(`${h.sim.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(
      /^text\/plain; version=0\.0\.4/,
    );
    const text = await res.text();
    expect(text).toContain('# TYPE gpu_gfx_activity gauge');
    const activity = text
      .split('\n')
      .filter(l => l.startsWith('gpu_gfx_activity{'));
    expect(activity).toHaveLength(4 * 8);
    const busy = activity.filter(l => l.includes('namespace="infer"'));
    expect(busy).toHaveLength(2);
    const node = pod.spec!.nodeName!;
    const ids =
      pod.metadata!.annotations!['kube-sim.genai.io/gpu-ids'].split(',');
    for (const line of busy) {
      expect(line).toContain(`hostname="${node}"`);
      expect(line).toContain('pod="vllm"');
      expect(line).toContain('container="server"');
      expect(line).toContain('card_model="AMD Instinct MI355X"');
      expect(ids).toContain(/gpu_id="(\d)"/.exec(line)![1]);
      expect(Number(line.split(' ').pop())).toBeGreaterThanOrEqual(85);
    }
    const idle = activity.filter(l => l.includes('pod=""'));
    expect(idle.every(l => Number(l.split(' ').pop()) <= 1)).toBe(true);
    const total = text
      .split('\n')
      .find(
        l => l.startsWith('gpu_total_vram{') && l.includes('gpu-mi300x-0'),
      )!;
    expect(Number(total.split(' ').pop())).toBe(192 * 1024);
    for (const name of [
      'gpu_used_vram',
      'gpu_power_usage',
      'gpu_junction_temperature',
    ]) {
      expect(text).toContain(`# HELP ${name} `);
    }
  });
});

describe('GPU activity per pod', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.sim.close());

  /** The value of `series` for each pod holding GPUs, by pod name. */
  async function byPod(series: string): Promise<Map<string, number[]>> {
    const res = await fetch(`${h.sim.url}/metrics`);
    expect(res.status).toBe(200);
    const map = new Map<string, number[]>();
    for (const line of (await res.text()).split('\n')) {
      if (!line.startsWith(`${series}{`)) continue;
      const pod = /pod="([^"]*)"/.exec(line)![1];
      if (!pod) continue;
      map.set(pod, [...(map.get(pod) ?? []), Number(line.split(' ').pop())]);
    }
    return map;
  }

  it('follows kube-sim.genai.io/gpu-activity, defaulting to idle for model servers', async () => {
    await createNamespace(h, 'activity');
    const pods: Array<
      [string, Record<string, string>, Record<string, string>]
    > = [
      ['idle', {}, { [GPU_ACTIVITY_ANNOTATION]: 'idle' }],
      [
        'busy-server',
        { 'app.kubernetes.io/component': 'model-server' },
        { [GPU_ACTIVITY_ANNOTATION]: 'busy' },
      ],
      ['forty', {}, { [GPU_ACTIVITY_ANNOTATION]: '40' }],
      ['zero', {}, { [GPU_ACTIVITY_ANNOTATION]: '0' }],
      ['full', {}, { [GPU_ACTIVITY_ANNOTATION]: '100%' }],
      ['server', { 'app.kubernetes.io/component': 'model-server' }, {}],
      ['job', {}, {}],
      ['bogus', {}, { [GPU_ACTIVITY_ANNOTATION]: 'lots' }],
      [
        'bogus-server',
        { 'app.kubernetes.io/component': 'model-server' },
        { [GPU_ACTIVITY_ANNOTATION]: '250' },
      ],
    ];
    for (const [name, labels, annotations] of pods) {
      await h.core.createNamespacedPod({
        namespace: 'activity',
        body: {
          metadata: { name, labels, annotations },
          spec: {
            nodeSelector: { 'gpu-type': 'mi300x' },
            tolerations: [{ key: 'amd.com/gpu', operator: 'Exists' }],
            containers: [
              {
                name: 'main',
                image: 'rocm/vllm:latest',
                resources: { limits: { 'amd.com/gpu': '1' } },
              },
            ],
          },
        },
      });
    }
    await waitFor(async () => {
      const list = await h.core.listNamespacedPod({ namespace: 'activity' });
      return list.items.every(p => p.status?.phase === 'Running');
    }, 'the pods to run');
    const gfx = await byPod('gpu_gfx_activity');
    const power = await byPod('gpu_power_usage');
    const umc = await byPod('gpu_umc_activity');
    const junction = await byPod('gpu_junction_temperature');
    const used = await byPod('gpu_used_vram');
    const one = (m: Map<string, number[]>, pod: string) => {
      expect(m.get(pod)).toHaveLength(1);
      return m.get(pod)![0];
    };
    const range = (pod: string, lo: number, hi: number) => {
      const v = one(gfx, pod);
      expect(v).toBeGreaterThanOrEqual(lo);
      expect(v).toBeLessThanOrEqual(hi);
    };
    range('idle', 0, 2);
    range('server', 0, 2);
    range('bogus-server', 0, 2);
    range('busy-server', 88, 98);
    range('job', 88, 98);
    range('bogus', 88, 98);
    range('forty', 38, 42);
    range('zero', 0, 2);
    range('full', 98, 100);
    // MI300X: 140 W idle, 750 W at full load.
    for (const pod of ['idle', 'server', 'zero']) {
      expect(one(power, pod)).toBeLessThanOrEqual(152);
      expect(one(umc, pod)).toBeLessThanOrEqual(1);
      expect(one(junction, pod)).toBeLessThanOrEqual(41);
    }
    expect(one(power, 'forty')).toBeGreaterThan(300);
    expect(one(power, 'forty')).toBeLessThan(one(power, 'job'));
    expect(one(power, 'job')).toBeGreaterThan(600);
    expect(one(junction, 'forty')).toBeGreaterThan(45);
    expect(one(junction, 'forty')).toBeLessThan(one(junction, 'job'));
    // An idle model server still holds its model in VRAM.
    for (const pod of ['idle', 'server', 'job'])
      expect(one(used, pod)).toBeGreaterThanOrEqual(0.7 * 192 * 1024);
  });

  it('reaches the pods of a Deployment through its pod template', async () => {
    await createNamespace(h, 'serving');
    await h.apps.createNamespacedDeployment({
      namespace: 'serving',
      body: {
        metadata: { name: 'vllm' },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'vllm' } },
          template: {
            metadata: {
              labels: {
                app: 'vllm',
                'app.kubernetes.io/component': 'model-server',
              },
              annotations: { [GPU_ACTIVITY_ANNOTATION]: '60' },
            },
            spec: {
              nodeSelector: { 'gpu-type': 'mi355x' },
              tolerations: [{ key: 'amd.com/gpu', operator: 'Exists' }],
              containers: [
                {
                  name: 'vllm',
                  image: 'rocm/vllm:latest',
                  resources: { limits: { 'amd.com/gpu': '2' } },
                },
              ],
            },
          },
        },
      },
    });
    const pods = await waitFor(async () => {
      const list = await h.core.listNamespacedPod({ namespace: 'serving' });
      return list.items.length === 2 &&
        list.items.every(p => p.status?.phase === 'Running')
        ? list.items
        : undefined;
    }, 'the replicas to run');
    for (const pod of pods)
      expect(pod.metadata?.annotations?.[GPU_ACTIVITY_ANNOTATION]).toBe('60');
    const gfx = await byPod('gpu_gfx_activity');
    for (const pod of pods) {
      const values = gfx.get(pod.metadata!.name!)!;
      expect(values).toHaveLength(2);
      for (const v of values) {
        expect(v).toBeGreaterThanOrEqual(58);
        expect(v).toBeLessThanOrEqual(62);
      }
    }
  });
});

describe('gpuActivityOf', () => {
  const pod = (annotation?: string, component?: string) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      annotations:
        annotation === undefined
          ? undefined
          : { [GPU_ACTIVITY_ANNOTATION]: annotation },
      labels: component
        ? { 'app.kubernetes.io/component': component }
        : undefined,
    },
  });

  it('reads the annotation and falls back to the default on anything else', () => {
    expect(gpuActivityOf(pod('IDLE'))).toBe('idle');
    expect(gpuActivityOf(pod(' busy ', 'model-server'))).toBe('busy');
    expect(gpuActivityOf(pod('37.5'))).toBe(37.5);
    expect(gpuActivityOf(pod('50%'))).toBe(50);
    expect(gpuActivityOf(pod('0', 'model-server'))).toBe(0);
    for (const bad of ['101', '-3', '', 'half', '1e2']) {
      expect(gpuActivityOf(pod(bad))).toBe('busy');
      expect(gpuActivityOf(pod(bad, 'model-server'))).toBe('idle');
    }
    expect(gpuActivityOf(pod(undefined, 'blueprint-worker'))).toBe('busy');
  });
});
