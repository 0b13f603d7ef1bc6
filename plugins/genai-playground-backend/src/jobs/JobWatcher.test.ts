import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import {
  submitJobRequestSchema,
  type SubmitJobRequest,
} from '@genai-portal/plugin-genai-playground-common';
import { startKubeSim, type KubeSim } from '@genai-portal/kube-sim';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { createRequest, MARCO } from '../__testUtils__/harness';
import {
  createJobServices,
  podsOf,
  simBatchApis,
  startWatcher,
  TRAINER_IMAGE,
  waitFor,
} from '../__testUtils__/jobs';
import { jobManifest, kubernetesJobName } from './manifests';

jest.setTimeout(90_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const marco = { credentials: mockCredentials.user(MARCO) };

let sim: KubeSim;
let counter = 0;
const unique = (base: string) => `${base}-${++counter}`;

beforeAll(async () => {
  sim = await startKubeSim({ port: 0, tickMs: 25, timeScale: 20 });
});
afterAll(() => sim.close());

const RUN = (seconds: number, exit = 'succeed') => [
  { name: 'KUBE_SIM_RUN_SECONDS', value: String(seconds) },
  { name: 'KUBE_SIM_EXIT', value: exit },
];

async function setup(
  options: Partial<Parameters<typeof createJobServices>[0]> = {},
) {
  const s = await createJobServices({
    sim,
    knex: await databases.init('SQLITE_3'),
    ...options,
  });
  const env = await s.environments.create(
    createRequest({ name: unique('w'), gpus: 8, cpu: 64, memoryGi: 512 }),
    marco,
  );
  const submit = async (request: Omit<SubmitJobRequest, 'environment'>) =>
    (
      await s.jobs.submit(
        submitJobRequestSchema.parse({ environment: env.id, ...request }),
        marco,
      )
    ).job;
  const ended = (id: string, timeoutMs = 20_000) =>
    waitFor(async () => {
      const job = await s.jobStore.get(id);
      return job && ['Succeeded', 'Failed', 'Cancelled'].includes(job.status)
        ? job
        : undefined;
    }, timeoutMs);
  return { ...s, env, submit, ended };
}

describe('JobWatcher', () => {
  it.each([
    [
      'OOMKilled',
      { env: RUN(5, 'oom') },
      /^pod bp-\w+-\w+: container main ran out of memory and was killed \(OOMKilled, exit code 137\); the Job failed: BackoffLimitExceeded/,
    ],
    [
      'Error',
      { env: RUN(2, 'fail'), retries: 1 },
      /^pod bp-\w+-\w+: container main exited with code 1 \(Error\); the Job failed: BackoffLimitExceeded/,
    ],
    [
      'ImagePullBackOff',
      { env: RUN(5, 'image-pull-backoff'), maxRuntimeHours: 0.005 },
      /ImagePullBackOff.*; the Job failed: DeadlineExceeded/,
    ],
    [
      'DeadlineExceeded',
      { env: RUN(5000), maxRuntimeHours: 0.005 },
      /^the Job failed: DeadlineExceeded \(Job was active longer than specified deadline\)$/,
    ],
  ])('records the failure reason %s', async (reason, request, message) => {
    const s = await setup();
    const watcher = startWatcher(s.watcher);
    try {
      const job = await s.submit({
        image: TRAINER_IMAGE,
        gpus: 2,
        ...request,
      });
      const failed = await s.ended(job.id);
      expect(failed).toMatchObject({ status: 'Failed', reason });
      expect(failed.statusMessage).toMatch(message);
      const timeline = await s.jobStore.listTimeline(job.id);
      expect(timeline[timeline.length - 1]).toMatchObject({
        status: 'Failed',
        reason,
      });
    } finally {
      await watcher.stop();
    }
  });

  it("shows a quota refusal of the Job's pods (a FailedCreate event) as the job's reason", async () => {
    const s = await setup();
    // A Job the quota admits but whose pods it refuses: more GPUs than the environment holds,
    // as when something else took the quota after the pre-flight.
    const id = unique('jquota').replace(/-/g, '');
    const record = {
      id,
      name: 'too-big',
      environmentId: s.env.id,
      namespace: s.env.namespace,
      cluster: 'kube-sim',
      team: s.env.team,
      owner: MARCO,
      costCenter: s.env.costCenter,
      gpuPool: 'mi300x' as const,
      kubernetesName: kubernetesJobName(id),
      image: TRAINER_IMAGE,
      env: RUN(10),
      gpus: 8,
      pods: 2,
      cpu: 8,
      memoryGi: 64,
      maxRuntimeHours: 1,
      retries: 0,
      status: 'Pending' as const,
      submittedAt: new Date().toISOString(),
    };
    await s.jobStore.insert(record, {
      at: record.submittedAt,
      status: 'Pending',
    });
    const { batch } = simBatchApis(sim);
    const created = await batch.createNamespacedJob({
      namespace: s.env.namespace,
      body: jobManifest(record, s.env, s.jobsConfig),
    });
    await s.jobStore.markCreated(
      id,
      created.metadata!.uid!,
      record.submittedAt,
    );

    const watcher = startWatcher(s.watcher);
    try {
      const waiting = await waitFor(async () => {
        const job = await s.jobStore.get(id);
        return job?.reason === 'ExceededQuota' ? job : undefined;
      });
      // One pod fits the quota (pending or running by now); the other is refused.
      expect(['Pending', 'Running']).toContain(waiting.status);
      expect(waiting.statusMessage).toMatch(
        /^the environment's quota refused the job's pods: exceeded quota genai-playground-quota: requested requests.amd.com\/gpu=8, used requests.amd.com\/gpu=8, limited requests.amd.com\/gpu=8$/,
      );
      const details = await s.jobs.get(id, marco);
      expect(details.events).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            type: 'Warning',
            reason: 'FailedCreate',
            object: `Job/${record.kubernetesName}`,
          }),
        ]),
      );
    } finally {
      await watcher.stop();
    }
  });

  it('runs several pods as an Indexed Job and counts GPU-seconds for all of them', async () => {
    const s = await setup();
    const watcher = startWatcher(s.watcher);
    try {
      const job = await s.submit({
        image: TRAINER_IMAGE,
        gpus: 4,
        pods: 2,
        env: RUN(30),
      });
      const { batch } = simBatchApis(sim);
      const k8s = await batch.readNamespacedJob({
        namespace: s.env.namespace,
        name: job.kubernetesName,
      });
      expect(k8s.spec).toMatchObject({
        completionMode: 'Indexed',
        completions: 2,
        parallelism: 2,
      });
      const done = await s.ended(job.id);
      expect(done.status).toBe('Succeeded');
      const seconds =
        (Date.parse(done.finishedAt!) - Date.parse(done.startedAt!)) / 1000;
      expect(done.gpuSeconds).toBeCloseTo(seconds * 8, 2);
      const details = await s.jobs.get(job.id, marco);
      expect(details.podDetails.map(p => p.index)).toEqual([0, 1]);
    } finally {
      await watcher.stop();
    }
  });

  it('submits to a Kueue queue suspended, and follows the Job once Kueue admits it', async () => {
    const s = await setup();
    const watcher = startWatcher(s.watcher);
    try {
      const job = await s.submit({
        image: TRAINER_IMAGE,
        gpus: 1,
        queue: 'team-queue',
        env: RUN(10),
      });
      const { batch } = simBatchApis(sim);
      const k8s = await batch.readNamespacedJob({
        namespace: s.env.namespace,
        name: job.kubernetesName,
      });
      expect(k8s.spec?.suspend).toBe(true);
      expect(k8s.metadata?.labels?.['kueue.x-k8s.io/queue-name']).toBe(
        'team-queue',
      );
      await waitFor(async () => {
        const record = await s.jobStore.get(job.id);
        return record?.reason === 'Suspended';
      });
      expect((await s.jobStore.get(job.id))?.statusMessage).toBe(
        'suspended: waiting for Kueue to admit it from queue team-queue',
      );
      // What Kueue does when it admits the workload.
      await batch.patchNamespacedJob(
        {
          namespace: s.env.namespace,
          name: job.kubernetesName,
          body: { spec: { suspend: false } },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      expect((await s.ended(job.id)).status).toBe('Succeeded');
    } finally {
      await watcher.stop();
    }
  });

  it('fails a job whose Job was deleted behind its back', async () => {
    const s = await setup();
    const watcher = startWatcher(s.watcher);
    try {
      const job = await s.submit({
        image: TRAINER_IMAGE,
        gpus: 1,
        env: RUN(5000),
      });
      await waitFor(
        async () => (await s.jobStore.get(job.id))?.status === 'Running',
      );
      const { batch } = simBatchApis(sim);
      await batch.deleteNamespacedJob({
        namespace: s.env.namespace,
        name: job.kubernetesName,
        propagationPolicy: 'Background',
      });
      const failed = await s.ended(job.id);
      expect(failed).toMatchObject({ status: 'Failed', reason: 'JobDeleted' });
      expect(failed.gpuSeconds).toBeGreaterThan(0);
      await waitFor(
        async () => (await podsOf(sim, s.env.namespace, job.id)).length === 0,
      );
    } finally {
      await watcher.stop();
    }
  });

  it("believes only pods the job's own Job made, not forged ones with its labels", async () => {
    const s = await setup();
    const { core } = simBatchApis(sim);
    const watcher = startWatcher(s.watcher);
    try {
      // A job that waits (its image cannot be pulled): nothing of it runs.
      const job = await s.submit({
        image: TRAINER_IMAGE,
        gpus: 1,
        env: RUN(5, 'image-pull-backoff'),
      });
      await waitFor(async () => {
        const record = await s.jobStore.get(job.id);
        return record?.reason === 'ImagePullBackOff';
      });
      // Someone who may create pods (in a namespace of their own, or a teammate in the job's
      // namespace) makes running pods with the job's labels.
      const forged = (name: string, ownerUid?: string) => ({
        metadata: {
          name,
          labels: {
            'app.kubernetes.io/managed-by': 'genai-playground-portal',
            'genai-playground.io/job-id': job.id,
            'batch.kubernetes.io/job-name': job.kubernetesName,
            'job-name': job.kubernetesName,
          },
          ...(ownerUid
            ? {
                ownerReferences: [
                  {
                    apiVersion: 'batch/v1',
                    kind: 'Job',
                    name: job.kubernetesName,
                    uid: ownerUid,
                  },
                ],
              }
            : {}),
        },
        spec: {
          containers: [{ name: 'main', image: TRAINER_IMAGE, env: RUN(5000) }],
        },
      });
      const elsewhere = unique('attacker');
      await core.createNamespace({ body: { metadata: { name: elsewhere } } });
      const k8sJob = await simBatchApis(sim).batch.readNamespacedJob({
        namespace: s.env.namespace,
        name: job.kubernetesName,
      });
      const made = [
        // Another namespace (an owner reference to the real Job there would have the garbage
        // collector delete the pod: owners are in the same namespace).
        await core.createNamespacedPod({
          namespace: elsewhere,
          body: forged(`${job.kubernetesName}-x1`),
        }),
        // The job's own namespace, the Job named as an owner but not as its controller.
        await core.createNamespacedPod({
          namespace: s.env.namespace,
          body: forged(`${job.kubernetesName}-x2`, k8sJob.metadata!.uid),
        }),
      ];
      await waitFor(async () => {
        const phases = await Promise.all(
          made.map(p =>
            core.readNamespacedPod({
              namespace: p.metadata!.namespace!,
              name: p.metadata!.name!,
            }),
          ),
        );
        return phases.every(p => p.status?.phase === 'Running');
      });
      // Several resyncs (every second) and the watch events of the forged pods go by.
      await new Promise(r => setTimeout(r, 2500));
      await s.watcher.idle();
      const record = await s.jobStore.get(job.id);
      expect(record).toMatchObject({
        status: 'Pending',
        reason: 'ImagePullBackOff',
      });
      expect(record?.startedAt).toBeUndefined();
      const details = await s.jobs.get(job.id, marco);
      expect(details.podDetails.map(p => p.name)).not.toContain(
        `${job.kubernetesName}-x1`,
      );
      expect(details.podDetails.map(p => p.name)).not.toContain(
        `${job.kubernetesName}-x2`,
      );
      expect(details.podDetails).toHaveLength(1);
      expect(details.status).toBe('Pending');
      // Nor are their logs the job's.
      await expect(
        s.jobs.logs(job.id, { pod: `${job.kubernetesName}-x2` }, marco),
      ).rejects.toThrow(`job ${job.id} has no pod ${job.kubernetesName}-x2`);
    } finally {
      await watcher.stop();
    }
  });
});

