import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { submitJobRequestSchema } from '@genai-portal/plugin-genai-playground-common';
import { startKubeSim, type KubeSim } from '@genai-portal/kube-sim';
import { createRequest, MARCO } from '../__testUtils__/harness';
import {
  createJobServices,
  podsOf,
  simBatchApis,
  startWatcher,
  TRAINER_IMAGE,
  waitFor,
} from '../__testUtils__/jobs';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const marco = { credentials: mockCredentials.user(MARCO) };

let sim: KubeSim;
beforeAll(async () => {
  sim = await startKubeSim({ port: 0, tickMs: 25, timeScale: 20 });
});
afterAll(() => sim.close());

const RUN = (seconds: number) => [
  { name: 'KUBE_SIM_RUN_SECONDS', value: String(seconds) },
  { name: 'KUBE_SIM_EXIT', value: 'succeed' },
];

/** What the cluster says a job's GPU-seconds are: (completion - first pod start) x GPUs x pods. */
async function clusterGpuSeconds(
  namespace: string,
  job: { id: string; kubernetesName: string; gpus: number; pods: number },
) {
  const { batch } = simBatchApis(sim);
  const k8s = await batch.readNamespacedJob({
    namespace,
    name: job.kubernetesName,
  });
  const pods = await podsOf(sim, namespace, job.id);
  const start = Math.min(
    ...pods.map(p => new Date(p.status!.startTime!).getTime()),
  );
  const end = new Date(k8s.status!.completionTime!).getTime();
  return Math.round(((end - start) / 1000) * job.gpus * job.pods * 1000) / 1000;
}

describe.each(databases.eachSupportedId())(
  'a backend restart on %p',
  databaseId => {
    it('loses no job and counts no GPU-seconds twice', async () => {
      const knex = await databases.init(databaseId);
      // The first instance: submits jobs and watches them run.
      const first = await createJobServices({ sim, knex });
      const env = await first.environments.create(
        createRequest({
          name: `restart-${databaseId.toLowerCase().replace(/_/g, '')}`,
          gpus: 8,
          cpu: 64,
          memoryGi: 512,
        }),
        marco,
      );
      const submit = async (seconds: number, gpus: number) =>
        (
          await first.jobs.submit(
            submitJobRequestSchema.parse({
              environment: env.id,
              image: TRAINER_IMAGE,
              gpus,
              env: RUN(seconds),
            }),
            marco,
          )
        ).job;
      const watcher = startWatcher(first.watcher);
      const short = await submit(60, 4); // ends while no backend watches
      const long = await submit(120, 2); // still runs when the next one starts
      const other = await submit(80, 2);
      await waitFor(async () => {
        const jobs = await first.jobStore.list({ environmentId: env.id });
        return jobs.filter(j => j.status === 'Running').length === 3 && jobs;
      });

      // The backend dies: its watcher stops and every service instance is dropped.
      await watcher.stop();
      const { batch } = simBatchApis(sim);
      await waitFor(async () => {
        const k8s = await batch.readNamespacedJob({
          namespace: env.namespace,
          name: short.kubernetesName,
        });
        return Boolean(k8s.status?.completionTime);
      }, 20_000);
      // Nobody watched the end: the records still say Running.
      for (const job of [short, long, other]) {
        expect((await first.jobStore.get(job.id))?.status).toBe('Running');
      }

      // A new backend on the same database and cluster.
      const second = await createJobServices({ sim, knex });
      const secondWatcher = startWatcher(second.watcher);
      try {
        for (const job of [short, long, other]) {
          await waitFor(
            async () =>
              (await second.jobStore.get(job.id))?.status === 'Succeeded',
            30_000,
          );
        }
      } finally {
        await secondWatcher.stop();
      }

      const records = await second.jobStore.list({ environmentId: env.id });
      expect(records.map(r => r.id).sort()).toEqual(
        [short.id, long.id, other.id].sort(),
      );
      for (const job of [short, long, other]) {
        const record = (await second.jobStore.get(job.id))!;
        expect(record.gpuSeconds).toBeCloseTo(
          await clusterGpuSeconds(env.namespace, record),
          2,
        );
        const ends = (await second.jobStore.listTimeline(job.id)).filter(
          e => e.status === 'Succeeded',
        );
        expect(ends).toHaveLength(1);
      }

      // A third instance (or a second replica, or the same one again) changes nothing.
      const before = await second.jobStore.list({ environmentId: env.id });
      const third = await createJobServices({ sim, knex });
      const thirdWatcher = startWatcher(third.watcher, 3_000);
      await thirdWatcher.done;
      for (const record of before) {
        await third.reconciler.refresh(record);
      }
      expect(await third.jobStore.list({ environmentId: env.id })).toEqual(
        before,
      );
      const total = before.reduce((sum, r) => sum + (r.gpuSeconds ?? 0), 0);
      expect(total).toBeGreaterThan(0);
    });
  },
);
