import {
  createNamespace,
  Harness,
  startHarness,
  waitFor,
} from '../testing/harness';

describe('scheduler and kubelet', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await createNamespace(h, 'sched');
  });
  afterAll(() => h.sim.close());

  const gpuPod = (name: string, gpus: number, extra: any = {}) => ({
    metadata: { name, ...(extra.metadata ?? {}) },
    spec: {
      tolerations: [
        {
          key: 'amd.com/gpu',
          operator: 'Equal',
          value: 'true',
          effect: 'NoSchedule',
        },
      ],
      containers: [
        {
          name: 'main',
          image: 'rocm/pytorch:latest',
          resources: { limits: { 'amd.com/gpu': String(gpus) } },
        },
      ],
      ...(extra.spec ?? {}),
    },
  });

  it('labels and taints the fleet like the AMD GPU operator', async () => {
    const nodes = await h.core.listNode({ labelSelector: 'gpu-type=mi355x' });
    expect(nodes.items).toHaveLength(2);
    const node = nodes.items[0];
    expect(node.metadata?.labels).toMatchObject({
      'amd.com/gpu.product-name': 'AMD_Instinct_MI355X',
      'amd.com/gpu.vram': '288G',
      'amd.com/gpu': 'true',
      'workload-type': 'inference',
      'node-role.kubernetes.io/worker': '',
    });
    expect(node.spec?.taints).toEqual([
      { key: 'amd.com/gpu', value: 'true', effect: 'NoSchedule' },
    ]);
    expect(node.status?.capacity?.['amd.com/gpu']).toBe('8');
    expect(node.status?.allocatable?.['amd.com/gpu']).toBe('8');
    expect(
      (await h.core.listNode({ labelSelector: 'gpu-type=mi300x' })).items[0]
        .metadata?.labels?.['amd.com/gpu.vram'],
    ).toBe('192G');
    expect((await h.core.listNode()).items).toHaveLength(6);
  });

  it('places GPU pods on the requested pool via nodeSelector and required node affinity', async () => {
    await h.core.createNamespacedPod({
      namespace: 'sched',
      body: gpuPod('sel', 4, {
        spec: { nodeSelector: { 'gpu-type': 'mi300x' } },
      }),
    });
    await h.core.createNamespacedPod({
      namespace: 'sched',
      body: gpuPod('aff', 2, {
        spec: {
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [
                  {
                    matchExpressions: [
                      {
                        key: 'amd.com/gpu.product-name',
                        operator: 'In',
                        values: ['AMD_Instinct_MI355X'],
                      },
                      {
                        key: 'workload-type',
                        operator: 'NotIn',
                        values: ['blueprint'],
                      },
                      { key: 'amd.com/gpu', operator: 'Exists' },
                    ],
                  },
                ],
              },
            },
          },
        },
      }),
    });
    const sel = await waitFor(async () => {
      const p = await h.core.readNamespacedPod({
        name: 'sel',
        namespace: 'sched',
      });
      return p.status?.phase === 'Running' ? p : undefined;
    }, 'sel to run');
    expect(sel.spec?.nodeName).toMatch(/^gpu-mi300x-/);
    expect(
      sel.metadata?.annotations?.['kube-sim.genai.io/gpu-ids']?.split(','),
    ).toHaveLength(4);
    expect(
      sel.status?.conditions?.find(c => c.type === 'PodScheduled')?.status,
    ).toBe('True');
    expect(sel.status?.containerStatuses?.[0]).toMatchObject({
      ready: true,
      started: true,
      restartCount: 0,
    });
    expect(
      sel.status?.containerStatuses?.[0].state?.running?.startedAt,
    ).toBeInstanceOf(Date);
    expect(sel.status?.startTime).toBeInstanceOf(Date);
    const aff = await waitFor(async () => {
      const p = await h.core.readNamespacedPod({
        name: 'aff',
        namespace: 'sched',
      });
      return p.spec?.nodeName ? p : undefined;
    }, 'aff to bind');
    expect(aff.spec?.nodeName).toMatch(/^gpu-mi355x-/);
  });

  it('keeps GPU pods without a toleration off tainted nodes and leaves a 9-GPU pod Pending with FailedScheduling', async () => {
    await h.core.createNamespacedPod({
      namespace: 'sched',
      body: {
        metadata: { name: 'nine' },
        spec: {
          tolerations: [{ key: 'amd.com/gpu', operator: 'Exists' }],
          containers: [
            {
              name: 'main',
              image: 'x:1',
              resources: { limits: { 'amd.com/gpu': '9' } },
            },
          ],
        },
      },
    });
    const pending = await waitFor(async () => {
      const p = await h.core.readNamespacedPod({
        name: 'nine',
        namespace: 'sched',
      });
      return p.status?.conditions?.find(
        c => c.type === 'PodScheduled' && c.status === 'False',
      )
        ? p
        : undefined;
    }, 'an Unschedulable condition');
    expect(pending.status?.phase).toBe('Pending');
    const condition = pending.status!.conditions!.find(
      c => c.type === 'PodScheduled',
    )!;
    expect(condition.reason).toBe('Unschedulable');
    expect(condition.message).toBe(
      '0/6 nodes are available: 6 Insufficient amd.com/gpu.',
    );
    const events = await h.core.listNamespacedEvent({
      namespace: 'sched',
      fieldSelector: 'involvedObject.name=nine,reason=FailedScheduling',
    });
    expect(events.items[0]).toMatchObject({
      type: 'Warning',
      message: condition.message,
      source: { component: 'default-scheduler' },
    });

    await h.core.createNamespacedPod({
      namespace: 'sched',
      body: {
        metadata: { name: 'pool-too-big' },
        spec: {
          nodeSelector: { 'gpu-type': 'mi355x' },
          tolerations: [{ key: 'amd.com/gpu', operator: 'Exists' }],
          containers: [
            {
              name: 'main',
              image: 'x:1',
              resources: { limits: { 'amd.com/gpu': '9' } },
            },
          ],
        },
      },
    });
    const message = await waitFor(async () => {
      const p = await h.core.readNamespacedPod({
        name: 'pool-too-big',
        namespace: 'sched',
      });
      return p.status?.conditions?.find(c => c.type === 'PodScheduled')
        ?.message;
    }, 'FailedScheduling for pool-too-big');
    expect(message).toBe(
      "0/6 nodes are available: 2 Insufficient amd.com/gpu, 4 node(s) didn't match Pod's node affinity/selector.",
    );

    await h.core.createNamespacedPod({
      namespace: 'sched',
      body: {
        metadata: { name: 'no-toleration' },
        spec: {
          nodeSelector: { 'gpu-type': 'mi300x' },
          containers: [
            {
              name: 'main',
              image: 'x:1',
              resources: { limits: { 'amd.com/gpu': '1' } },
            },
          ],
        },
      },
    });
    const taintMessage = await waitFor(async () => {
      const p = await h.core.readNamespacedPod({
        name: 'no-toleration',
        namespace: 'sched',
      });
      return p.status?.conditions?.find(c => c.type === 'PodScheduled')
        ?.message;
    }, 'FailedScheduling for no-toleration');
    // Taints are checked before affinity, as in the default plugin order.
    expect(taintMessage).toBe(
      "0/6 nodes are available: 2 node(s) didn't match Pod's node affinity/selector, 4 node(s) had untolerated taint {amd.com/gpu: true}.",
    );
  });

  it('retries a pending pod when GPUs free up', async () => {
    await createNamespace(h, 'retry');
    for (const n of ['a', 'b']) {
      await h.core.createNamespacedPod({
        namespace: 'retry',
        body: gpuPod(`hog-${n}`, 8, {
          spec: { nodeSelector: { 'gpu-type': 'mi300x' } },
        }),
      });
    }
    await h.core.createNamespacedPod({
      namespace: 'retry',
      body: gpuPod('waiter', 8, {
        spec: { nodeSelector: { 'gpu-type': 'mi300x' } },
      }),
    });
    // 'sel' already holds 4 GPUs on one mi300x node, so only one hog fits.
    await waitFor(async () => {
      const p = await h.core.readNamespacedPod({
        name: 'waiter',
        namespace: 'retry',
      });
      return p.status?.conditions?.some(c => c.reason === 'Unschedulable');
    }, 'waiter to be unschedulable');
    await h.core.deleteNamespacedPod({ name: 'sel', namespace: 'sched' });
    const pods = await waitFor(async () => {
      const list = await h.core.listNamespacedPod({
        namespace: 'retry',
        fieldSelector: 'status.phase=Running',
      });
      return list.items.length === 2 ? list.items : undefined;
    }, 'two of three 8-GPU pods running');
    expect(new Set(pods.map(p => p.spec?.nodeName)).size).toBe(2);
  });

  it('reports ImagePullBackOff for images that do not exist', async () => {
    await h.core.createNamespacedPod({
      namespace: 'sched',
      body: {
        metadata: { name: 'pull' },
        spec: {
          containers: [{ name: 'main', image: 'genai/does-not-exist:1' }],
        },
      },
    });
    const pod = await waitFor(async () => {
      const p = await h.core.readNamespacedPod({
        name: 'pull',
        namespace: 'sched',
      });
      return p.status?.containerStatuses?.[0].state?.waiting?.reason ===
        'ImagePullBackOff'
        ? p
        : undefined;
    }, 'ImagePullBackOff');
    expect(pod.status?.phase).toBe('Pending');
    const events = await h.core.listNamespacedEvent({
      namespace: 'sched',
      fieldSelector: 'involvedObject.name=pull,reason=Failed',
    });
    expect(events.items.map(e => e.message)).toEqual(
      expect.arrayContaining([
        'Error: ErrImagePull',
        'Error: ImagePullBackOff',
      ]),
    );
  });
});

