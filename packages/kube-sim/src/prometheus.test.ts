/**
 * The real Prometheus (Debian package, /usr/bin/prometheus) scraping
 * kube-sim's /metrics and answering a PromQL query over its HTTP API.
 */
import {
  describeWithPrometheus,
  startPrometheus,
  type RunningPrometheus,
} from '@genai-portal/test-utils';
import {
  createNamespace,
  Harness,
  startHarness,
  waitFor,
} from './testing/harness';

describeWithPrometheus('Prometheus scraping kube-sim', () => {
  let h: Harness;
  let prom: RunningPrometheus | undefined;
  let promUrl: string;
  const logs = () => prom?.logs() ?? '';

  beforeAll(async () => {
    h = await startHarness();
    prom = await startPrometheus({
      config: {
        global: { scrape_interval: '1s', evaluation_interval: '1s' },
        scrape_configs: [
          {
            job_name: 'amd-gpu-metrics',
            scrape_interval: '1s',
            static_configs: [{ targets: [new URL(h.sim.url).host] }],
          },
        ],
      },
    });
    promUrl = prom.url;
  }, 30_000);

  afterAll(async () => {
    await prom?.stop();
    await h?.sim.close();
  });

  it('answers per-namespace GPU activity with PromQL', async () => {
    await createNamespace(h, 'llm-serving');
    await h.core.createNamespacedPod({
      namespace: 'llm-serving',
      body: {
        metadata: { name: 'vllm-0' },
        spec: {
          nodeSelector: { 'gpu-type': 'mi300x' },
          tolerations: [{ key: 'amd.com/gpu', operator: 'Exists' }],
          containers: [
            {
              name: 'vllm',
              image: 'rocm/vllm:latest',
              resources: { limits: { 'amd.com/gpu': '4' } },
            },
          ],
        },
      },
    });
    const query = encodeURIComponent(
      'sum by (namespace) (gpu_gfx_activity{namespace!=""})',
    );
    const result = await waitFor(
      async () => {
        const res = await (
          await fetch(`${promUrl}/api/v1/query?query=${query}`)
        ).json();
        return res.data?.result?.find(
          (r: any) => r.metric.namespace === 'llm-serving',
        );
      },
      `a scrape with the running pod (prometheus said: ${logs()})`,
      20_000,
    );
    const value = Number(result.value[1]);
    // Four busy GPUs at 88-98% each.
    expect(value).toBeGreaterThanOrEqual(4 * 85);
    expect(value).toBeLessThanOrEqual(4 * 100);
    const up = await (await fetch(`${promUrl}/api/v1/query?query=up`)).json();
    expect(up.data.result[0].value[1]).toBe('1');
  }, 30_000);

  it('finds GPUs held by an idle model server with PromQL', async () => {
    await createNamespace(h, 'idle-serving');
    await h.core.createNamespacedPod({
      namespace: 'idle-serving',
      body: {
        metadata: {
          name: 'vllm-0',
          labels: { 'app.kubernetes.io/component': 'model-server' },
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
    });
    // Held (a pod is named) but doing nothing.
    const query = encodeURIComponent(
      'count by (namespace, pod) (gpu_gfx_activity{pod!=""} < 5)',
    );
    const result = await waitFor(
      async () => {
        const res = await (
          await fetch(`${promUrl}/api/v1/query?query=${query}`)
        ).json();
        return res.data?.result?.find(
          (r: any) => r.metric.namespace === 'idle-serving',
        );
      },
      `a scrape with the idle server (prometheus said: ${logs()})`,
      20_000,
    );
    expect(result.metric.pod).toBe('vllm-0');
    expect(result.value[1]).toBe('2');
    // The busy pod of the other test is not among them.
    const all = await (
      await fetch(`${promUrl}/api/v1/query?query=${query}`)
    ).json();
    expect(all.data.result.map((r: any) => r.metric.namespace)).not.toContain(
      'llm-serving',
    );
  }, 30_000);
});
