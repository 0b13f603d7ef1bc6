import {
  PatchStrategy,
  setHeaderOptions,
  Watch,
} from '@kubernetes/client-node';
import {
  createNamespace,
  failure,
  gpuJob,
  Harness,
  startHarness,
  waitFor,
} from '../testing/harness';

const QUOTA_MESSAGE =
  'exceeded quota: quota, requested: requests.amd.com/gpu=8, used: requests.amd.com/gpu=8, limited: requests.amd.com/gpu=8';

describe('Jobs, quota and the job controller', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ timeScale: 20 });
  });
  afterAll(() => h.sim.close());

  const jobCondition = async (ns: string, name: string, type: string) => {
    const job = await h.batch.readNamespacedJob({ name, namespace: ns });
    return job.status?.conditions?.some(
      c => c.type === type && c.status === 'True',
    )
      ? job
      : undefined;
  };

  it("runs one 8-GPU job within quota and refuses the second job's pod with FailedCreate", async () => {
    await createNamespace(h, 'team-a', { 'requests.amd.com/gpu': '8' });
    await h.batch.createNamespacedJob({
      namespace: 'team-a',
      body: gpuJob('first', { seconds: 1000 }),
    });
    const running = await waitFor(async () => {
      const pods = await h.core.listNamespacedPod({
        namespace: 'team-a',
        labelSelector: 'job-name=first',
      });
      return pods.items.find(p => p.status?.phase === 'Running');
    }, 'the first job to run');
    expect(running.spec?.nodeName).toMatch(/^gpu-mi355x-/);
    expect(running.metadata?.labels?.['batch.kubernetes.io/job-name']).toBe(
      'first',
    );
    expect(running.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: 'Job',
      name: 'first',
      controller: true,
    });

    // The second Job is admitted; its controller's pod creation is refused by quota.
    const second = await h.batch.createNamespacedJob({
      namespace: 'team-a',
      body: gpuJob('second', { seconds: 1 }),
    });
    expect(second.metadata?.name).toBe('second');
    const event = await waitFor(async () => {
      const events = await h.core.listNamespacedEvent({
        namespace: 'team-a',
        fieldSelector: `involvedObject.kind=Job,involvedObject.name=second,reason=FailedCreate`,
      });
      return events.items[0];
    }, 'a FailedCreate event');
    expect(event.type).toBe('Warning');
    expect(event.source?.component).toBe('job-controller');
    expect(event.message).toMatch(
      /^Error creating: pods "second-[a-z0-9]{5}" is forbidden: /,
    );
    expect(event.message).toContain(QUOTA_MESSAGE);
    const pods = await h.core.listNamespacedPod({
      namespace: 'team-a',
      labelSelector: 'job-name=second',
    });
    expect(pods.items).toHaveLength(0);
    expect(
      (await h.batch.readNamespacedJob({ name: 'second', namespace: 'team-a' }))
        .status?.active,
    ).toBeUndefined();

    const quota = await h.core.readNamespacedResourceQuota({
      name: 'quota',
      namespace: 'team-a',
    });
    expect(quota.status).toEqual({
      hard: { 'requests.amd.com/gpu': '8' },
      used: { 'requests.amd.com/gpu': '8' },
    });

    // A pod created directly is refused with 403 and the same message.
    const direct = await failure(
      h.core.createNamespacedPod({
        namespace: 'team-a',
        body: {
          metadata: { name: 'direct' },
          spec: {
            containers: [
              {
                name: 'c',
                image: 'x:1',
                resources: { limits: { 'amd.com/gpu': '8' } },
              },
            ],
          },
        },
      }),
    );
    expect(direct.code).toBe(403);
    expect(direct.body).toMatchObject({
      reason: 'Forbidden',
      message: `pods "direct" is forbidden: ${QUOTA_MESSAGE}`,
      details: { name: 'direct', kind: 'pods' },
    });

    // When the first job goes, quota frees and the second job's pod is created.
    await h.batch.deleteNamespacedJob({
      name: 'first',
      namespace: 'team-a',
      propagationPolicy: 'Foreground',
    });
    await waitFor(
      () => jobCondition('team-a', 'second', 'Complete'),
      'the second job to complete',
    );
  });

  it('takes a job from Pending through Running to Complete with times, watched by a Watch', async () => {
    await createNamespace(h, 'life');
    const events: Array<[string, any]> = [];
    let stop = () => {};
    const watch = new Watch(h.kc);
    const done = new Promise<unknown>(resolve => {
      void watch
        .watch(
          '/apis/batch/v1/namespaces/life/jobs',
          { allowWatchBookmarks: true },
          (type, obj) => events.push([type, obj]),
          resolve,
        )
        .then(controller => {
          stop = () => controller.abort();
        });
    });
    const podPhases = new Set<string>();
    const podWatch = await new Watch(h.kc).watch(
      '/api/v1/namespaces/life/pods',
      {},
      (_type, pod) => podPhases.add(pod.status?.phase),
      () => {},
    );

    await h.batch.createNamespacedJob({
      namespace: 'life',
      body: gpuJob('train', { seconds: 4, pool: 'mi300x' }),
    });
    const job = await waitFor(
      () => jobCondition('life', 'train', 'Complete'),
      'completion',
    );
    expect(job.status?.succeeded).toBe(1);
    expect(job.status?.startTime).toBeInstanceOf(Date);
    expect(job.status?.completionTime).toBeInstanceOf(Date);
    expect(job.status?.conditions?.map(c => c.type)).toEqual([
      'SuccessCriteriaMet',
      'Complete',
    ]);
    const pod = (
      await h.core.listNamespacedPod({
        namespace: 'life',
        labelSelector: 'job-name=train',
      })
    ).items[0];
    expect(pod.spec?.nodeName).toMatch(/^gpu-mi300x-/);
    expect(pod.status?.phase).toBe('Succeeded');
    expect(pod.status?.containerStatuses?.[0].state?.terminated).toMatchObject({
      exitCode: 0,
      reason: 'Completed',
    });
    expect(pod.metadata?.annotations?.['kube-sim.genai.io/gpu-ids']).toBe(
      '0,1,2,3,4,5,6,7',
    );
    expect([...podPhases]).toEqual(
      expect.arrayContaining(['Pending', 'Running', 'Succeeded']),
    );

    await waitFor(
      () =>
        events.some(([, o]) =>
          o.status?.conditions?.some((c: any) => c.type === 'Complete'),
        ),
      'the watch to see Complete',
    );
    stop();
    podWatch.abort();
    await done;
    expect(events[0][0]).toBe('ADDED');
    expect(
      events.slice(1).every(([t]) => t === 'MODIFIED' || t === 'BOOKMARK'),
    ).toBe(true);
    const rvs = events
      .filter(([t]) => t === 'MODIFIED')
      .map(([, o]) => Number(o.metadata.resourceVersion));
    expect(rvs).toEqual([...rvs].sort((a, b) => a - b));
  });

  it('fails a job with BackoffLimitExceeded after recreating failed pods', async () => {
    await createNamespace(h, 'flaky');
    await h.batch.createNamespacedJob({
      namespace: 'flaky',
      body: gpuJob('crash', {
        seconds: 1,
        exit: 'fail',
        backoffLimit: 1,
        gpus: 1,
      }),
    });
    const job = await waitFor(
      () => jobCondition('flaky', 'crash', 'Failed'),
      'failure',
      15_000,
    );
    expect(job.status?.failed).toBe(2);
    const failed = job.status?.conditions?.find(c => c.type === 'Failed');
    expect(failed).toMatchObject({
      reason: 'BackoffLimitExceeded',
      message: 'Job has reached the specified backoff limit',
    });
    const pods = await h.core.listNamespacedPod({
      namespace: 'flaky',
      labelSelector: 'job-name=crash',
    });
    expect(pods.items).toHaveLength(2);
    expect(
      pods.items.every(
        p =>
          p.status?.containerStatuses?.[0].state?.terminated?.reason ===
          'Error',
      ),
    ).toBe(true);
  });

  it('fails a job with DeadlineExceeded and reports OOMKilled pods', async () => {
    await createNamespace(h, 'slow');
    await h.batch.createNamespacedJob({
      namespace: 'slow',
      body: gpuJob('forever', { gpus: 1, deadline: 3 }),
    });
    const job = await waitFor(
      () => jobCondition('slow', 'forever', 'Failed'),
      'deadline',
    );
    expect(job.status?.conditions?.find(c => c.type === 'Failed')?.reason).toBe(
      'DeadlineExceeded',
    );
    await waitFor(
      async () =>
        (await h.core.listNamespacedPod({ namespace: 'slow' })).items.length ===
        0,
      'the pod to be deleted',
    );

    await h.batch.createNamespacedJob({
      namespace: 'slow',
      body: gpuJob('oom', { gpus: 1, seconds: 1, exit: 'oom' }),
    });
    const oomPod = await waitFor(async () => {
      const pods = await h.core.listNamespacedPod({
        namespace: 'slow',
        labelSelector: 'job-name=oom',
      });
      return pods.items.find(p => p.status?.phase === 'Failed');
    }, 'the OOM kill');
    expect(
      oomPod.status?.containerStatuses?.[0].state?.terminated,
    ).toMatchObject({ reason: 'OOMKilled', exitCode: 137 });
  });

  it('runs Indexed jobs in parallel, honours suspend and ttlSecondsAfterFinished', async () => {
    await createNamespace(h, 'batchy');
    const body: any = gpuJob('indexed', { gpus: 1, seconds: 2 });
    body.spec.completionMode = 'Indexed';
    body.spec.completions = 3;
    body.spec.parallelism = 2;
    body.spec.ttlSecondsAfterFinished = 2;
    await h.batch.createNamespacedJob({ namespace: 'batchy', body });
    const pods = await waitFor(async () => {
      const list = await h.core.listNamespacedPod({
        namespace: 'batchy',
        labelSelector: 'job-name=indexed',
      });
      return list.items.length >= 2 ? list.items : undefined;
    }, 'indexed pods');
    const indexes = pods
      .map(
        p =>
          p.metadata?.annotations?.['batch.kubernetes.io/job-completion-index'],
      )
      .sort();
    expect(indexes.slice(0, 2)).toEqual(['0', '1']);
    expect(pods[0].spec?.containers[0].env?.[0].name).toBe(
      'JOB_COMPLETION_INDEX',
    );
    const job = await waitFor(
      () => jobCondition('batchy', 'indexed', 'Complete'),
      'indexed completion',
    );
    expect(job.status?.completedIndexes).toBe('0-2');
    // ttlSecondsAfterFinished removes the job and its pods.
    await waitFor(
      async () =>
        (
          await failure(
            h.batch.readNamespacedJob({ name: 'indexed', namespace: 'batchy' }),
          )
        ).code === 404,
      'TTL deletion',
    );
    await waitFor(
      async () =>
        (
          await h.core.listNamespacedPod({ namespace: 'batchy' })
        ).items.length === 0,
      'pods deleted',
    );

    const suspended: any = gpuJob('later', { gpus: 1, seconds: 1 });
    suspended.spec.suspend = true;
    await h.batch.createNamespacedJob({ namespace: 'batchy', body: suspended });
    await waitFor(
      () => jobCondition('batchy', 'later', 'Suspended'),
      'suspension',
    );
    expect(
      (await h.core.listNamespacedPod({ namespace: 'batchy' })).items,
    ).toHaveLength(0);
    await h.batch.patchNamespacedJob(
      {
        name: 'later',
        namespace: 'batchy',
        body: { spec: { suspend: false } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await waitFor(
      () => jobCondition('batchy', 'later', 'Complete'),
      'completion after resume',
    );
  });

  it("orphans a job's pods by default on API delete, and deletes them with Background propagation", async () => {
    await createNamespace(h, 'gc');
    await h.batch.createNamespacedJob({
      namespace: 'gc',
      body: gpuJob('keep', { gpus: 1 }),
    });
    await waitFor(
      async () =>
        (await h.core.listNamespacedPod({ namespace: 'gc' })).items.length ===
        1,
      'a pod',
    );
    await h.batch.deleteNamespacedJob({ name: 'keep', namespace: 'gc' });
    const orphan = (await h.core.listNamespacedPod({ namespace: 'gc' }))
      .items[0];
    expect(orphan.metadata?.ownerReferences).toBeUndefined();
    await h.batch.createNamespacedJob({
      namespace: 'gc',
      body: gpuJob('drop', { gpus: 1 }),
    });
    await waitFor(
      async () =>
        (
          await h.core.listNamespacedPod({
            namespace: 'gc',
            labelSelector: 'job-name=drop',
          })
        ).items.length === 1,
      'a pod',
    );
    await h.batch.deleteNamespacedJob({
      name: 'drop',
      namespace: 'gc',
      propagationPolicy: 'Background',
    });
    await waitFor(
      async () =>
        (
          await h.core.listNamespacedPod({
            namespace: 'gc',
            labelSelector: 'job-name=drop',
          })
        ).items.length === 0,
      'dependent pods deleted',
    );
  });
});
