import { databases, makeStores } from '../../__testUtils__/database';
import { ML } from '../../__testUtils__/fixtures';
import { fakeClock } from '../../collect/__testUtils__/FakeFeed';
import { DatabaseWaiverStore } from './DatabaseWaiverStore';
import { WaiverService } from './WaiverService';

jest.setTimeout(120_000);

const DAY = 86_400_000;
const LEAD = 'user:default/marco.rossi';

describe.each(databases.eachSupportedId())(
  'WaiverService on %p',
  databaseId => {
    async function setup() {
      const store = await DatabaseWaiverStore.create(
        await makeStores(databaseId),
      );
      const clock = fakeClock('2026-12-10T12:00:00Z');
      const service = new WaiverService({ store, clock });
      const grant = (overrides: object = {}) =>
        service.create({
          checkId: 'required-labels',
          team: ML,
          environment: 'ml-bad',
          justification: 'labels come with the next release',
          expiresAt: '2026-12-20T00:00:00Z',
          createdBy: LEAD,
          ...overrides,
        });
      return { service, clock, grant };
    }

    it('grants a waiver in the window and refuses an expiry outside it, naming expiresAt', async () => {
      const { grant, clock } = await setup();
      expect(await grant()).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        checkId: 'required-labels',
        team: ML,
        environment: 'ml-bad',
        justification: 'labels come with the next release',
        expiresAt: '2026-12-20T00:00:00.000Z',
        createdBy: LEAD,
        createdAt: '2026-12-10T12:00:00.000Z',
        state: 'active',
      });
      await expect(
        grant({ environment: 'a', expiresAt: '2026-12-10T12:00:00Z' }),
      ).rejects.toMatchObject({
        name: 'InputError',
        message: expect.stringMatching(
          /^Invalid request: expiresAt: must be in the future/,
        ),
      });
      await expect(
        grant({ environment: 'b', expiresAt: '2020-01-01' }),
      ).rejects.toMatchObject({ name: 'InputError' });
      const limit = new Date(clock().getTime() + 366 * DAY).toISOString();
      const past = new Date(clock().getTime() + 366 * DAY + 1).toISOString();
      await expect(
        grant({ environment: 'c', expiresAt: past }),
      ).rejects.toMatchObject({
        name: 'InputError',
        message: 'Invalid request: expiresAt: must be at most 366 days away',
      });
      expect(await grant({ environment: 'c', expiresAt: limit })).toMatchObject(
        {
          expiresAt: limit,
        },
      );
    });

    it('refuses a second waiver of the same check and place, naming the one in force', async () => {
      const { grant } = await setup();
      const first = await grant();
      await expect(grant()).rejects.toMatchObject({
        name: 'ConflictError',
        message: `Check 'required-labels' is already waived for environment 'ml-bad' by waiver ${first.id}, until 2026-12-20T00:00:00.000Z`,
      });
      const team = await grant({ environment: undefined });
      await expect(grant({ environment: undefined })).rejects.toMatchObject({
        name: 'ConflictError',
        message: expect.stringContaining(`team ${ML} by waiver ${team.id}`),
      });
    });

    it('revokes once: an unknown id is not found, a revoked or expired waiver a conflict', async () => {
      const { service, grant, clock } = await setup();
      const waiver = await grant();
      const short = await grant({
        environment: 'ml-short',
        expiresAt: '2026-12-11T00:00:00Z',
      });
      expect(
        await service.revoke(waiver.id, 'user:default/priya.raman'),
      ).toEqual({
        ...waiver,
        revokedBy: 'user:default/priya.raman',
        revokedAt: '2026-12-10T12:00:00.000Z',
        state: 'revoked',
      });
      await expect(service.revoke(waiver.id, LEAD)).rejects.toMatchObject({
        name: 'ConflictError',
        message: `Compliance waiver ${waiver.id} is revoked already`,
      });
      const unknown = '4b7c2a3e-0000-4000-8000-000000000000';
      await expect(service.revoke(unknown, LEAD)).rejects.toMatchObject({
        name: 'NotFoundError',
        message: `No compliance waiver '${unknown}'`,
      });
      await expect(service.get(unknown)).rejects.toMatchObject({
        name: 'NotFoundError',
      });
      clock.set('2026-12-11T00:00:00Z');
      await expect(service.revoke(short.id, LEAD)).rejects.toMatchObject({
        name: 'ConflictError',
        message: `Compliance waiver ${short.id} is expired already`,
      });
      expect((await service.get(short.id)).state).toBe('expired');
    });

    it('answers the waivers in force at a time, for scoring', async () => {
      const { service, grant } = await setup();
      const waiver = await grant();
      await grant({ environment: undefined, checkId: 'quota-gpu' });
      const revoked = await grant({ environment: 'ml-gone' });
      await service.revoke(revoked.id, LEAD);
      // Granted at the same instant: in check order here.
      const active = (
        await service.active(new Date('2026-12-19T23:59:59.999Z'))
      ).sort((a, b) => a.checkId.localeCompare(b.checkId));
      expect(active).toEqual([
        expect.objectContaining({ checkId: 'quota-gpu', team: ML }),
        {
          id: waiver.id,
          checkId: 'required-labels',
          team: ML,
          environment: 'ml-bad',
          justification: 'labels come with the next release',
          expiresAt: '2026-12-20T00:00:00.000Z',
          createdBy: LEAD,
        },
      ]);
      expect(active[0]).not.toHaveProperty('environment');
      expect(await service.active(new Date('2026-12-20T00:00:00Z'))).toEqual(
        [],
      );
    });
  },
);
