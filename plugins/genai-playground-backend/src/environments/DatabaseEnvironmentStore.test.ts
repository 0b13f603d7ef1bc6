import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { DatabaseEnvironmentStore } from './DatabaseEnvironmentStore';
import type { NewEnvironment } from './EnvironmentStore';
import { migrateDatabase } from '../lib/migrateDatabase';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

function newEnv(overrides: Partial<NewEnvironment> = {}): NewEnvironment {
  const name = overrides.name ?? 'demo';
  return {
    id: `ml-research-${name}`,
    name,
    team: 'group:default/ml-research',
    owner: 'user:default/marco.rossi',
    cluster: 'kube-sim',
    namespace: `ml-research-${name}`,
    gpuPool: 'mi300x',
    quota: {
      gpus: 2,
      cpu: 8,
      memoryGi: 64,
      storageGi: 100,
      pods: 50,
      persistentVolumeClaims: 10,
    },
    costCenter: 'CC-2100',
    monthlyBudget: 1500.5,
    currency: 'USD',
    dataClassification: 'internal',
    securityLevel: 'medium',
    createdAt: '2025-06-01T10:00:00.000Z',
    expiresAt: '2025-06-04T10:00:00.000Z',
    ...overrides,
  };
}

const T0 = '2025-06-01T10:00:00.000Z';
const T1 = '2025-06-01T10:01:00.000Z';
const LATER = '2025-06-01T10:10:00.000Z';

async function makeStore(databaseId: Parameters<typeof databases.init>[0]) {
  const knex = await databases.init(databaseId);
  const database = mockServices.database({ knex });
  await migrateDatabase(database);
  const store = await DatabaseEnvironmentStore.create({ database });
  return { knex, store };
}

