import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { DatabaseEnvironmentStore } from '../environments/DatabaseEnvironmentStore';
import type { NewEnvironment } from '../environments/EnvironmentStore';
import { DatabaseJobStore } from '../jobs/DatabaseJobStore';
import type { NewJob } from '../jobs/JobStore';
import { migrateDatabase } from '../lib/migrateDatabase';
import { DatabaseUsageStore } from '../metering/DatabaseUsageStore';
import type { UsageRecord } from '../metering/UsageStore';
import { START } from './cursor';
import { DatabaseFactsFeedStore } from './DatabaseFactsFeedStore';
import type { FactsPosition, FactsReadOptions } from './FactsFeedStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const ML = 'group:default/ml-research';
const MARCO = 'user:default/marco.rossi';
const LEASE = 'genai-playground:lease';
/** Everything written so far is settled. */
const LATER = '2099-01-01T00:00:00.000Z';

const at = (minute: number) =>
  new Date(Date.UTC(2026, 2, 1, 10, minute)).toISOString();

const QUOTA = {
  gpus: 2,
  cpu: 8,
  memoryGi: 64,
  storageGi: 100,
  pods: 50,
  persistentVolumeClaims: 10,
};

function newEnvironment(
  name: string,
  overrides: Partial<NewEnvironment> = {},
): NewEnvironment {
  const id = `ml-research-${name}`;
  return {
    id,
    name,
    team: ML,
    owner: MARCO,
    cluster: 'kube-sim',
    namespace: id,
    gpuPool: 'mi300x',
    quota: QUOTA,
    costCenter: 'CC-2100',
    monthlyBudget: 5000,
    currency: 'USD',
    dataClassification: 'internal',
    securityLevel: 'medium',
    createdAt: at(0),
    expiresAt: at(600),
    ...overrides,
  };
}

function newJob(id: string, overrides: Partial<NewJob> = {}): NewJob {
  return {
    id,
    name: 'lora',
    environmentId: 'ml-research-lab',
    namespace: 'ml-research-lab',
    cluster: 'kube-sim',
    team: ML,
    owner: MARCO,
    costCenter: 'CC-2100',
    gpuPool: 'mi300x',
    kubernetesName: `bp-${id}`,
    image: 'registry.example.com/genai/trainer:1.0',
    env: [],
    gpus: 4,
    pods: 2,
    cpu: 16,
    memoryGi: 128,
    maxRuntimeHours: 4,
    retries: 0,
    status: 'Pending',
    submittedAt: at(1),
    ...overrides,
  };
}

function usage(overrides: Partial<UsageRecord> = {}): UsageRecord {
  return {
    at: at(5),
    team: ML,
    model: 'llama',
    endpoint: 'chat',
    inputTokens: 10,
    outputTokens: 20,
    cost: 0.001,
    latencyMs: 100,
    status: 200,
    stream: false,
    ...overrides,
  };
}

