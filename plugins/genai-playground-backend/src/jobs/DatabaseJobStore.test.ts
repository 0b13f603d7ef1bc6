import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { DatabaseJobStore } from './DatabaseJobStore';
import type { NewJob } from './JobStore';
import { migrateDatabase } from '../lib/migrateDatabase';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const T0 = '2025-06-01T10:00:00.000Z';
const T1 = '2025-06-01T10:01:00.000Z';
const T2 = '2025-06-01T10:11:00.000Z';
const T3 = '2025-06-01T10:12:00.000Z';

function newJob(overrides: Partial<NewJob> = {}): NewJob {
  const id = overrides.id ?? 'jabc123';
  return {
    id,
    name: 'llama-lora',
    environmentId: 'ml-research-demo',
    namespace: 'ml-research-demo',
    cluster: 'kube-sim',
    team: 'group:default/ml-research',
    owner: 'user:default/marco.rossi',
    costCenter: 'CC-2100',
    gpuPool: 'mi300x',
    kubernetesName: `bp-${id}`,
    image: 'registry.example.com/genai/trainer:1.0',
    command: ['python', 'train.py'],
    env: [
      {
        name: 'HF_TOKEN',
        valueFrom: { secretKeyRef: { name: 'hf', key: 'token' } },
      },
    ],
    gpus: 8,
    pods: 2,
    cpu: 16,
    memoryGi: 128,
    maxRuntimeHours: 4,
    retries: 1,
    status: 'Pending',
    statusMessage: 'submitted',
    submittedAt: T0,
    ...overrides,
  };
}

async function makeStore(databaseId: Parameters<typeof databases.init>[0]) {
  const knex = await databases.init(databaseId);
  const database = mockServices.database({ knex });
  await migrateDatabase(database);
  const store = await DatabaseJobStore.create({ database });
  return { knex, store };
}