describe.each(databases.eachSupportedId())(
  'DatabaseEnvironmentStore on %p',
  databaseId => {
    it('claims, finishes and reads an environment', async () => {
      const { store } = await makeStore(databaseId);
      const claim = await store.claimForCreate(newEnv(), {
        lockToken: 'a',
        lockUntil: LATER,
        now: T0,
      });
      expect(claim.claimed).toBe(true);
      expect(claim.environment).toEqual({
        ...newEnv(),
        status: 'creating',
        createdAt: T0,
        updatedAt: T0,
        createLockUntil: LATER,
      });
      expect(
        await store.renewLock('ml-research-demo', {
          lockToken: 'x',
          lockUntil: T1,
        }),
      ).toBe(false);
      expect(
        await store.renewLock('ml-research-demo', {
          lockToken: 'a',
          lockUntil: LATER,
        }),
      ).toBe(true);
      const ready = await store.finishCreate('ml-research-demo', {
        lockToken: 'a',
        status: 'ready',
        now: T1,
      });
      expect(ready).toMatchObject({ status: 'ready', updatedAt: T1 });
      expect(ready?.statusMessage).toBeUndefined();
      expect(ready?.createLockUntil).toBeUndefined();
      expect(await store.get('nope')).toBeUndefined();
    });

    it('lets only one of two concurrent claims win', async () => {
      const { store } = await makeStore(databaseId);
      const results = await Promise.all(
        [1, 2, 3].map(i =>
          store.claimForCreate(newEnv(), {
            lockToken: `t${i}`,
            lockUntil: LATER,
            now: T0,
          }),
        ),
      );
      expect(results.filter(r => r.claimed)).toHaveLength(1);
    });

    it('takes over a failed or deleted record, or a creating one whose lock lapsed', async () => {
      const { store } = await makeStore(databaseId);
      await store.claimForCreate(newEnv(), {
        lockToken: 'a',
        lockUntil: LATER,
        now: T0,
      });
      // held: a second claim before the lock lapses loses
      expect(
        (
          await store.claimForCreate(newEnv(), {
            lockToken: 'b',
            lockUntil: LATER,
            now: T1,
          })
        ).claimed,
      ).toBe(false);
      // the first attempt crashed: after the lock lapsed a retry takes over
      const retry = await store.claimForCreate(
        newEnv({ quota: { ...newEnv().quota, gpus: 4 } }),
        {
          lockToken: 'b',
          lockUntil: '2025-06-01T10:20:00.000Z',
          now: '2025-06-01T10:11:00.000Z',
        },
      );
      expect(retry.claimed).toBe(true);
      expect(retry.environment.quota.gpus).toBe(4);
      // the crashed attempt's token no longer finishes it
      expect(
        await store.finishCreate('ml-research-demo', {
          lockToken: 'a',
          status: 'ready',
          now: T1,
        }),
      ).toBeUndefined();
      await store.finishCreate('ml-research-demo', {
        lockToken: 'b',
        status: 'failed',
        statusMessage: 'boom',
        now: T1,
      });
      expect(await store.get('ml-research-demo')).toMatchObject({
        status: 'failed',
        statusMessage: 'boom',
      });
      const again = await store.claimForCreate(newEnv(), {
        lockToken: 'c',
        lockUntil: LATER,
        now: T1,
      });
      expect(again.claimed).toBe(true);
      expect(again.environment.statusMessage).toBeUndefined();
      await store.finishCreate('ml-research-demo', {
        lockToken: 'c',
        status: 'ready',
        now: T1,
      });
      // ready: not taken over
      expect(
        (
          await store.claimForCreate(newEnv(), {
            lockToken: 'd',
            lockUntil: LATER,
            now: LATER,
          })
        ).claimed,
      ).toBe(false);
      await store.setStatus('ml-research-demo', {
        status: 'deleted',
        now: LATER,
        deletedAt: LATER,
      });
      expect(await store.get('ml-research-demo')).toMatchObject({
        status: 'deleted',
        deletedAt: LATER,
      });
      const reborn = await store.claimForCreate(newEnv(), {
        lockToken: 'e',
        lockUntil: '2025-06-02T00:00:00.000Z',
        now: '2025-06-01T11:00:00.000Z',
      });
      expect(reborn.claimed).toBe(true);
      expect(reborn.environment.deletedAt).toBeUndefined();
      expect(reborn.environment.createdAt).toBe('2025-06-01T11:00:00.000Z');
    });

    it('releases only its own claim while it is creating', async () => {
      const { store } = await makeStore(databaseId);
      await store.claimForCreate(newEnv(), {
        lockToken: 'a',
        lockUntil: LATER,
        now: T0,
      });
      expect(
        await store.releaseClaim('ml-research-demo', { lockToken: 'b' }),
      ).toBe(false);
      expect(await store.get('ml-research-demo')).toMatchObject({
        status: 'creating',
      });
      expect(
        await store.releaseClaim('ml-research-demo', { lockToken: 'a' }),
      ).toBe(true);
      expect(await store.get('ml-research-demo')).toBeUndefined();
      expect(await store.releaseClaim('nope', { lockToken: 'a' })).toBe(false);

      // a record that is not creating any more is not a claim, even with the token left on it
      await store.claimForCreate(newEnv(), {
        lockToken: 'c',
        lockUntil: LATER,
        now: T0,
      });
      await store.setStatus('ml-research-demo', { status: 'ready', now: T1 });
      expect(
        await store.releaseClaim('ml-research-demo', { lockToken: 'c' }),
      ).toBe(false);
      expect(await store.get('ml-research-demo')).toMatchObject({
        status: 'ready',
      });

      // a claim that took over a failed record puts it back as it was, history and all
      await store.claimForCreate(newEnv({ name: 'old' }), {
        lockToken: 'd',
        lockUntil: LATER,
        now: T0,
      });
      const failed = await store.finishCreate('ml-research-old', {
        lockToken: 'd',
        status: 'failed',
        statusMessage: 'quota refused',
        now: T0,
      });
      await store.addEvent({
        environmentId: 'ml-research-old',
        action: 'fail',
        actor: 'user:default/marco.rossi',
        at: T0,
        details: { reason: 'quota refused' },
      });
      const retry = await store.claimForCreate(
        newEnv({
          name: 'old',
          owner: 'user:default/lena.fischer',
          quota: { ...newEnv().quota, gpus: 8 },
        }),
        { lockToken: 'e', lockUntil: LATER, now: T1 },
      );
      expect(retry).toMatchObject({
        claimed: true,
        environment: { status: 'creating', quota: { gpus: 8 } },
      });
      expect(
        await store.releaseClaim('ml-research-old', { lockToken: 'e' }),
      ).toBe(true);
      expect(await store.get('ml-research-old')).toEqual(failed);
      expect(await store.listEvents('ml-research-old')).toEqual([
        expect.objectContaining({ action: 'fail', at: T0 }),
      ]);
      // and it is free to take over again, by a create that then finishes
      const again = await store.claimForCreate(newEnv({ name: 'old' }), {
        lockToken: 'f',
        lockUntil: LATER,
        now: T1,
      });
      expect(again.claimed).toBe(true);
      await store.finishCreate('ml-research-old', {
        lockToken: 'f',
        status: 'ready',
        now: T1,
      });
      expect(
        await store.releaseClaim('ml-research-old', { lockToken: 'f' }),
      ).toBe(false);
      expect(await store.get('ml-research-old')).toMatchObject({
        status: 'ready',
      });
    });

    it('lets one of two takeovers of the same old record win', async () => {
      const { store } = await makeStore(databaseId);
      await store.claimForCreate(newEnv(), {
        lockToken: 'a',
        lockUntil: LATER,
        now: T0,
      });
      await store.finishCreate('ml-research-demo', {
        lockToken: 'a',
        status: 'failed',
        now: T0,
      });
      const claims = await Promise.all(
        ['b', 'c', 'd', 'e'].map(lockToken =>
          store.claimForCreate(newEnv(), {
            lockToken,
            lockUntil: LATER,
            now: T1,
          }),
        ),
      );
      expect(claims.filter(c => c.claimed)).toHaveLength(1);
    });

    it('lists with filters, hiding deleted ones unless asked', async () => {
      const { store } = await makeStore(databaseId);
      const make = async (
        o: Partial<NewEnvironment>,
        status: 'ready' | 'failed',
      ) => {
        const env = newEnv(o);
        await store.claimForCreate(env, {
          lockToken: env.id,
          lockUntil: LATER,
          now: T0,
        });
        await store.finishCreate(env.id, {
          lockToken: env.id,
          status,
          now: T0,
        });
      };
      await make({ name: 'a' }, 'ready');
      await make(
        { name: 'b', gpuPool: 'mi355x', owner: 'user:default/lena.fischer' },
        'ready',
      );
      await make(
        {
          name: 'c',
          id: 'genai-apps-c',
          namespace: 'genai-apps-c',
          team: 'group:default/genai-apps',
        },
        'failed',
      );
      await store.setStatus('ml-research-a', {
        status: 'deleted',
        now: T1,
        deletedAt: T1,
      });

      const ids = async (f?: Parameters<typeof store.list>[0]) =>
        (await store.list(f)).map(e => e.id).sort();
      expect(await ids()).toEqual(['genai-apps-c', 'ml-research-b']);
      expect(await ids({ team: 'group:default/ml-research' })).toEqual([
        'ml-research-b',
      ]);
      expect(await ids({ owner: 'user:default/lena.fischer' })).toEqual([
        'ml-research-b',
      ]);
      expect(await ids({ gpuPool: 'mi300x' })).toEqual(['genai-apps-c']);
      expect(await ids({ statuses: ['ready', 'deleted'] })).toEqual([
        'ml-research-a',
        'ml-research-b',
      ]);
      expect(await ids({ ids: ['ml-research-b', 'x'] })).toEqual([
        'ml-research-b',
      ]);
    });

    it('extends leases and finds what to notify and expire', async () => {
      const { store } = await makeStore(databaseId);
      for (const [name, expiresAt] of [
        ['soon', '2025-06-01T20:00:00.000Z'],
        ['later', '2025-06-10T00:00:00.000Z'],
        ['past', '2025-06-01T09:00:00.000Z'],
      ]) {
        const env = newEnv({
          name,
          id: `t-${name}`,
          namespace: `t-${name}`,
          expiresAt,
        });
        await store.claimForCreate(env, {
          lockToken: name,
          lockUntil: LATER,
          now: T0,
        });
        await store.finishCreate(env.id, {
          lockToken: name,
          status: 'ready',
          now: T0,
        });
      }
      expect((await store.listExpired(T0)).map(e => e.id)).toEqual(['t-past']);
      const dayAhead = '2025-06-02T10:00:00.000Z';
      expect((await store.listToNotify(dayAhead)).map(e => e.id)).toEqual([
        't-past',
        't-soon',
      ]);
      expect(await store.markNotified('t-soon', T0)).toBe(true);
      expect(await store.markNotified('t-soon', T1)).toBe(false);
      expect((await store.listToNotify(dayAhead)).map(e => e.id)).toEqual([
        't-past',
      ]);
      expect((await store.get('t-soon'))?.expiryNotifiedAt).toBe(T0);

      const extended = await store.extend('t-soon', {
        expiresAt: '2025-06-05T00:00:00.000Z',
        now: T1,
      });
      expect(extended).toMatchObject({
        expiresAt: '2025-06-05T00:00:00.000Z',
        updatedAt: T1,
      });
      expect(extended?.expiryNotifiedAt).toBeUndefined();
    });

    it('keeps history in order with details', async () => {
      const { store } = await makeStore(databaseId);
      await store.claimForCreate(newEnv(), {
        lockToken: 'a',
        lockUntil: LATER,
        now: T0,
      });
      await store.addEvent({
        environmentId: 'ml-research-demo',
        action: 'create',
        actor: 'user:default/marco.rossi',
        at: T0,
        details: { gpus: 2 },
      });
      await store.addEvent({
        environmentId: 'ml-research-demo',
        action: 'extend',
        actor: 'user:default/marco.rossi',
        at: T1,
      });
      expect(await store.listEvents('ml-research-demo')).toEqual([
        {
          environmentId: 'ml-research-demo',
          action: 'create',
          actor: 'user:default/marco.rossi',
          at: T0,
          details: { gpus: 2 },
        },
        {
          environmentId: 'ml-research-demo',
          action: 'extend',
          actor: 'user:default/marco.rossi',
          at: T1,
        },
      ]);
      expect(await store.listEvents('other')).toEqual([]);
    });

    it('starts each incarnation with its own history; a released takeover brings the old one back', async () => {
      const { store } = await makeStore(databaseId);
      const id = 'ml-research-demo';
      await store.claimForCreate(newEnv(), {
        lockToken: 'a',
        lockUntil: LATER,
        now: T0,
      });
      await store.finishCreate(id, {
        lockToken: 'a',
        status: 'ready',
        now: T0,
      });
      await store.addEvent({
        environmentId: id,
        action: 'create',
        actor: 'u',
        at: T0,
      });
      await store.setStatus(id, { status: 'deleted', now: T1, deletedAt: T1 });
      await store.addEvent({
        environmentId: id,
        action: 'delete',
        actor: 'u',
        at: T1,
      });

      // Another team never takes the record over.
      const other = await store.claimForCreate(
        newEnv({ team: 'group:default/ml' }),
        { lockToken: 'x', lockUntil: LATER, now: T1 },
      );
      expect(other.claimed).toBe(false);

      const again = await store.claimForCreate(newEnv(), {
        lockToken: 'b',
        lockUntil: LATER,
        now: T1,
      });
      expect(again.claimed).toBe(true);
      expect(await store.listEvents(id)).toEqual([]);
      await store.releaseClaim(id, { lockToken: 'b' });
      expect((await store.listEvents(id)).map(e => e.action)).toEqual([
        'create',
        'delete',
      ]);
    });

    it('migrates down cleanly', async () => {
      const { knex } = await makeStore(databaseId);
      await knex.migrate.rollback(
        {
          directory: require('node:path').resolve(
            __dirname,
            '../../migrations',
          ),
        },
        true,
      );
      expect(await knex.schema.hasTable('environments')).toBe(false);
      expect(await knex.schema.hasTable('jobs')).toBe(false);
      expect(await knex.schema.hasTable('environment_events')).toBe(false);
    });
  },
);
