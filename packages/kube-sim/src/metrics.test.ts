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
