import { mockServices } from '@backstage/backend-test-utils';
import { databases, type DatabaseId } from '../../__testUtils__/database';
import { APPS, ML } from '../../__testUtils__/fixtures';
import { migrateDatabase } from '../../lib/migrateDatabase';
import {
  DatabaseIdleEpisodeStore,
  idleCostMicros,
  type IdleObservation,
} from './DatabaseIdleEpisodeStore';

jest.setTimeout(120_000);

const T0 = '2026-12-30T10:00:00.000Z';
const T1 = '2026-12-30T10:30:00.000Z';
const T2 = '2026-12-30T10:31:00.000Z';
const T3 = '2026-12-30T10:32:00.000Z';
const NOW = '2026-12-30T11:00:00.000Z';

/** GPU `gpuId` of pod `vllm-0` (4.1 a GPU-hour) idle since T0; override what differs. */
const gpu = (
  gpuId: number,
  overrides: Partial<IdleObservation> = {},
): IdleObservation => ({
  node: 'node-a',
  gpuId,
  pool: 'mi355x',
  namespace: 'ml-research-lab',
  pod: 'vllm-0',
  podUid: 'uid-vllm-0',
  kind: 'inference',
  team: ML,
  environment: 'ml-research-lab',
  owner: 'user:default/marco.rossi',
  model: 'llama-8b',
  since: T0,
  gpuHourMicros: 4_100_000,
  ...overrides,
});

async function makeStore(databaseId: DatabaseId) {
  const knex = await databases.init(databaseId);
  const database = mockServices.database({ knex });
  await migrateDatabase(database);
  const store = await DatabaseIdleEpisodeStore.create({
    database,
    clock: () => new Date(NOW),
  });
  return { knex, store };
}

describe('idleCostMicros', () => {
  it('prices the GPU-hours between two times', () => {
    expect(idleCostMicros(T0, NOW, 4_100_000)).toBe(4_100_000);
    expect(idleCostMicros(T0, T1, 4_100_000)).toBe(2_050_000);
    expect(idleCostMicros(NOW, T0, 4_100_000)).toBe(0);
  });
});