describe('scheduler profiles', () => {
  const placements = async (
    profile?: 'LowNodeUtilization' | 'HighNodeUtilization',
  ) => {
    const h = await startHarness({
      fleet: {
        schedulerProfile: profile,
        nodePools: [{ name: 'gpu', count: 3, gpu: 'mi300x' }],
      },
    });
    try {
      await createNamespace(h, 'p');
      for (const name of ['a', 'b', 'c']) {
        await h.core.createNamespacedPod({
          namespace: 'p',
          body: {
            metadata: { name },
            spec: {
              containers: [
                {
                  name: 'main',
                  image: 'rocm/pytorch:latest',
                  resources: {
                    requests: { cpu: '8', memory: '64Gi' },
                    limits: { 'amd.com/gpu': '1' },
                  },
                },
              ],
            },
          },
        });
        await waitFor(async () => {
          const pod = await h.core.readNamespacedPod({ name, namespace: 'p' });
          return pod.spec?.nodeName;
        }, `pod ${name} to be bound`);
      }
      const pods = await h.core.listNamespacedPod({ namespace: 'p' });
      return new Set(pods.items.map(p => p.spec?.nodeName));
    } finally {
      await h.sim.close();
    }
  };

  it('spreads pods by default and packs them with HighNodeUtilization', async () => {
    expect((await placements()).size).toBe(3);
    expect((await placements('LowNodeUtilization')).size).toBe(3);
    expect((await placements('HighNodeUtilization')).size).toBe(1);
  });
});
