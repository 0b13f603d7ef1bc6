import { GPU_ACTIVITY_ANNOTATION } from './metrics';
import {
  createNamespace,
  Harness,
  startHarness,
  waitFor,
} from './testing/harness';

const taints = [{ key: 'amd.com/gpu', value: 'true', effect: 'NoSchedule' }];

interface Line {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parse(text: string): Line[] {
  return text
    .split('\n')
    .filter(l => l && !l.startsWith('#'))
    .map(l => {
      const [, name, body, value] = /^(\w+)\{(.*)\} (\S+)$/.exec(l)!;
      const labels: Record<string, string> = {};
      for (const [, k, v] of body.matchAll(/(\w+)="([^"]*)"/g)) labels[k] = v;
      return { name, labels, value: Number(value) };
    });
}

describe('partitioned GPUs', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      fleet: {
        nodePools: [
          {
            name: 'cpx',
            namePrefix: 'gpu-cpx-',
            count: 1,
            gpu: 'mi300x',
            gpusPerNode: 8,
            labels: { 'gpu-type': 'mi300x-cpx' },
            taints,
            partition: { compute: 'cpx', memory: 'nps4' },
          },
          {
            name: 'dpx',
            namePrefix: 'gpu-dpx-',
            count: 1,
            gpu: 'mi355x',
            gpusPerNode: 2,
            labels: { 'gpu-type': 'mi355x-dpx' },
            taints,
            partition: { compute: 'dpx' },
          },
          {
            name: 'qpx',
            namePrefix: 'gpu-qpx-',
            count: 1,
            gpu: 'mi300x',
            gpusPerNode: 1,
            taints,
            partition: { compute: 'qpx', memory: 'nps1' },
          },
          {
            name: 'spx',
            namePrefix: 'gpu-spx-',
            count: 1,
            gpu: 'mi300x',
            gpusPerNode: 2,
            taints,
          },
        ],
      },
    });
  });
  afterAll(() => h.sim.close());

  it('advertises every partition as an amd.com/gpu and labels the node with the mode', async () => {
    const nodes = (await h.core.listNode()).items;
    const byName = new Map(nodes.map(n => [n.metadata!.name!, n]));
    const cpx = byName.get('gpu-cpx-0')!;
    expect(cpx.status?.capacity?.['amd.com/gpu']).toBe('64');
    expect(cpx.metadata?.labels).toMatchObject({
      'amd.com/compute-memory-partition': 'cpx_nps4',
      'amd.com/compute-partitioning-supported': 'true',
      'amd.com/memory-partitioning-supported': 'true',
    });
    expect(byName.get('gpu-dpx-0')!.status?.capacity?.['amd.com/gpu']).toBe(
      '4',
    );
    expect(
      byName.get('gpu-dpx-0')!.metadata?.labels?.[
        'amd.com/compute-memory-partition'
      ],
    ).toBe('dpx_nps1');
    expect(byName.get('gpu-qpx-0')!.status?.capacity?.['amd.com/gpu']).toBe(
      '4',
    );
    const spx = byName.get('gpu-spx-0')!;
    expect(spx.status?.capacity?.['amd.com/gpu']).toBe('2');
    expect(
      spx.metadata?.labels?.['amd.com/compute-memory-partition'],
    ).toBeUndefined();
  });

  it('reports activity and power on partition 0 only, VRAM on every partition', async () => {
    const lines = parse(await (await fetch(`${h.sim.url}/metrics`)).text());
    const of = (name: string, host: string) =>
      lines.filter(l => l.name === name && l.labels.hostname === host);

    const gfx = of('gpu_gfx_activity', 'gpu-cpx-0');
    expect(gfx).toHaveLength(8);
    expect(gfx.map(l => l.labels.gpu_partition_id)).toEqual(Array(8).fill('0'));
    expect(gfx.map(l => l.labels.gpu_id)).toEqual([
      '0',
      '8',
      '16',
      '24',
      '32',
      '40',
      '48',
      '56',
    ]);
    for (const l of gfx) {
      expect(l.labels.gpu_compute_partition_type).toBe('cpx');
      expect(l.labels.gpu_memory_partition_type).toBe('nps4');
    }
    for (const name of [
      'gpu_power_usage',
      'gpu_umc_activity',
      'gpu_junction_temperature',
      'gpu_memory_temperature',
    ]) {
      expect(of(name, 'gpu-cpx-0')).toHaveLength(8);
    }
    const total = of('gpu_total_vram', 'gpu-cpx-0');
    expect(total).toHaveLength(64);
    expect(new Set(total.map(l => l.value))).toEqual(new Set([24 * 1024]));
    expect(
      total.filter(l => l.labels.gpu_id === '9')[0].labels.gpu_partition_id,
    ).toBe('1');
    expect(of('gpu_used_vram', 'gpu-cpx-0')).toHaveLength(64);
    expect(of('gpu_free_vram', 'gpu-cpx-0')).toHaveLength(64);
    // A card's partitions share its serial number.
    expect(new Set(total.map(l => l.labels.serial_number)).size).toBe(8);
    expect(
      new Set(
        total
          .filter(l => Number(l.labels.gpu_id) < 8)
          .map(l => l.labels.serial_number),
      ).size,
    ).toBe(1);

    expect(of('gpu_gfx_activity', 'gpu-dpx-0')).toHaveLength(2);
    expect(of('gpu_used_vram', 'gpu-dpx-0')).toHaveLength(4);
    expect(of('gpu_total_vram', 'gpu-dpx-0')[0].value).toBe(144 * 1024);
    expect(of('gpu_gfx_activity', 'gpu-qpx-0')).toHaveLength(1);
    expect(of('gpu_used_vram', 'gpu-qpx-0')).toHaveLength(4);
    const spx = of('gpu_gfx_activity', 'gpu-spx-0');
    expect(spx).toHaveLength(2);
    expect(spx[0].labels).toMatchObject({
      gpu_compute_partition_type: 'spx',
      gpu_memory_partition_type: 'nps1',
      gpu_partition_id: '0',
    });
  });

  it('reports a card as busy as its partitions together', async () => {
    await createNamespace(h, 'parts');
    const pod = (name: string, gpus: number, activity: string) =>
      h.core.createNamespacedPod({
        namespace: 'parts',
        body: {
          metadata: {
            name,
            annotations: { [GPU_ACTIVITY_ANNOTATION]: activity },
          },
          spec: {
            nodeSelector: { 'gpu-type': 'mi300x-cpx' },
            tolerations: [{ key: 'amd.com/gpu', operator: 'Exists' }],
            containers: [
              {
                name: 'main',
                image: 'rocm/pytorch:latest',
                resources: { limits: { 'amd.com/gpu': String(gpus) } },
              },
            ],
          },
        },
      });
    // The whole of card 0 (partitions 0-7), then partition 0 of card 1,
    // then partitions 1-4 of card 1.
    await pod('whole-card', 8, 'busy');
    await waitFor(async () => {
      const p = await h.core.readNamespacedPod({
        name: 'whole-card',
        namespace: 'parts',
      });
      return p.status?.phase === 'Running';
    }, 'the first pod to run');
    await pod('one-partition', 1, 'idle');
    await waitFor(async () => {
      const p = await h.core.readNamespacedPod({
        name: 'one-partition',
        namespace: 'parts',
      });
      return p.status?.phase === 'Running';
    }, 'the second pod to run');
    await pod('half-card', 4, 'busy');
    await waitFor(async () => {
      const p = await h.core.readNamespacedPod({
        name: 'half-card',
        namespace: 'parts',
      });
      return p.status?.phase === 'Running';
    }, 'the third pod to run');

    const lines = parse(await (await fetch(`${h.sim.url}/metrics`)).text());
    const card = (name: string, id: string) =>
      lines.find(
        l =>
          l.name === name &&
          l.labels.hostname === 'gpu-cpx-0' &&
          l.labels.gpu_id === id,
      )!;
    const card0 = card('gpu_gfx_activity', '0');
    expect(card0.labels.pod).toBe('whole-card');
    expect(card0.value).toBeGreaterThanOrEqual(88);
    // Card 1: partition 0 idle, partitions 1-4 busy, 5-7 unused: about half.
    const card1 = card('gpu_gfx_activity', '8');
    expect(card1.labels.pod).toBe('one-partition');
    expect(card1.value).toBeGreaterThanOrEqual(44);
    expect(card1.value).toBeLessThanOrEqual(51);
    // The busy partitions of card 1 have VRAM series only, with their pod.
    expect(lines.filter(l => l.labels.pod === 'half-card')).toHaveLength(4 * 3);
    const used = card('gpu_used_vram', '9');
    expect(used.labels.pod).toBe('half-card');
    expect(used.value).toBeGreaterThanOrEqual(0.7 * 24 * 1024);
    expect(card('gpu_used_vram', '13').labels.pod).toBe('');
    // Power follows the card's activity.
    expect(card('gpu_power_usage', '0').value).toBeGreaterThan(
      card('gpu_power_usage', '8').value,
    );
    expect(card('gpu_power_usage', '8').value).toBeGreaterThan(
      card('gpu_power_usage', '16').value,
    );
  });
});
