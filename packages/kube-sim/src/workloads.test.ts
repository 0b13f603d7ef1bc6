import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Fleet, FleetError } from './fleet';
import { startKubeSim } from './sim';
import { Harness, startHarness, waitFor } from './testing/harness';

const taints = [{ key: 'amd.com/gpu', value: 'true', effect: 'NoSchedule' }];
const TEAM_LABELS = {
  'app.kubernetes.io/managed-by': 'genai-playground-portal',
  'genai-playground.io/team': 'nlp',
  'genai-playground.io/environment': 'dev',
  'genai-playground.io/owner': 'asmith',
  'genai-playground.io/gpu-pool': 'mi300x',
};

const fleet: Fleet = {
  nodePools: [
    {
      name: 'mi300x',
      namePrefix: 'gpu-mi300x-',
      count: 1,
      gpu: 'mi300x',
      labels: { 'gpu-type': 'mi300x' },
      taints,
    },
    {
      name: 'mi355x',
      namePrefix: 'gpu-mi355x-',
      count: 1,
      gpu: 'mi355x',
      labels: { 'gpu-type': 'mi355x' },
      taints,
    },
  ],
  workloads: [
    {
      kind: 'job',
      namespace: {
        name: 'nlp-dev',
        labels: TEAM_LABELS,
        annotations: { 'genai-playground.io/cost-center': 'CC-1' },
      },
      name: 'sft',
      count: 2,
      gpus: 2,
      pool: 'mi300x',
    },
    {
      kind: 'inference',
      namespace: 'nlp-dev',
      name: 'llama',
      count: 2,
      gpus: 1,
      pool: 'mi355x',
    },
    {
      kind: 'inference',
      namespace: 'nlp-dev',
      name: 'qwen',
      gpus: 4,
      pool: 'mi355x',
      annotations: { 'kube-sim.genai.io/gpu-activity': 'busy' },
    },
    {
      namespace: { name: 'scratch', labels: { purpose: 'tests' } },
      name: 'notebook',
      count: 2,
      gpus: 1,
      pool: 'mi300x',
      labels: { app: 'jupyter' },
      annotations: { 'kube-sim.genai.io/gpu-activity': '30' },
    },
    {
      // 2 + 4 + 1 + 1 of 8 used: does not fit.
      kind: 'job',
      namespace: 'nlp-dev',
      name: 'too-big',
      gpus: 8,
      pool: 'mi300x',
    },
  ],
};

async function settled(h: Harness) {
  return waitFor(async () => {
    const pods = (await h.core.listPodForAllNamespaces()).items;
    const settling = pods.filter(
      p =>
        p.status?.phase !== 'Running' &&
        !(p.status?.conditions ?? []).some(
          c => c.type === 'PodScheduled' && c.status === 'False',
        ),
    );
    return pods.length === 8 && settling.length === 0 ? pods : undefined;
  }, 'the workloads to be running or unschedulable');
}