describe.each(databases.eachSupportedId())(
  'DatabaseFactsFeedStore on %p',
  databaseId => {
    async function makeStores() {
      const knex = await databases.init(databaseId);
      const database = mockServices.database({ knex });
      await migrateDatabase(database);
      const environments = await DatabaseEnvironmentStore.create({ database });
      const jobs = await DatabaseJobStore.create({ database });
      const usageStore = await DatabaseUsageStore.create({ database });
      const feed = await DatabaseFactsFeedStore.create({ database });

      /** What EnvironmentService writes for a create that becomes ready. */
      async function createReady(env: NewEnvironment, now: string) {
        const lockToken = `lock-${env.id}-${now}`;
        const claim = await environments.claimForCreate(env, {
          lockToken,
          lockUntil: LATER,
          now,
        });
        expect(claim.claimed).toBe(true);
        const ready = (await environments.finishCreate(env.id, {
          lockToken,
          status: 'ready',
          now,
        }))!;
        await environments.addEvent({
          environmentId: env.id,
          action: 'create',
          actor: env.owner,
          at: now,
          details: {
            gpuPool: ready.gpuPool,
            quota: { ...ready.quota },
            expiresAt: ready.expiresAt,
          },
        });
      }

      /** What it writes for a create whose provisioning failed: no create entry, a fail. */
      async function createFailed(env: NewEnvironment, now: string) {
        const lockToken = `lock-${env.id}-${now}`;
        await environments.claimForCreate(env, {
          lockToken,
          lockUntil: LATER,
          now,
        });
        await environments.finishCreate(env.id, {
          lockToken,
          status: 'failed',
          statusMessage: 'quota refused',
          now,
        });
        await environments.addEvent({
          environmentId: env.id,
          action: 'fail',
          actor: env.owner,
          at: now,
          details: { reason: 'quota refused' },
        });
      }

      /** What a delete (or an expiry) writes. */
      async function remove(
        id: string,
        now: string,
        action: 'delete' | 'expire' = 'delete',
      ) {
        const before = (await environments.get(id))!;
        await environments.setStatus(id, {
          status: 'deleted',
          now,
          deletedAt: now,
        });
        await environments.addEvent({
          environmentId: id,
          action,
          actor: action === 'expire' ? LEASE : MARCO,
          at: now,
          details: { namespaceDeleted: true, previousStatus: before.status },
        });
      }

      const read = (options: Partial<FactsReadOptions> = {}) =>
        feed.read({
          after: START,
          limit: 1000,
          settledAt: LATER,
          usageSettledAt: LATER,
          ...options,
        });

      return {
        knex,
        database,
        environments,
        jobs,
        usageStore,
        feed,
        createReady,
        createFailed,
        remove,
        read,
      };
    }

    it('turns the history into created, extended and deleted; notices and failures are no facts', async () => {
      const s = await makeStores();
      await s.createReady(newEnvironment('lab'), at(1));
      await s.environments.addEvent({
        environmentId: 'ml-research-lab',
        action: 'notify-expiry',
        actor: LEASE,
        at: at(2),
        details: { recipient: MARCO },
      });
      await s.environments.extend('ml-research-lab', {
        expiresAt: at(900),
        now: at(3),
      });
      await s.environments.addEvent({
        environmentId: 'ml-research-lab',
        action: 'extend',
        actor: MARCO,
        at: at(3),
        details: { from: at(600), to: at(900), ttlHours: 5 },
      });
      await s.remove('ml-research-lab', at(4), 'expire');
      // A create that failed: it never held anything, and deleting it releases nothing.
      await s.createFailed(
        newEnvironment('broken', { monthlyBudget: undefined }),
        at(5),
      );
      await s.remove('ml-research-broken', at(6));

      const batch = await s.read();
      const owner = {
        environmentId: 'ml-research-lab',
        team: ML,
        costCenter: 'CC-2100',
        pool: 'mi300x',
        quota: { gpus: 2, cpu: 8, memoryGi: 64, storageGi: 100 },
        monthlyBudget: 5000,
      };
      expect(batch.environmentEvents).toEqual([
        { id: 'env-event-1', type: 'created', ...owner, at: at(1) },
        { id: 'env-event-3', type: 'extended', ...owner, at: at(3) },
        { id: 'env-event-4', type: 'deleted', ...owner, at: at(4) },
      ]);
      // Past every row it read, the ones that are no facts included.
      expect(batch.position).toEqual({
        environmentEvents: 6,
        jobTimeline: 0,
        usage: 0,
      });
      expect(batch.more).toBe(false);
      expect(await s.read({ after: batch.position })).toEqual({
        environmentEvents: [],
        jobs: [],
        tokens: [],
        position: batch.position,
        more: false,
      });
    });

    it("gives an earlier incarnation's events the quota and pool it was created with", async () => {
      const s = await makeStores();
      await s.createReady(newEnvironment('lab'), at(1));
      await s.remove('ml-research-lab', at(2));
      // The same name again, bigger, on the other pool.
      await s.createReady(
        newEnvironment('lab', {
          gpuPool: 'mi355x',
          quota: { ...QUOTA, gpus: 8, cpu: 32 },
          monthlyBudget: undefined,
        }),
        at(3),
      );
      const { environmentEvents } = await s.read();
      expect(
        environmentEvents.map(e => [e.type, e.pool, e.quota.gpus, e.at]),
      ).toEqual([
        ['created', 'mi300x', 2, at(1)],
        ['deleted', 'mi300x', 2, at(2)],
        ['created', 'mi355x', 8, at(3)],
      ]);
      // The budget is the environment record's: the one it has now.
      expect(environmentEvents.every(e => e.monthlyBudget === undefined)).toBe(
        true,
      );
    });

    it('sends each job that ran as it is now, once per page, and again when it ends', async () => {
      const s = await makeStores();
      await s.createReady(newEnvironment('lab'), at(0));
      const pending = { at: at(1), status: 'Pending' as const };
      await s.jobs.insert(newJob('j1'), pending);
      await s.jobs.insert(newJob('j2', { gpus: 1, pods: 1 }), pending);
      await s.jobs.insert(newJob('never'), pending);
      await s.jobs.apply('j1', {
        status: 'Running',
        startedAt: at(2),
        now: at(2),
      });
      await s.jobs.apply('j2', {
        status: 'Running',
        startedAt: at(3),
        now: at(3),
      });
      // Cancelled before it started: it never held a GPU.
      await s.jobs.apply('never', {
        status: 'Cancelled',
        finishedAt: at(3),
        now: at(3),
      });

      const first = await s.read();
      const j1 = {
        jobId: 'j1',
        environmentId: 'ml-research-lab',
        team: ML,
        costCenter: 'CC-2100',
        pool: 'mi300x',
        gpus: 8,
        start: at(2),
      };
      const j2 = { ...j1, jobId: 'j2', gpus: 1, start: at(3) };
      expect(first.jobs).toEqual([j1, j2]);
      expect(first.position.jobTimeline).toBe(6);

      await s.jobs.apply('j1', {
        status: 'Succeeded',
        finishedAt: at(20),
        gpuSeconds: 8 * 18 * 60,
        now: at(21),
      });
      const second = await s.read({ after: first.position });
      expect(second.jobs).toEqual([{ ...j1, end: at(20) }]);
      expect(second.position.jobTimeline).toBe(7);
      // From the start, each job once with what it is now.
      expect((await s.read()).jobs).toEqual([{ ...j1, end: at(20) }, j2]);

      // Cancelled at minute 30 while its first pod was starting (seen at minute 31): it ends as
      // it starts, never before.
      await s.jobs.apply('j2', {
        status: 'Cancelled',
        finishedAt: at(30),
        now: at(32),
      });
      await s.jobs.insert(newJob('j3'), pending);
      await s.jobs.apply('j3', {
        status: 'Cancelled',
        startedAt: at(31),
        finishedAt: at(30),
        now: at(32),
      });
      expect((await s.read({ after: second.position })).jobs).toEqual([
        { ...j2, end: at(30) },
        { ...j1, jobId: 'j3', start: at(31), end: at(31) },
      ]);
    });

    it('sends each metered call with the cost center and pool of its environment', async () => {
      const s = await makeStores();
      await s.createReady(newEnvironment('lab'), at(0));
      await s.usageStore.insert([
        usage({
          keyId: 'k1',
          environmentId: 'ml-research-lab',
          requestId: 'r-1',
        }),
        usage({ userRef: MARCO, model: 'qwen', at: at(6) }),
        // Charged to an environment the playground does not know (any more).
        usage({ environmentId: 'ml-research-gone', inputTokens: 0 }),
      ]);
      const { tokens, position } = await s.read();
      expect(tokens).toEqual([
        {
          id: 'usage-1',
          environmentId: 'ml-research-lab',
          team: ML,
          costCenter: 'CC-2100',
          pool: 'mi300x',
          keyId: 'k1',
          model: 'llama',
          inputTokens: 10,
          outputTokens: 20,
          at: at(5),
        },
        {
          id: 'usage-2',
          team: ML,
          userRef: MARCO,
          model: 'qwen',
          inputTokens: 10,
          outputTokens: 20,
          at: at(6),
        },
        {
          id: 'usage-3',
          environmentId: 'ml-research-gone',
          team: ML,
          model: 'llama',
          inputTokens: 0,
          outputTokens: 20,
          at: at(5),
        },
      ]);
      expect(position.usage).toBe(3);
    });

    it('stops each sequence at its first row that has not settled', async () => {
      const s = await makeStores();
      await s.createReady(newEnvironment('a'), at(1));
      await s.createReady(newEnvironment('b'), at(10));
      await s.createReady(newEnvironment('c'), at(2));
      await s.jobs.insert(newJob('j1'), { at: at(1), status: 'Pending' });
      await s.jobs.insert(newJob('j2'), { at: at(7), status: 'Pending' });
      await s.jobs.apply('j1', {
        status: 'Running',
        startedAt: at(2),
        now: at(2),
      });
      // A call started at minute 3 that streamed for 5 minutes: recorded as it ended.
      await s.usageStore.insert([
        usage({ at: at(1) }),
        usage({ at: at(3), latencyMs: 5 * 60_000 }),
        usage({ at: at(4) }),
      ]);

      const early = await s.read({ settledAt: at(5), usageSettledAt: at(5) });
      // c (minute 2) is older than the bound, but comes after b, which is not: it waits, so that
      // the position never passes over a row that may still be committing.
      expect(early.environmentEvents.map(e => e.environmentId)).toEqual([
        'ml-research-a',
      ]);
      // j1's first entry, read with the record as it is now (started); its Running entry waits
      // behind j2's, which has not settled.
      expect(early.jobs.map(j => [j.jobId, j.start])).toEqual([['j1', at(2)]]);
      expect(early.position.jobTimeline).toBe(1);
      expect(early.tokens.map(t => t.id)).toEqual(['usage-1']);
      expect(early.more).toBe(false);

      const late = await s.read({
        after: early.position,
        settledAt: at(10),
        usageSettledAt: at(8),
      });
      expect(late.environmentEvents.map(e => e.environmentId)).toEqual([
        'ml-research-b',
        'ml-research-c',
      ]);
      expect(late.jobs.map(j => j.jobId)).toEqual(['j1']); // j2 never started
      expect(late.position.jobTimeline).toBe(3);
      expect(late.tokens.map(t => t.id)).toEqual(['usage-2', 'usage-3']);
    });

    it('pages through every fact exactly once with a small limit', async () => {
      const s = await makeStores();
      for (let i = 0; i < 5; i++) {
        await s.createReady(newEnvironment(`e${i}`), at(i));
      }
      await s.usageStore.insert(
        Array.from({ length: 7 }, (_, i) =>
          usage({ requestId: `r-${i}`, at: at(i) }),
        ),
      );
      for (let i = 0; i < 3; i++) {
        await s.jobs.insert(
          newJob(`j${i}`, { environmentId: 'ml-research-e0' }),
          {
            at: at(i),
            status: 'Pending',
          },
        );
        await s.jobs.apply(`j${i}`, {
          status: 'Running',
          startedAt: at(i + 1),
          now: at(i + 1),
        });
      }

      const seen = {
        events: [] as string[],
        jobs: [] as string[],
        tokens: [] as string[],
      };
      let after: FactsPosition = START;
      let pages = 0;
      for (;;) {
        const batch = await s.read({ after, limit: 2 });
        pages++;
        seen.events.push(...batch.environmentEvents.map(e => e.id));
        seen.jobs.push(...batch.jobs.map(j => j.jobId));
        seen.tokens.push(...batch.tokens.map(t => t.id));
        after = batch.position;
        if (!batch.more) break;
      }
      expect(pages).toBe(4);
      expect(seen.events).toEqual([1, 2, 3, 4, 5].map(n => `env-event-${n}`));
      expect(seen.tokens).toEqual([1, 2, 3, 4, 5, 6, 7].map(n => `usage-${n}`));
      // Six timeline entries, two a page: each job is sent for each page that has one of its
      // entries (its record as it is then), at least once.
      expect([...new Set(seen.jobs)].sort()).toEqual(['j0', 'j1', 'j2']);
      expect(after).toEqual({ environmentEvents: 5, jobTimeline: 6, usage: 7 });
    });
  },
);
