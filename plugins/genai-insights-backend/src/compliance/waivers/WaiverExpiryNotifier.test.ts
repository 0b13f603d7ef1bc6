import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import { databases, makeStores } from '../../__testUtils__/database';
import { APPS, ML } from '../../__testUtils__/fixtures';
import { fakeClock } from '../../collect/__testUtils__/FakeFeed';
import { CatalogTeamContacts } from '../../notify/BudgetRecipients';
import { createWaiverCapability } from './createWaiverCapability';
import { DatabaseWaiverStore } from './DatabaseWaiverStore';
import { WaiverExpiryNotifier } from './WaiverExpiryNotifier';
import { WaiverService } from './WaiverService';

jest.setTimeout(120_000);

const MARCO = 'user:default/marco.rossi';
const SOFIA = 'user:default/sofia.lead';
const PRIYA = 'user:default/priya.raman';
const HOUR = 3_600_000;

const group = (name: string, annotations?: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default', annotations },
  spec: { type: 'team', children: [] },
});

const CATALOG = [
  group('ml-research', {
    'genai-playground.io/leads': 'marco.rossi, user:default/sofia.lead',
  }),
  // No leads: its members are not told of waivers.
  group('genai-apps'),
];

describe.each(databases.eachSupportedId())(
  'WaiverExpiryNotifier on %p',
  databaseId => {
    async function setup() {
      const stores = await makeStores(databaseId);
      const store = await DatabaseWaiverStore.create(stores);
      const clock = fakeClock('2026-12-01T00:00:00Z');
      const service = new WaiverService({ store, clock });
      const sent: NotificationSendOptions[] = [];
      let failNext = 0;
      const notifications = {
        send: async (options: NotificationSendOptions) => {
          if (failNext > 0) {
            failNext -= 1;
            throw new Error('notifications backend unavailable');
          }
          sent.push(options);
        },
      };
      const logger = mockServices.logger.mock();
      // A new notifier each run, as after a restart or on another replica: only the database
      // remembers what was told.
      const run = () =>
        new WaiverExpiryNotifier({
          store,
          teams: new CatalogTeamContacts({
            catalog: catalogServiceMock({ entities: CATALOG }),
            auth: mockServices.auth(),
          }),
          notifications,
          logger,
          clock,
        }).run();
      const grant = (
        overrides: Partial<Parameters<WaiverService['create']>[0]> = {},
      ) =>
        service.create({
          checkId: 'required-labels',
          team: ML,
          environment: 'ml-bad',
          justification: 'labels come with the next release',
          expiresAt: '2026-12-20T00:00:00.000Z',
          createdBy: PRIYA,
          ...overrides,
        });
      return {
        store,
        service,
        clock,
        sent,
        logger,
        run,
        grant,
        failNextSends: (n: number) => {
          failNext = n;
        },
      };
    }

    it('tells the creator and the leads once, a week before the waiver expires', async () => {
      const s = await setup();
      const waiver = await s.grant();
      // More than a week before: nothing.
      s.clock.set('2026-12-12T23:00:00Z');
      expect(await s.run()).toEqual([]);

      s.clock.set('2026-12-13T00:30:00Z');
      expect(await s.run()).toEqual([
        { id: waiver.id, recipients: [PRIYA, MARCO, SOFIA] },
      ]);
      expect(s.sent).toHaveLength(1);
      expect(s.sent[0]).toEqual({
        recipients: { type: 'entity', entityRef: [PRIYA, MARCO, SOFIA] },
        payload: {
          title:
            'The waiver of check required-labels for environment ml-bad expires on 2026-12-20',
          description: expect.stringContaining(
            'It stops counting at 2026-12-20T00:00:00.000Z',
          ),
          link: '/genai-insights/compliance',
          severity: 'normal',
          topic: 'genai-insights-compliance-waiver',
          scope: `genai-insights-compliance-waiver:${waiver.id}`,
        },
      });
      expect((await s.service.get(waiver.id)).expiryNotifiedAt).toBe(
        '2026-12-13T00:30:00.000Z',
      );

      // Hourly runs until it expires, and after: not again.
      for (let i = 0; i < 24 * 8; i++) {
        s.clock.advance(HOUR);
        expect(await s.run()).toEqual([]);
      }
      expect(s.sent).toHaveLength(1);
    });

    it('tries again after a failed send, and tells no one of a revoked waiver', async () => {
      const s = await setup();
      const waiver = await s.grant({ createdBy: MARCO });
      const revoked = await s.grant({ environment: 'ml-good' });
      await s.service.revoke(revoked.id, PRIYA);
      s.clock.set('2026-12-14T00:00:00Z');
      s.failNextSends(1);
      expect(await s.run()).toEqual([]);
      expect(s.logger.warn).toHaveBeenCalledWith(
        expect.stringContaining('notifications backend unavailable'),
      );
      expect((await s.service.get(waiver.id)).expiryNotifiedAt).toBeUndefined();

      s.clock.advance(HOUR);
      // The creator is a lead: told once.
      expect(await s.run()).toEqual([
        { id: waiver.id, recipients: [MARCO, SOFIA] },
      ]);
      expect(await s.run()).toEqual([]);
    });

    it("tells a team's waiver to its creator only when the team names no leads, and warns when no one is left", async () => {
      const s = await setup();
      const apps = await s.grant({
        team: APPS,
        environment: undefined,
        createdBy: 'user:default/kenji.lead',
      });
      const byService = await s.grant({
        team: APPS,
        environment: 'apps-a',
        createdBy: 'plugin:catalog',
      });
      s.clock.set('2026-12-14T00:00:00Z');
      expect(await s.run()).toEqual([
        { id: apps.id, recipients: ['user:default/kenji.lead'] },
      ]);
      expect(s.sent[0].payload.title).toBe(
        'The waiver of check required-labels for every environment of team genai-apps expires on 2026-12-20',
      );
      expect(s.logger.warn).toHaveBeenCalledWith(
        `Compliance waiver ${byService.id} expires at 2026-12-20T00:00:00.000Z; no one to notify`,
      );
      // Not a flood: the warning is once too.
      expect(await s.run()).toEqual([]);
      expect(s.logger.warn).toHaveBeenCalledTimes(1);
    });

    it('is an hourly task, unless notifications are turned off', async () => {
      const stores = await makeStores(databaseId);
      const options = {
        database: stores.database,
        catalog: catalogServiceMock({ entities: CATALOG }),
        auth: mockServices.auth(),
        notifications: { send: async () => {} },
        logger: mockServices.logger.mock(),
      };
      const on = await createWaiverCapability({
        ...options,
        config: { notifications: { enabled: true, adminGroups: [] } },
      });
      expect(on.service).toBeInstanceOf(WaiverService);
      expect(on.tasks).toEqual([
        expect.objectContaining({
          id: 'genai-insights-compliance-waiver-expiry',
          frequency: { hours: 1 },
          scope: 'global',
        }),
      ]);
      const off = await createWaiverCapability({
        ...options,
        config: { notifications: { enabled: false, adminGroups: [] } },
      });
      expect(off.tasks).toBeUndefined();
      expect(off.service).toBeInstanceOf(WaiverService);
    });
  },
);