describe('JobWatcher on a cluster with a short watch history', () => {
  let small: KubeSim;
  beforeAll(async () => {
    small = await startKubeSim({
      port: 0,
      tickMs: 25,
      timeScale: 20,
      historySize: 5,
      bookmarkIntervalMs: 600_000,
    });
  });
  afterAll(() => small.close());

  it('lists again after 410 Expired and keeps following jobs', async () => {
    const s = await createJobServices({
      sim: small,
      knex: await databases.init('SQLITE_3'),
      jobs: {
        watch: { sessionSeconds: 60, resyncSeconds: 30, timeoutSeconds: 1 },
      },
    });
    const env = await s.environments.create(
      createRequest({ name: 'short', gpus: 8, cpu: 64, memoryGi: 512 }),
      marco,
    );
    const watcher = startWatcher(s.watcher);
    try {
      // Enough changes the watches do not see for their resourceVersion to fall out of history.
      const { core } = simBatchApis(small);
      for (let i = 0; i < 20; i++) {
        await core.createNamespacedConfigMap({
          namespace: env.namespace,
          body: { metadata: { name: `noise-${i}` }, data: { i: String(i) } },
        });
      }
      await waitFor(
        () =>
          (s.logger.info as jest.Mock).mock.calls.some(([m]) =>
            /Job watch ended \(.*410.*\); listing again/.test(String(m)),
          ),
        10_000,
      );
      const { job } = await s.jobs.submit(
        submitJobRequestSchema.parse({
          environment: env.id,
          image: TRAINER_IMAGE,
          gpus: 1,
          // Long enough for whole-second Kubernetes timestamps to tell start from end.
          env: RUN(60),
        }),
        marco,
      );
      const done = await waitFor(async () => {
        const record = await s.jobStore.get(job.id);
        return record?.status === 'Succeeded' ? record : undefined;
      }, 20_000);
      expect(done.gpuSeconds).toBeGreaterThan(0);
    } finally {
      await watcher.stop();
    }
  });
});
