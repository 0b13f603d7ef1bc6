import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DEFAULT_FLEET_FILE,
  Fleet,
  FleetError,
  fleetNodes,
  loadFleet,
  resolveFleetFile,
  validateFleet,
} from './fleet';

const pool = {
  name: 'mi300x',
  count: 1,
  gpu: 'mi300x',
  labels: { 'gpu-type': 'mi300x' },
};

function problem(fleet: unknown): string {
  try {
    validateFleet(fleet, 'f.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(FleetError);
    return (e as Error).message;
  }
  throw new Error('expected the fleet to be refused');
}

describe('fleet files', () => {
  it('keeps the default fleet small: 4 GPU nodes of 8 unpartitioned GPUs, no workloads', () => {
    const fleet = loadFleet(undefined);
    expect(fleet.workloads).toBeUndefined();
    expect(fleet.schedulerProfile).toBeUndefined();
    const gpuNodes = fleetNodes(fleet).filter(
      n => n.status?.capacity?.['amd.com/gpu'],
    );
    expect(gpuNodes.map(n => n.metadata.name)).toEqual([
      'gpu-mi355x-0',
      'gpu-mi355x-1',
      'gpu-mi300x-0',
      'gpu-mi300x-1',
    ]);
    for (const n of gpuNodes) {
      expect(n.status?.capacity?.['amd.com/gpu']).toBe('8');
      expect(
        n.metadata.labels?.['amd.com/compute-memory-partition'],
      ).toBeUndefined();
    }
  });

  it("finds the package's fleets by name from any directory", () => {
    const large = path.resolve(__dirname, '..', 'fleets', 'large.yaml');
    expect(resolveFleetFile('large')).toBe(large);
    expect(path.resolve(resolveFleetFile('fleets/large.yaml'))).toBe(large);
    expect(resolveFleetFile(DEFAULT_FLEET_FILE)).toBe(DEFAULT_FLEET_FILE);
    expect(resolveFleetFile('/nowhere/fleet.yaml')).toBe('/nowhere/fleet.yaml');
  });

  it('names the field a bad fleet gets wrong', () => {
    const workload = {
      namespace: 'team-a',
      name: 'w',
      gpus: 1,
      pool: 'mi300x',
    };
    const fleet = (extra: Partial<Fleet> | Record<string, unknown>) => ({
      nodePools: [pool],
      ...extra,
    });
    expect(problem({})).toBe('f.yaml: nodePools: must be a list');
    expect(problem([])).toBe(
      'f.yaml: fleet: must be a map with a nodePools list',
    );
    expect(problem(fleet({ nodePools: [{ ...pool, count: -1 }] }))).toBe(
      'f.yaml: nodePools[0].count: must be a non-negative integer',
    );
    expect(problem(fleet({ nodePools: [{ ...pool, gpu: 'mi999' }] }))).toBe(
      'f.yaml: nodePools[0].gpu: unknown preset "mi999" (known: mi355x, mi300x)',
    );
    expect(
      problem(
        fleet({ nodePools: [{ ...pool, partition: { compute: 'xpx' } }] }),
      ),
    ).toBe(
      'f.yaml: nodePools[0].partition.compute: must be one of spx, dpx, qpx, cpx',
    );
    expect(
      problem(
        fleet({ nodePools: [{ ...pool, partition: { memory: 'nps2' } }] }),
      ),
    ).toBe('f.yaml: nodePools[0].partition.memory: must be one of nps1, nps4');
    expect(
      problem(
        fleet({
          nodePools: [{ name: 'cpu', count: 1, partition: { compute: 'cpx' } }],
        }),
      ),
    ).toBe('f.yaml: nodePools[0].partition: needs a gpu pool');
    expect(
      problem(fleet({ nodePools: [{ ...pool, labels: { zone: 1 } }] })),
    ).toBe(
      'f.yaml: nodePools[0].labels.zone: must be a string (quote numbers and booleans)',
    );
    expect(problem(fleet({ schedulerProfile: 'Packed' }))).toBe(
      'f.yaml: schedulerProfile: must be one of LowNodeUtilization, HighNodeUtilization',
    );
    expect(problem(fleet({ workloads: {} }))).toBe(
      'f.yaml: workloads: must be a list',
    );
    const bad = (w: Record<string, unknown>) =>
      problem(fleet({ workloads: [workload, workload, workload, w] }));
    expect(bad({ ...workload, gpus: 0 })).toBe(
      'f.yaml: workloads[3].gpus: must be a positive integer',
    );
    expect(bad({ ...workload, gpus: '2' })).toBe(
      'f.yaml: workloads[3].gpus: must be a positive integer',
    );
    expect(bad({ ...workload, count: 1.5 })).toBe(
      'f.yaml: workloads[3].count: must be a non-negative integer',
    );
    expect(bad({ ...workload, pool: 'mi400x' })).toBe(
      'f.yaml: workloads[3].pool: no GPU node pool is labelled gpu-type "mi400x" (known: mi300x)',
    );
    expect(bad({ ...workload, kind: 'cronjob' })).toBe(
      'f.yaml: workloads[3].kind: must be one of job, inference, pod',
    );
    expect(bad({ ...workload, namespace: 'Team A' })).toMatch(
      /^f\.yaml: workloads\[3\]\.namespace: must be a DNS label/,
    );
    expect(bad({ ...workload, namespace: { name: 'a', labels: [] } })).toBe(
      'f.yaml: workloads[3].namespace.labels: must be a map of strings',
    );
    expect(bad({ ...workload, name: undefined })).toMatch(
      /^f\.yaml: workloads\[3\]\.name: must be a DNS label/,
    );
    expect(bad({ ...workload, memory: 'lots' })).toBe(
      'f.yaml: workloads[3].memory: must be a quantity such as 32 or 256Gi',
    );
    expect(
      bad({
        ...workload,
        annotations: { 'kube-sim.genai.io/gpu-activity': 50 },
      }),
    ).toBe(
      'f.yaml: workloads[3].annotations.kube-sim.genai.io/gpu-activity: must be a string (quote numbers and booleans)',
    );
    expect(bad({ ...workload, replicas: 2 })).toMatch(
      /^f\.yaml: workloads\[3\]\.replicas: unknown field/,
    );
  });

  it('names the file when loading one', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-sim-fleet-'));
    try {
      const file = path.join(dir, 'fleet.yaml');
      fs.writeFileSync(
        file,
        'nodePools:\n  - { name: a, count: 1, gpu: mi300x }\nworkloads:\n  - { namespace: x, name: y, gpus: 0, pool: a }\n',
      );
      expect(() => loadFleet(file)).toThrow(
        `${file}: workloads[0].gpus: must be a positive integer`,
      );
      fs.writeFileSync(file, 'nodePools: [');
      expect(() => loadFleet(file)).toThrow(FleetError);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