describe.each(databases.eachSupportedId())(
  'DatabaseIdleEpisodeStore on %p',
  databaseId => {
    it('opens an episode per GPU and pod once, then extends it', async () => {
      const { knex, store } = await makeStore(databaseId);
      expect(await store.upsertOpen([gpu(0), gpu(1)], T1)).toEqual({
        opened: 2,
        extended: 0,
      });
      expect(await store.upsertOpen([gpu(0), gpu(1)], T2)).toEqual({
        opened: 0,
        extended: 2,
      });
      // A later scan sees the idleness start later (its range moved on): since is kept.
      await store.upsertOpen([gpu(0, { since: T1 })], T3);
      // ... or earlier (a sample arrived late): since moves back.
      await store.upsertOpen(
        [gpu(1, { since: '2026-12-30T09:59:00.000Z' })],
        T3,
      );
      const open = await store.listOpen();
      expect(open).toEqual([
        {
          id: expect.any(String),
          node: 'node-a',
          gpuId: 1,
          pool: 'mi355x',
          namespace: 'ml-research-lab',
          pod: 'vllm-0',
          kind: 'inference',
          team: ML,
          environment: 'ml-research-lab',
          owner: 'user:default/marco.rossi',
          model: 'llama-8b',
          since: '2026-12-30T09:59:00.000Z',
          lastSeen: T3,
          // 61 minutes at 4.1 a GPU-hour, up to the clock.
          costMicros: Math.round((61 / 60) * 4_100_000),
        },
        expect.objectContaining({ gpuId: 0, since: T0, lastSeen: T3 }),
      ]);
      expect(
        Number((await knex('gpu_idle_episodes').count({ n: '*' }))[0].n),
      ).toBe(2);
      // A stale scan never moves last_seen back.
      await store.upsertOpen([gpu(0)], T2);
      expect((await store.listOpen())[1].lastSeen).toBe(T3);
    });

    it('opens one episode when two replicas open it at once', async () => {
      const { knex, store } = await makeStore(databaseId);
      const other = await DatabaseIdleEpisodeStore.create({
        database: mockServices.database({ knex }),
      });
      const results = await Promise.all([
        store.upsertOpen([gpu(0), gpu(1), gpu(2)], T1),
        other.upsertOpen([gpu(0), gpu(1), gpu(2)], T1),
        store.upsertOpen([gpu(2), gpu(1), gpu(0)], T1),
      ]);
      expect(results.reduce((sum, r) => sum + r.opened, 0)).toBe(3);
      expect(await store.listOpen()).toHaveLength(3);
    });

    it('ends episodes, and opens a new one when the GPU is idle again', async () => {
      const { store } = await makeStore(databaseId);
      await store.upsertOpen([gpu(0), gpu(1)], T1);
      const [first] = await store.openEpisodes();
      expect(await store.end([first.id], T2)).toBe(1);
      expect(await store.end([first.id], T3)).toBe(0);
      expect((await store.listOpen()).map(e => e.gpuId)).toEqual([1]);
      const ended = await store.listRecentEnded({ since: T0 });
      expect(ended).toEqual([
        expect.objectContaining({
          id: first.id,
          gpuId: 0,
          endedAt: T2,
          lastSeen: T1,
          // Cost runs to the last scan that found it idle.
          costMicros: idleCostMicros(T0, T1, 4_100_000),
        }),
      ]);
      expect(await store.listRecentEnded({ since: T3 })).toEqual([]);
      expect(await store.listRecentEnded({ since: T0, teams: [APPS] })).toEqual(
        [],
      );
      // Idle again: a new episode.
      expect(await store.upsertOpen([gpu(0, { since: T2 })], T3)).toEqual({
        opened: 1,
        extended: 0,
      });
      const open = await store.openEpisodes();
      expect(open.map(e => [e.gpuId, e.since])).toEqual([
        [1, T0],
        [0, T2],
      ]);
      expect(open[1].id).not.toBe(first.id);
    });

    it('lists the open episodes of some teams, longest first', async () => {
      const { store } = await makeStore(databaseId);
      await store.upsertOpen(
        [
          gpu(0, { since: T1 }),
          gpu(3, {
            node: 'node-b',
            pod: 'train-0',
            podUid: 'uid-train-0',
            kind: 'job',
            team: APPS,
            jobId: 'job-1',
            model: undefined,
          }),
          gpu(4, { podUid: 'uid-other', team: undefined, owner: undefined }),
        ],
        T2,
      );
      expect((await store.listOpen()).map(e => e.gpuId)).toEqual([4, 3, 0]);
      const apps = await store.listOpen({ teams: [APPS] });
      expect(apps).toEqual([
        expect.objectContaining({ gpuId: 3, kind: 'job', jobId: 'job-1' }),
      ]);
      expect(apps[0]).not.toHaveProperty('model');
      expect(apps[0]).not.toHaveProperty('podUid');
      expect(await store.listOpen({ teams: [] })).toEqual([]);
      expect(
        (await store.listOpen({ teams: [ML, APPS] })).map(e => e.gpuId),
      ).toEqual([3, 0]);
      const [noTeam] = await store.listOpen({ at: T2 });
      expect(noTeam.costMicros).toBe(idleCostMicros(T0, T2, 4_100_000));
    });

    it('claims a pod notification once, and GPUs idle later are covered', async () => {
      const { knex, store } = await makeStore(databaseId);
      await store.upsertOpen([gpu(0), gpu(1)], T1);
      const claimed = await store.claimNotification('uid-vllm-0', T1);
      expect(claimed?.map(e => [e.gpuId, e.notifiedAt])).toEqual([
        [0, T1],
        [1, T1],
      ]);
      expect(await store.claimNotification('uid-vllm-0', T2)).toBeUndefined();
      // A third GPU of the pod goes idle: marked, not sent again.
      await store.upsertOpen([gpu(0), gpu(1), gpu(2, { since: T1 })], T2);
      expect(await store.claimNotification('uid-vllm-0', T2)).toBeUndefined();
      expect((await store.listOpen()).map(e => e.notifiedAt)).toEqual([
        T1,
        T1,
        T2,
      ]);
      // Once the pod's episodes are over, a new idle spell is told again.
      await store.end(
        (await store.openEpisodes()).map(e => e.id),
        T3,
      );
      await store.upsertOpen([gpu(0, { since: T3 })], NOW);
      expect(
        (await store.claimNotification('uid-vllm-0', NOW))?.map(e => e.gpuId),
      ).toEqual([0]);
      // Another store on the same database (a replica) sees the same claims.
      const other = await DatabaseIdleEpisodeStore.create({
        database: mockServices.database({ knex }),
      });
      expect(await other.claimNotification('uid-vllm-0', NOW)).toBeUndefined();
    });

    it('lets exactly one of concurrent claims send', async () => {
      const { knex, store } = await makeStore(databaseId);
      const other = await DatabaseIdleEpisodeStore.create({
        database: mockServices.database({ knex }),
      });
      await store.upsertOpen([gpu(0), gpu(1), gpu(2), gpu(3)], T1);
      const results = await Promise.all([
        store.claimNotification('uid-vllm-0', T1),
        other.claimNotification('uid-vllm-0', T1),
        store.claimNotification('uid-vllm-0', T2),
        other.claimNotification('uid-vllm-0', T2),
      ]);
      expect(results.filter(r => r !== undefined)).toHaveLength(1);
    });

    it('sends again after a failed send is released', async () => {
      const { store } = await makeStore(databaseId);
      await store.upsertOpen([gpu(0)], T1);
      expect(await store.claimNotification('uid-vllm-0', T1)).toHaveLength(1);
      await store.upsertOpen([gpu(0), gpu(1)], T2);
      // GPU 1 is covered by the claim of GPU 0 ...
      expect(await store.claimNotification('uid-vllm-0', T2)).toBeUndefined();
      // ... whose sending failed: both are told next time.
      await store.releaseNotification('uid-vllm-0');
      expect(
        (await store.claimNotification('uid-vllm-0', T3))?.map(e => e.gpuId),
      ).toEqual([0, 1]);
    });
  },
);