describe.each(databases.eachSupportedId())(
  'DatabaseJobStore on %p',
  databaseId => {
    it('inserts and reads a job with its first timeline entry', async () => {
      const { store } = await makeStore(databaseId);
      const result = await store.insert(newJob(), {
        at: T0,
        status: 'Pending',
        message: 'submitted',
        actor: 'user:default/marco.rossi',
      });
      expect(result.inserted).toBe(true);
      expect(result.job).toEqual({ ...newJob(), updatedAt: T0 });
      expect(await store.get('jabc123')).toEqual(result.job);
      expect(await store.listTimeline('jabc123')).toEqual([
        {
          at: T0,
          status: 'Pending',
          message: 'submitted',
          actor: 'user:default/marco.rossi',
        },
      ]);
      expect(await store.get('nope')).toBeUndefined();
    });

    it('gives the same job for the same owner and idempotency key, never two', async () => {
      const { store } = await makeStore(databaseId);
      const entry = { at: T0, status: 'Pending' as const };
      const first = await store.insert(
        newJob({ id: 'j1', idempotencyKey: 'k-1', requestHash: 'h' }),
        entry,
      );
      const results = await Promise.all(
        ['j2', 'j3', 'j4'].map(id =>
          store.insert(newJob({ id, idempotencyKey: 'k-1' }), entry),
        ),
      );
      expect(first.inserted).toBe(true);
      for (const r of results) {
        expect(r).toEqual({
          inserted: false,
          job: expect.objectContaining({ id: 'j1', requestHash: 'h' }),
        });
      }
      // Another owner may use the same key; jobs without a key never collide.
      const other = await store.insert(
        newJob({
          id: 'j5',
          idempotencyKey: 'k-1',
          owner: 'user:default/lena.fischer',
        }),
        entry,
      );
      expect(other.inserted).toBe(true);
      await store.insert(newJob({ id: 'j6' }), entry);
      await store.insert(newJob({ id: 'j7' }), entry);
      expect((await store.list()).map(j => j.id).sort()).toEqual([
        'j1',
        'j5',
        'j6',
        'j7',
      ]);
      expect(
        (await store.getByIdempotencyKey('user:default/marco.rossi', 'k-1'))
          ?.id,
      ).toBe('j1');
    });

    it('lists by environment, team, owner and status, newest first', async () => {
      const { store } = await makeStore(databaseId);
      const entry = { at: T0, status: 'Pending' as const };
      await store.insert(newJob({ id: 'ja', submittedAt: T0 }), entry);
      await store.insert(
        newJob({
          id: 'jb',
          submittedAt: T1,
          environmentId: 'genai-apps-rag',
          team: 'group:default/genai-apps',
          owner: 'user:default/lena.fischer',
        }),
        entry,
      );
      await store.insert(newJob({ id: 'jc', submittedAt: T2 }), entry);
      await store.apply('jc', { status: 'Running', now: T2, startedAt: T2 });

      const ids = async (filter: Parameters<typeof store.list>[0]) =>
        (await store.list(filter)).map(j => j.id);
      expect(await ids({})).toEqual(['jc', 'jb', 'ja']);
      expect(await ids({ environmentId: 'ml-research-demo' })).toEqual([
        'jc',
        'ja',
      ]);
      expect(await ids({ team: 'group:default/genai-apps' })).toEqual(['jb']);
      expect(await ids({ owner: 'user:default/marco.rossi' })).toEqual([
        'jc',
        'ja',
      ]);
      expect(await ids({ statuses: ['Running'] })).toEqual(['jc']);
      expect(await ids({ ids: ['ja', 'jb'] })).toEqual(['jb', 'ja']);
      expect(await ids({ limit: 1 })).toEqual(['jc']);
      expect((await store.listUnfinished()).map(j => j.id)).toEqual([
        'ja',
        'jb',
        'jc',
      ]);
    });

    it('records a transition to an end status once, with its GPU-seconds', async () => {
      const { store } = await makeStore(databaseId);
      await store.insert(newJob(), { at: T0, status: 'Pending' });
      await store.markCreated('jabc123', 'uid-1', T0);
      const waiting = await store.apply('jabc123', {
        status: 'Pending',
        reason: 'FailedScheduling',
        statusMessage: '0/6 nodes are available',
        now: T0,
      });
      expect(waiting).toMatchObject({
        reason: 'FailedScheduling',
        kubernetesUid: 'uid-1',
      });
      // The same observation again changes nothing and adds no entry.
      await store.apply('jabc123', {
        status: 'Pending',
        reason: 'FailedScheduling',
        statusMessage: '0/6 nodes are available',
        now: T1,
      });
      const running = await store.apply('jabc123', {
        status: 'Running',
        reason: null,
        statusMessage: null,
        startedAt: T1,
        now: T1,
      });
      expect(running).toMatchObject({ status: 'Running', startedAt: T1 });
      expect(running?.reason).toBeUndefined();

      const change = {
        status: 'Succeeded' as const,
        finishedAt: T2,
        gpuSeconds: 600 * 16,
        now: T2,
      };
      const results = await Promise.all([
        store.apply('jabc123', change),
        store.apply('jabc123', { ...change, gpuSeconds: 1, now: T3 }),
        store.apply('jabc123', { ...change, status: 'Failed', now: T3 }),
      ]);
      expect(results.filter(r => r !== undefined)).toHaveLength(1);
      const ended = (await store.get('jabc123'))!;
      expect(ended).toMatchObject({
        status: results[0] ? 'Succeeded' : ended.status,
        finishedAt: ended.finishedAt,
      });
      expect([9600, 1]).toContain(ended.gpuSeconds);
      // Ended is ended: later observations are ignored.
      expect(
        await store.apply('jabc123', { status: 'Running', now: T3 }),
      ).toBeUndefined();
      expect(await store.requestCancel('jabc123', 'user:x', T3)).toBe(false);
      expect(
        (await store.listTimeline('jabc123')).map(e => [e.status, e.reason]),
      ).toEqual([
        ['Pending', undefined],
        ['Pending', 'FailedScheduling'],
        ['Running', undefined],
        [ended.status, undefined],
      ]);
    });

    it('records who cancelled, and a run seen only after it ended', async () => {
      const { store } = await makeStore(databaseId);
      await store.insert(newJob(), { at: T0, status: 'Pending' });
      expect(
        await store.requestCancel('jabc123', 'user:default/marco.rossi', T1),
      ).toBe(true);
      const cancelled = await store.apply('jabc123', {
        status: 'Cancelled',
        startedAt: T1,
        finishedAt: T2,
        gpuSeconds: 42,
        cancelledBy: 'user:default/marco.rossi',
        now: T2,
        actor: 'user:default/marco.rossi',
      });
      expect(cancelled).toMatchObject({
        status: 'Cancelled',
        cancelledBy: 'user:default/marco.rossi',
        cancelRequestedAt: T1,
        gpuSeconds: 42,
        startedAt: T1,
        finishedAt: T2,
      });
      expect(await store.listTimeline('jabc123')).toEqual([
        { at: T0, status: 'Pending' },
        { at: T1, status: 'Running' },
        {
          at: T2,
          status: 'Cancelled',
          actor: 'user:default/marco.rossi',
        },
      ]);
    });

    it('removes a job the cluster refused, with its timeline', async () => {
      const { store } = await makeStore(databaseId);
      await store.insert(newJob(), { at: T0, status: 'Pending' });
      await store.remove('jabc123');
      expect(await store.get('jabc123')).toBeUndefined();
      expect(await store.listTimeline('jabc123')).toEqual([]);
    });
  },
);