describe('fleet workloads', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ fleet });
  });
  afterAll(() => h.sim.close());

  it('creates namespaces, Jobs, Deployments and pods the way the portal labels them', async () => {
    const ns = await h.core.readNamespace({ name: 'nlp-dev' });
    expect(ns.metadata?.labels).toMatchObject(TEAM_LABELS);
    expect(ns.metadata?.annotations).toMatchObject({
      'genai-playground.io/cost-center': 'CC-1',
    });
    expect(
      (await h.core.readNamespace({ name: 'scratch' })).metadata?.labels
        ?.purpose,
    ).toBe('tests');

    const job = await h.batch.readNamespacedJob({
      name: 'sft',
      namespace: 'nlp-dev',
    });
    expect(job.spec).toMatchObject({
      parallelism: 2,
      completions: 2,
      completionMode: 'Indexed',
    });
    const deployment = await h.apps.readNamespacedDeployment({
      name: 'llama',
      namespace: 'nlp-dev',
    });
    expect(deployment.spec?.replicas).toBe(2);

    const pods = await settled(h);
    const of = (selector: string) =>
      pods.filter(p =>
        Object.entries(p.metadata?.labels ?? {}).some(
          ([k, v]) => `${k}=${v}` === selector,
        ),
      );
    const jobPods = of('genai-playground.io/job-id=sft');
    expect(jobPods).toHaveLength(2);
    for (const p of jobPods) {
      expect(p.metadata?.labels).toMatchObject({
        ...TEAM_LABELS,
        'app.kubernetes.io/component': 'blueprint-worker',
        'genai-playground.io/gpu-pool': 'mi300x',
        'job-name': 'sft',
      });
      expect(p.metadata?.ownerReferences?.[0]).toMatchObject({
        kind: 'Job',
        name: 'sft',
      });
      expect(p.spec?.nodeSelector).toEqual({ 'gpu-type': 'mi300x' });
      expect(p.spec?.containers[0].resources?.requests).toMatchObject({
        'amd.com/gpu': '2',
        cpu: '16',
        memory: '128Gi',
      });
      expect(p.status?.phase).toBe('Running');
    }
    const servers = of('genai-playground.io/inference-model=llama');
    expect(servers).toHaveLength(2);
    for (const p of servers) {
      expect(p.metadata?.labels).toMatchObject({
        'app.kubernetes.io/component': 'model-server',
        'app.kubernetes.io/name': 'vllm',
        'app.kubernetes.io/instance': 'llama',
        'app.kubernetes.io/managed-by': 'genai-playground-portal',
        'genai-playground.io/team': 'nlp',
        'genai-playground.io/gpu-pool': 'mi355x',
      });
      // Inference pods do not carry the owner label, as the portal's do not.
      expect(p.metadata?.labels?.['genai-playground.io/owner']).toBeUndefined();
    }
    const notebooks = pods.filter(p => p.metadata?.namespace === 'scratch');
    expect(notebooks.map(p => p.metadata?.name).sort()).toEqual([
      'notebook-0',
      'notebook-1',
    ]);
    expect(notebooks[0].metadata?.labels).toEqual({ app: 'jupyter' });

    const pending = of('genai-playground.io/job-id=too-big');
    expect(pending).toHaveLength(1);
    expect(pending[0].status?.phase).toBe('Pending');
    expect(
      pending[0].status?.conditions?.find(c => c.type === 'PodScheduled')
        ?.message,
    ).toMatch(/Insufficient amd\.com\/gpu/);
  });

  it('reports the workloads on /metrics: model servers idle unless annotated', async () => {
    await settled(h);
    const text = await (await fetch(`${h.sim.url}/metrics`)).text();
    const activity = new Map<string, number[]>();
    for (const line of text.split('\n')) {
      if (!line.startsWith('gpu_gfx_activity{')) continue;
      const pod = /pod="([^"]*)"/.exec(line)![1];
      if (!pod) continue;
      const owner = pod.replace(/-[a-z0-9]+(-[a-z0-9]+)?$/, '');
      activity.set(owner, [
        ...(activity.get(owner) ?? []),
        Number(line.split(' ').pop()),
      ]);
    }
    expect(activity.get('llama')).toHaveLength(2);
    expect(Math.max(...activity.get('llama')!)).toBeLessThanOrEqual(2);
    expect(activity.get('qwen')).toHaveLength(4);
    expect(Math.min(...activity.get('qwen')!)).toBeGreaterThanOrEqual(88);
    expect(activity.get('sft')).toHaveLength(4);
    expect(Math.min(...activity.get('sft')!)).toBeGreaterThanOrEqual(88);
    expect(activity.get('notebook')).toHaveLength(2);
    for (const v of activity.get('notebook')!) {
      expect(v).toBeGreaterThanOrEqual(28);
      expect(v).toBeLessThanOrEqual(32);
    }
  });
});

describe('fleet workloads and the state file', () => {
  it('creates the workloads in a new state file only', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-sim-workloads-'));
    const stateFile = path.join(dir, 'state.json');
    try {
      let h = await startHarness({ fleet, stateFile });
      await settled(h);
      await h.sim.close();
      h = await startHarness({ fleet, stateFile });
      try {
        const pods = await settled(h);
        expect(pods).toHaveLength(8);
        expect(
          (await h.batch.listJobForAllNamespaces()).items.map(
            j => j.metadata?.name,
          ),
        ).toEqual(['sft', 'too-big']);
        expect(
          (await h.apps.listDeploymentForAllNamespaces()).items,
        ).toHaveLength(2);
      } finally {
        await h.sim.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a workload the API server would refuse, naming it', async () => {
    const started = startKubeSim({
      fleet: {
        nodePools: fleet.nodePools,
        workloads: [
          {
            namespace: 'x',
            name: 'bad',
            gpus: 1,
            pool: 'mi300x',
            labels: { 'not a label': 'x' },
          },
        ],
      },
    });
    const error = await started.then(
      () => undefined,
      e => e,
    );
    expect(error).toBeInstanceOf(FleetError);
    expect(error.message).toMatch(
      /^fleet: workloads\[0\]: Pod "bad-0" is invalid/,
    );
  });

  it('stops the CLI with the field a bad fleet file gets wrong', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-sim-badfleet-'));
    const file = path.join(dir, 'fleet.yaml');
    fs.writeFileSync(
      file,
      [
        'nodePools:',
        '  - { name: mi300x, count: 1, gpu: mi300x, labels: { gpu-type: mi300x } }',
        'workloads:',
        '  - { namespace: a, name: a, gpus: 1, pool: mi300x }',
        '  - { namespace: a, name: b, gpus: 8, pool: mi300x }',
        '  - { namespace: a, name: c, gpus: 2, pool: mi300x }',
        '  - { namespace: a, name: d, gpus: -2, pool: mi300x }',
        '',
      ].join('\n'),
    );
    try {
      const child = spawn(
        process.execPath,
        [
          path.resolve(__dirname, '..', 'bin', 'kube-sim'),
          '--port',
          '0',
          '--fleet',
          file,
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', d => (stderr += d));
      const code = await new Promise<number | null>(resolve =>
        child.once('exit', resolve),
      );
      expect(stderr).toBe(
        `kube-sim: ${file}: workloads[3].gpus: must be a positive integer\n`,
      );
      expect(code).toBe(2);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
