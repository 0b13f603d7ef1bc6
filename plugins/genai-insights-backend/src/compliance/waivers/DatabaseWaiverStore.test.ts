import { databases, makeStores } from '../../__testUtils__/database';
import { APPS, ML } from '../../__testUtils__/fixtures';
import { DatabaseWaiverStore } from './DatabaseWaiverStore';
import type { StoredWaiver } from './WaiverStore';

jest.setTimeout(120_000);

const NOW = '2026-12-10T12:00:00.000Z';
const LATER = '2026-12-20T12:00:00.000Z';

let seq = 0;
const waiver = (overrides: Partial<StoredWaiver> = {}): StoredWaiver => ({
  id: `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`,
  checkId: 'required-labels',
  team: ML,
  environment: 'ml-bad',
  justification: 'labels come with the next release',
  expiresAt: '2026-12-15T00:00:00.000Z',
  createdBy: 'user:default/marco.rossi',
  createdAt: NOW,
  ...overrides,
});

describe.each(databases.eachSupportedId())(
  'DatabaseWaiverStore on %p',
  databaseId => {
    const setup = async () =>
      DatabaseWaiverStore.create(await makeStores(databaseId));

    it('keeps one waiver in force per check and place, and frees the place when it expires', async () => {
      const store = await setup();
      const first = waiver();
      expect(await store.create(first, NOW)).toEqual({ created: first });
      expect(await store.get(first.id)).toEqual(first);

      // The same check and environment: the one in force is answered, nothing is added.
      const again = waiver();
      expect(await store.create(again, NOW)).toEqual({ existing: first });
      expect(await store.get(again.id)).toBeUndefined();

      // Another environment, another check, the team as a whole: places of their own.
      const other = [
        waiver({ environment: 'ml-good' }),
        waiver({ checkId: 'quota-gpu' }),
        waiver({ environment: undefined }),
      ];
      for (const w of other) {
        expect(await store.create(w, NOW)).toEqual({ created: w });
      }
      const wholeTeam = waiver({ environment: undefined });
      expect(await store.create(wholeTeam, NOW)).toEqual({
        existing: other[2],
      });

      // Past the first one's expiry, its place is free again.
      const renewed = waiver({ expiresAt: '2027-01-15T00:00:00.000Z' });
      expect(await store.create(renewed, LATER)).toEqual({ created: renewed });
      // The expired one stays, for the record.
      expect(await store.get(first.id)).toEqual(first);
    });

    it('lets one of two grants at once win', async () => {
      const store = await setup();
      const results = await Promise.all(
        [waiver(), waiver(), waiver()].map(w => store.create(w, NOW)),
      );
      expect(results.filter(r => 'created' in r)).toHaveLength(1);
      expect(results.filter(r => 'existing' in r)).toHaveLength(2);
    });

    it('revokes a waiver in force once, and never an expired one', async () => {
      const store = await setup();
      const w = waiver();
      const old = waiver({
        environment: 'ml-old',
        expiresAt: '2026-12-11T00:00:00.000Z',
      });
      await store.create(w, NOW);
      await store.create(old, NOW);
      expect(await store.revoke(w.id, 'user:default/priya.raman', NOW)).toBe(
        true,
      );
      expect(await store.revoke(w.id, 'user:default/marco.rossi', NOW)).toBe(
        false,
      );
      expect(await store.get(w.id)).toEqual({
        ...w,
        revokedBy: 'user:default/priya.raman',
        revokedAt: NOW,
      });
      expect(await store.revoke(old.id, 'user:default/x', LATER)).toBe(false);
      expect(await store.revoke('nope', 'user:default/x', NOW)).toBe(false);
      // Revoked, the place is free.
      const next = waiver();
      expect(await store.create(next, NOW)).toEqual({ created: next });
    });

    it('lists by state at a time and by team, newest first', async () => {
      const store = await setup();
      const active = waiver({ createdAt: '2026-12-10T11:00:00.000Z' });
      const expired = waiver({
        environment: 'ml-old',
        expiresAt: '2026-12-10T12:00:00.000Z',
        createdAt: '2026-12-09T00:00:00.000Z',
      });
      const revoked = waiver({ environment: 'ml-gone' });
      const apps = waiver({ team: APPS, environment: 'apps-a' });
      for (const w of [active, expired, revoked, apps]) {
        await store.create(w, '2026-12-09T00:00:00.000Z');
      }
      await store.revoke(revoked.id, 'user:default/x', NOW);
      const ids = async (filter: Parameters<typeof store.list>[0]) =>
        (await store.list(filter)).map(w => w.id);
      // At its expiry instant a waiver no longer counts.
      expect(await ids({ state: 'active', now: NOW })).toEqual([
        apps.id,
        active.id,
      ]);
      expect(await ids({ state: 'active', now: NOW, teams: [ML] })).toEqual([
        active.id,
      ]);
      expect(await ids({ state: 'expired', now: NOW })).toEqual([expired.id]);
      expect(await ids({ state: 'revoked', now: NOW })).toEqual([revoked.id]);
      expect(await ids({ state: 'all', now: NOW, teams: [ML] })).toEqual([
        revoked.id,
        active.id,
        expired.id,
      ]);
      expect(await ids({ state: 'all', now: NOW, teams: [] })).toEqual([]);
    });

    it('finds waivers expiring soon once: a claimed notice is not found again', async () => {
      const store = await setup();
      const soon = waiver({ expiresAt: '2026-12-16T00:00:00.000Z' });
      const far = waiver({
        environment: 'ml-far',
        expiresAt: '2027-02-01T00:00:00.000Z',
      });
      const revoked = waiver({
        environment: 'ml-gone',
        expiresAt: '2026-12-16T00:00:00.000Z',
      });
      for (const w of [soon, far, revoked]) await store.create(w, NOW);
      await store.revoke(revoked.id, 'user:default/x', NOW);
      const week = '2026-12-17T12:00:00.000Z';
      expect(
        (await store.expiringUnnotified(NOW, week)).map(w => w.id),
      ).toEqual([soon.id]);
      expect(await store.claimExpiryNotice(soon.id, NOW)).toBe(true);
      expect(await store.claimExpiryNotice(soon.id, NOW)).toBe(false);
      expect(await store.expiringUnnotified(NOW, week)).toEqual([]);
      await store.releaseExpiryNotice(soon.id);
      expect(
        (await store.expiringUnnotified(NOW, week)).map(w => w.id),
      ).toEqual([soon.id]);
      expect(await store.claimExpiryNotice(soon.id, NOW)).toBe(true);
      expect((await store.get(soon.id))?.expiryNotifiedAt).toBe(NOW);
    });
  },
);
