import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import {
  submitJobRequestSchema,
  type SubmitJobRequest,
} from '@genai-portal/plugin-genai-playground-common';
import { startKubeSim, type KubeSim } from '@genai-portal/kube-sim';
import { createRequest, LENA, MARCO, PRIYA } from '../__testUtils__/harness';
import {
  createJobServices,
  podsOf,
  simBatchApis,
  startWatcher,
  TRAINER_IMAGE,
  waitFor,
} from '../__testUtils__/jobs';

jest.setTimeout(90_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

let sim: KubeSim;
let counter = 0;
const unique = (base: string) => `${base}-${++counter}`;
const marco = { credentials: mockCredentials.user(MARCO) };

beforeAll(async () => {
  sim = await startKubeSim({ port: 0, tickMs: 25, timeScale: 20 });
});
afterAll(() => sim.close());

async function setup(
  options: Partial<Parameters<typeof createJobServices>[0]> = {},
) {
  const s = await createJobServices({
    sim,
    knex: await databases.init('SQLITE_3'),
    ...options,
  });
  /** A ready environment of ml-research with quota for `gpus` GPUs. */
  const environment = async (gpus = 8) =>
    s.environments.create(
      createRequest({ name: unique('env'), gpus, cpu: 64, memoryGi: 512 }),
      marco,
    );
  const submit = (request: SubmitJobRequest, who = marco) =>
    s.jobs.submit(submitJobRequestSchema.parse(request), who);
  return { ...s, environment, submit };
}

/** Waits until the job's record says `status` (the watcher, or a read, moves it). */
async function waitForStatus(
  s: Awaited<ReturnType<typeof setup>>,
  id: string,
  status: string,
  timeoutMs = 20_000,
) {
  return waitFor(async () => {
    const job = await s.jobStore.get(id);
    return job?.status === status ? job : undefined;
  }, timeoutMs);
}

const RUN = (seconds: number, exit = 'succeed') => [
  { name: 'KUBE_SIM_RUN_SECONDS', value: String(seconds) },
  { name: 'KUBE_SIM_EXIT', value: exit },
];

describe('JobService', () => {
  it('creates the Job as the platform requires and follows it to success with its GPU-seconds', async () => {
    const s = await setup();
    const env = await s.environment(8);
    const watcher = startWatcher(s.watcher);
    try {
      const { job, created } = await s.submit({
        environment: env.id,
        name: 'llama-lora',
        image: TRAINER_IMAGE,
        command: ['python', 'train.py'],
        args: ['--epochs', '1'],
        env: [{ name: 'HF_HOME', value: '/tmp/hf' }, ...RUN(40)],
        gpus: 8,
        cpu: 16,
        memoryGi: 128,
        maxRuntimeHours: 1,
        retries: 2,
        priorityClass: 'genai-blueprint',
      });
      expect(created).toBe(true);
      expect(job).toMatchObject({
        status: 'Pending',
        environmentId: env.id,
        team: 'group:default/ml-research',
        owner: MARCO,
        costCenter: 'CC-2100',
        gpus: 8,
        pods: 1,
        kubernetesName: `bp-${job.id}`,
      });
      expect(job.statusMessage).toMatch(
        /admitted by the quota \(8 of 8 GPUs\)/,
      );

      const { batch } = simBatchApis(sim);
      const k8s = await batch.readNamespacedJob({
        namespace: env.namespace,
        name: job.kubernetesName,
      });
      expect(k8s.metadata?.labels).toMatchObject({
        'app.kubernetes.io/managed-by': 'genai-playground-portal',
        'app.kubernetes.io/component': 'blueprint-worker',
        'genai-playground.io/job-id': job.id,
        'genai-playground.io/team': 'ml-research',
        'genai-playground.io/environment': env.name,
        'genai-playground.io/owner': 'marco.rossi',
        'genai-playground.io/cost-center': 'CC-2100',
      });
      expect(k8s.spec).toMatchObject({
        backoffLimit: 2,
        activeDeadlineSeconds: 3600,
        ttlSecondsAfterFinished: 3600,
        completions: 1,
        parallelism: 1,
      });
      expect(k8s.spec?.suspend).toBeFalsy();
      // the pods carry the environment's classification, as its namespace does
      expect(k8s.spec!.template.metadata?.labels).toMatchObject({
        ...k8s.metadata?.labels,
        'security-level': env.securityLevel,
        'data-classification': env.dataClassification,
      });
      expect(env.securityLevel).toBeTruthy();
      expect(env.dataClassification).toBeTruthy();
      const pod = k8s.spec!.template.spec!;
      expect(pod.nodeSelector).toEqual({ 'gpu-type': 'mi300x' });
      expect(pod.tolerations).toEqual([
        { key: 'amd.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
      ]);
      expect(pod.priorityClassName).toBe('genai-blueprint');
      expect(pod.restartPolicy).toBe('Never');
      expect(pod.securityContext).toMatchObject({
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      const container = pod.containers[0];
      expect(container).toMatchObject({
        name: 'main',
        image: TRAINER_IMAGE,
        command: ['python', 'train.py'],
        args: ['--epochs', '1'],
        resources: {
          requests: { 'amd.com/gpu': '8', cpu: '16', memory: '128Gi' },
          limits: { 'amd.com/gpu': '8', cpu: '32', memory: '128Gi' },
        },
        securityContext: {
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          runAsNonRoot: true,
          capabilities: { drop: ['ALL'] },
        },
        volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
      });
      expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: {} }]);

      const running = await waitForStatus(s, job.id, 'Running');
      expect(running.startedAt).toBeDefined();
      const done = await waitForStatus(s, job.id, 'Succeeded');
      const seconds =
        (Date.parse(done.finishedAt!) - Date.parse(done.startedAt!)) / 1000;
      expect(done.gpuSeconds).toBeCloseTo(seconds * 8, 2);
      expect(done.gpuSeconds).toBeGreaterThan(0);
      expect(
        (await s.jobStore.listTimeline(job.id)).map(e => e.status),
      ).toEqual(['Pending', 'Running', 'Succeeded']);

      const details = await s.jobs.get(job.id, marco);
      expect(details.podDetails).toEqual([
        expect.objectContaining({ phase: 'Succeeded', reason: 'Completed' }),
      ]);
      expect(details.events.map(e => e.reason)).toEqual(
        expect.arrayContaining(['SuccessfulCreate', 'Completed']),
      );
      const logs = await s.jobs.logs(job.id, {}, marco);
      expect(logs.text).toMatch(/starting container main/);
      expect(logs.text).toMatch(/exiting with code 0/);
    } finally {
      await watcher.stop();
    }
  });

  it('refuses a job the quota cannot hold, naming the quota, and queues one the pool cannot place yet', async () => {
    const s = await setup();
    const env = await s.environment(8);
    const first = await s.submit({
      environment: env.id,
      image: TRAINER_IMAGE,
      gpus: 8,
      env: RUN(2000),
    });
    // The first job holds the quota even before its pod exists.
    await expect(
      s.submit({ environment: env.id, image: TRAINER_IMAGE, gpus: 8 }),
    ).rejects.toThrow(
      new InputError(
        `Invalid request: gpus: refused: the quota allows 8 GPUs (8 in use) in environment ${env.id} (ResourceQuota genai-playground-quota); this job asks for 8`,
      ),
    );
    await s.jobs.cancel(
      first.job.id,
      { propagationPolicy: 'Background' },
      marco,
    );

    // Fill the pool with pods that are not jobs, then submit: accepted, but queued.
    const { core } = simBatchApis(sim);
    const filler = unique('filler');
    await core.createNamespace({ body: { metadata: { name: filler } } });
    for (const i of [0, 1]) {
      await core.createNamespacedPod({
        namespace: filler,
        body: {
          metadata: { name: `hog-${i}` },
          spec: {
            nodeSelector: { 'gpu-type': 'mi300x' },
            tolerations: [{ key: 'amd.com/gpu', operator: 'Exists' }],
            containers: [
              {
                name: 'hog',
                image: 'hog',
                resources: {
                  requests: { 'amd.com/gpu': '8' },
                  limits: { 'amd.com/gpu': '8' },
                },
              },
            ],
          },
        },
      });
    }
    await waitFor(async () => {
      const pods = (await core.listNamespacedPod({ namespace: filler })).items;
      return pods.every(p => p.spec?.nodeName);
    });
    try {
      const queued = await s.submit({
        environment: env.id,
        image: TRAINER_IMAGE,
        gpus: 8,
        env: RUN(10),
      });
      expect(queued.job).toMatchObject({
        status: 'Pending',
        reason: 'Queued',
        statusMessage:
          'queued: waiting for 8 GPUs (pool mi300x has 0 of 16 free)',
      });
      const waiting = await waitFor(async () => {
        const job = await s.jobs.get(queued.job.id, marco);
        return job.reason === 'FailedScheduling' ? job : undefined;
      });
      expect(waiting.statusMessage).toMatch(
        /^waiting for GPUs: pod bp-.* cannot be scheduled: 0\/\d+ nodes are available/,
      );
      await core.deleteCollectionNamespacedPod({ namespace: filler });
      await waitFor(async () => {
        const job = await s.jobs.get(queued.job.id, marco);
        return job.status === 'Succeeded';
      }, 20_000);
      const timeline = (await s.jobStore.listTimeline(queued.job.id))
        .map(e => [e.status, e.reason])
        // "starting" (scheduled, pulling) shows when a read catches the pod in between
        .filter(([status, reason]) => status !== 'Pending' || reason);
      expect(timeline).toEqual([
        ['Pending', 'Queued'],
        ['Pending', 'FailedScheduling'],
        ['Running', undefined],
        ['Succeeded', undefined],
      ]);
    } finally {
      await core.deleteNamespace({ name: filler });
    }
  });

  it('turns a 403 exceeded quota from the cluster into a 400 naming quota, requested, used and limited', async () => {
    const s = await setup();
    const env = await s.environment(8);
    const { core } = simBatchApis(sim);
    // A merge patch, not read-then-replace: the quota controller may update status.used (and so
    // the resourceVersion) in between, and a stale replace is a 409 Conflict as in Kubernetes.
    await core.patchNamespacedResourceQuota(
      {
        namespace: env.namespace,
        name: 'genai-playground-quota',
        body: { spec: { hard: { 'count/jobs.batch': '0' } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await expect(
      s.submit({ environment: env.id, image: TRAINER_IMAGE, gpus: 1 }),
    ).rejects.toThrow(
      'Invalid request: gpus: refused by the cluster: exceeded quota genai-playground-quota: requested count/jobs.batch=1, used count/jobs.batch=0, limited count/jobs.batch=0',
    );
    // Nothing is left half made: no record, no Job.
    expect(await s.jobStore.list({ environmentId: env.id })).toEqual([]);
  });

  it('returns the same job for the same idempotency key, never two Jobs', async () => {
    const s = await setup();
    const env = await s.environment(8);
    const request = {
      environment: env.id,
      image: TRAINER_IMAGE,
      gpus: 2,
      idempotencyKey: unique('key'),
      env: RUN(1000),
    };
    const results = await Promise.all([
      s.submit(request),
      s.submit(request),
      s.submit(request),
    ]);
    const ids = new Set(results.map(r => r.job.id));
    expect(ids.size).toBe(1);
    expect(results.filter(r => r.created)).toHaveLength(1);
    const again = await s.submit(request);
    expect(again).toEqual({
      job: expect.objectContaining({ id: [...ids][0] }),
      created: false,
    });
    const { batch } = simBatchApis(sim);
    const k8sJobs = await batch.listNamespacedJob({
      namespace: env.namespace,
      labelSelector: 'genai-playground.io/job-id',
    });
    expect(k8sJobs.items).toHaveLength(1);
    await expect(s.submit({ ...request, gpus: 3 })).rejects.toThrow(
      ConflictError,
    );
  });

  it('finishes a submit the cluster never confirmed when the same key comes again', async () => {
    const s = await setup();
    const env = await s.environment(8);
    const key = unique('key');
    // A submit that stopped after recording the job but before creating the Job.
    const { job } = await s.submit({
      environment: env.id,
      image: TRAINER_IMAGE,
      gpus: 1,
      idempotencyKey: key,
      env: RUN(1000),
    });
    const { batch } = simBatchApis(sim);
    await batch.deleteNamespacedJob({
      namespace: env.namespace,
      name: job.kubernetesName,
    });
    const knex = (s.jobStore as any).db;
    await knex('jobs').where({ id: job.id }).update({ kubernetes_uid: null });

    const again = await s.submit({
      environment: env.id,
      image: TRAINER_IMAGE,
      gpus: 1,
      idempotencyKey: key,
      env: RUN(1000),
    });
    expect(again.job.id).toBe(job.id);
    expect((await s.jobStore.get(job.id))?.kubernetesUid).toBeDefined();
    await batch.readNamespacedJob({
      namespace: env.namespace,
      name: job.kubernetesName,
    });
  });

  it.each([
    [
      { environment: 'ml-research-nope' },
      InputError,
      /environment: there is no environment 'ml-research-nope'/,
    ],
    [
      { image: 'evil/miner:1' },
      InputError,
      /image: evil\/miner:1 is not from an allowed registry/,
    ],
    [
      { maxRuntimeHours: 25 },
      InputError,
      /maxRuntimeHours: 25 is above the maximum of 24 hours/,
    ],
    [
      { gpuPool: 'mi355x' },
      InputError,
      /gpuPool: jobs may run on mi300x; mi355x is not allowed here/,
    ],
    [{ pods: 5 }, InputError, /pods: a job may run at most 4 pods/],
    [{ retries: 4 }, InputError, /retries: at most 3/],
    [
      { priorityClass: 'system-cluster-critical' },
      InputError,
      /priorityClass: system-cluster-critical is not one of genai-blueprint/,
    ],
    [
      { gpus: 8, pods: 3 },
      InputError,
      /gpus: refused: the quota allows 8 GPUs \(0 in use\).*this job asks for 24 \(3 pods x 8\)/,
    ],
    [
      {
        env: [
          {
            name: 'HF_TOKEN',
            valueFrom: { secretKeyRef: { name: 'hf', key: 'token' } },
          },
        ],
      },
      InputError,
      /env\.0\.valueFrom\.secretKeyRef\.name: there is no Secret hf in environment/,
    ],
  ])('refuses %j', async (overrides, ErrorClass, message) => {
    const s = await setup();
    const env = await s.environment(8);
    const error = await s
      .submit({
        environment: env.id,
        image: TRAINER_IMAGE,
        gpus: 1,
        ...(overrides as object),
      } as SubmitJobRequest)
      .catch(e => e);
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error.message).toMatch(message);
    expect(await s.jobStore.list()).toEqual([]);
  });

  it('takes secrets only from Secrets of the environment', async () => {
    const s = await setup();
    const env = await s.environment(8);
    const { core } = simBatchApis(sim);
    await core.createNamespacedSecret({
      namespace: env.namespace,
      body: { metadata: { name: 'hf' }, stringData: { token: 'hf_x' } },
    });
    const request = (key: string) => ({
      environment: env.id,
      image: TRAINER_IMAGE,
      gpus: 1,
      env: [
        { name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf', key } } },
      ],
    });
    await expect(s.submit(request('nope'))).rejects.toThrow(
      /env\.0\.valueFrom\.secretKeyRef\.key: Secret hf has no key nope/,
    );
    const { job } = await s.submit(request('token'));
    const { batch } = simBatchApis(sim);
    const k8s = await batch.readNamespacedJob({
      namespace: env.namespace,
      name: job.kubernetesName,
    });
    expect(k8s.spec?.template.spec?.containers[0].env).toEqual([
      {
        name: 'HF_TOKEN',
        valueFrom: { secretKeyRef: { name: 'hf', key: 'token' } },
      },
    ]);
  });

  it('refuses an environment of another team (403), or one that is not ready', async () => {
    const s = await setup();
    const env = await s.environment(2);
    await expect(
      s.submit(
        { environment: env.id, image: TRAINER_IMAGE, gpus: 1 },
        { credentials: mockCredentials.user(LENA) },
      ),
    ).rejects.toThrow(
      new NotAllowedError(
        `environment: ${env.id} belongs to group:default/ml-research; user:default/lena.fischer may not run jobs in it (genai-playground.job.create)`,
      ),
    );
    // Admins act for every team.
    await expect(
      s.submit(
        { environment: env.id, image: TRAINER_IMAGE, gpus: 1, env: RUN(1) },
        { credentials: mockCredentials.user(PRIYA) },
      ),
    ).resolves.toMatchObject({ created: true });

    await s.environments.delete(env.id, marco);
    await expect(
      s.submit({ environment: env.id, image: TRAINER_IMAGE, gpus: 1 }),
    ).rejects.toThrow(/environment: there is no environment/);
  });

  it('asks the permission framework about the environment', async () => {
    const decide = (name: string) => ({
      result: name.startsWith('genai-playground.job.')
        ? AuthorizeResult.DENY
        : AuthorizeResult.ALLOW,
    });
    const permissions = mockServices.permissions.mock({
      authorize: async requests =>
        requests.map(r => decide(r.permission.name)) as any,
      authorizeConditional: async requests =>
        requests.map(r => decide(r.permission.name)) as any,
    });
    const s = await setup({ permissions });
    const env = await s.environment(2);
    await expect(
      s.submit({ environment: env.id, image: TRAINER_IMAGE, gpus: 1 }),
    ).rejects.toThrow(
      new NotAllowedError(
        `environment: ${env.id} belongs to group:default/ml-research; user:default/marco.rossi may not run jobs in it (genai-playground.job.create)`,
      ),
    );
    expect(permissions.authorize).toHaveBeenCalledWith(
      [
        {
          permission: expect.objectContaining({
            name: 'genai-playground.job.create',
            resourceType: 'genai-playground-environment',
          }),
          resourceRef: env.id,
        },
      ],
      expect.anything(),
    );
    // A caller the policy gives no reach at all is refused, not shown an empty list.
    await expect(s.jobs.list({}, marco)).rejects.toThrow(NotAllowedError);
    await expect(s.jobs.get('nope', marco)).rejects.toThrow(NotFoundError);
  });

  it('cancels a running job: deletes the Job with its pods and records who cancelled', async () => {
    const s = await setup();
    const env = await s.environment(8);
    const watcher = startWatcher(s.watcher);
    try {
      const { job } = await s.submit({
        environment: env.id,
        image: TRAINER_IMAGE,
        gpus: 4,
        env: RUN(5000),
      });
      await waitForStatus(s, job.id, 'Running');
      const cancelled = await s.jobs.cancel(
        job.id,
        { propagationPolicy: 'Foreground' },
        marco,
      );
      expect(cancelled).toMatchObject({
        status: 'Cancelled',
        cancelledBy: MARCO,
      });
      expect(cancelled.gpuSeconds).toBeGreaterThan(0);
      const { batch } = simBatchApis(sim);
      await waitFor(async () => {
        const jobs = await batch.listNamespacedJob({
          namespace: env.namespace,
        });
        const pods = await podsOf(sim, env.namespace, job.id);
        return jobs.items.length === 0 && pods.length === 0;
      });
      await expect(
        s.jobs.cancel(job.id, { propagationPolicy: 'Background' }, marco),
      ).rejects.toThrow(
        new ConflictError(
          `job ${job.id} has ended (Cancelled); there is nothing to cancel`,
        ),
      );
      // The watcher saw the Job go and does not change the record.
      await s.watcher.idle();
      expect(await s.jobStore.get(job.id)).toMatchObject({
        status: 'Cancelled',
        gpuSeconds: cancelled.gpuSeconds,
      });
    } finally {
      await watcher.stop();
    }
  });

  it('follows the logs of a running pod until it ends', async () => {
    const s = await setup();
    const env = await s.environment(8);
    const { job } = await s.submit({
      environment: env.id,
      image: TRAINER_IMAGE,
      gpus: 1,
      env: RUN(60),
    });
    await waitFor(
      async () => (await s.jobs.get(job.id, marco)).status === 'Running',
    );
    const controller = new AbortController();
    const { pod, stream } = await s.jobs.followLogs(
      job.id,
      {},
      controller.signal,
      marco,
    );
    expect(pod).toMatch(new RegExp(`^bp-${job.id}-`));
    let text = '';
    await new Promise<void>(resolve => {
      stream.on('data', chunk => {
        text += chunk.toString();
      });
      stream.on('end', resolve);
    });
    expect(text).toMatch(/^kube-sim: starting container main/);
    expect(text).toMatch(/exiting with code 0\n$/);
    await expect(s.jobs.logs(job.id, { pod: 'nope' }, marco)).rejects.toThrow(
      NotFoundError,
    );
  });
});
