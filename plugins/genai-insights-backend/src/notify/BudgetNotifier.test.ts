import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import { databases, makeStores } from '../__testUtils__/database';
import { APPS, event, ML } from '../__testUtils__/fixtures';
import { fakeClock } from '../collect/__testUtils__/FakeFeed';
import { CatalogTeamContacts, parseLeads } from './BudgetRecipients';
import { BudgetNotifier } from './BudgetNotifier';
import { createNotificationsCapability } from './createNotificationsCapability';
import { DatabaseNotificationLog } from './NotificationLog';

jest.setTimeout(120_000);

const ADMINS = 'group:default/platform-team';
const LEADS = ['user:default/ann.lead', 'user:default/bob.lead'];

const group = (name: string, annotations?: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default', annotations },
  spec: { type: 'team', children: [] },
});

const CATALOG = [
  group('ml-research', {
    'genai-playground.io/leads':
      'ann.lead, user:default/bob.lead, group:default/x,',
  }),
  group('genai-apps'),
  group('platform-team'),
];

/** Notifications as sent: one line each. */
const lines = (sends: NotificationSendOptions[]) =>
  sends.map(({ recipients, payload }) => ({
    to: recipients.type === 'entity' ? recipients.entityRef : recipients.type,
    title: payload.title,
  }));

describe.each(databases.eachSupportedId())(
  'BudgetNotifier on %p',
  databaseId => {
    async function setup() {
      const stores = await makeStores(databaseId);
      const clock = fakeClock('2026-12-02T00:00:00Z');
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
      const notifier = async () =>
        new BudgetNotifier({
          budgets: stores.budgetService,
          facts: stores.facts,
          log: await DatabaseNotificationLog.create({
            database: stores.database,
          }),
          teams: new CatalogTeamContacts({
            catalog: catalogServiceMock({ entities: CATALOG }),
            auth: mockServices.auth(),
          }),
          notifications,
          adminGroups: [ADMINS],
          logger,
          clock,
        });
      await stores.facts.add({
        environmentEvents: [
          // 8.636493 a day's hour in reserved cost: 207.28 a day.
          event({
            id: 'ml-a',
            environmentId: 'ml-a',
            at: '2026-12-01T00:00:00Z',
            monthlyBudget: 1000,
          }),
          // 3.556 an hour: 85.34 a day.
          event({
            id: 'apps-a',
            environmentId: 'apps-a',
            team: APPS,
            costCenter: 'CC-200',
            at: '2026-12-01T00:00:00Z',
            quota: { gpus: 1, cpu: 1, memoryGi: 1, storageGi: 0 },
          }),
          // 0.05 an hour: 1.20 a day, against a budget of 10.
          event({
            id: 'apps-b',
            environmentId: 'apps-b',
            team: APPS,
            costCenter: 'CC-300',
            at: '2026-12-01T00:00:00Z',
            quota: { gpus: 0, cpu: 1, memoryGi: 0, storageGi: 0 },
            monthlyBudget: 10,
          }),
        ],
      });
      const budget = (
        scope: 'team' | 'cost-center',
        subject: string,
        amount: number,
      ) =>
        stores.budgets.put({
          scope,
          subject,
          monthlyMicros: amount * 1_000_000,
          currency: 'USD',
          updatedBy: 'user:default/ann.lead',
          updatedAt: '2026-12-01T00:00:00.000Z',
        });
      await budget('team', ML, 400);
      await budget('cost-center', 'CC-200', 100);
      const spendUntil = async (time: string) => {
        clock.set(time);
        await stores.service.recomputeHours(
          '2026-12-01T00:00:00Z',
          time,
          clock(),
        );
      };
      return {
        ...stores,
        clock,
        sent,
        logger,
        notifier,
        budget,
        spendUntil,
        failNextSends: (n: number) => {
          failNext = n;
        },
      };
    }

    it('notifies each threshold newly crossed once, to leads, teams and admins', async () => {
      const s = await setup();
      await s.spendUntil('2026-12-02T00:00:00Z');
      const first = await (await s.notifier()).run();
      expect(first.map(n => [n.scope, n.subject, n.threshold])).toEqual([
        ['cost-center', 'CC-200', 'actual-50'],
        ['cost-center', 'CC-200', 'actual-80'],
        ['cost-center', 'CC-200', 'forecast-100'],
        ['team', ML, 'actual-50'],
        ['team', ML, 'forecast-100'],
        ['environment', 'apps-b', 'forecast-100'],
        ['environment', 'ml-a', 'forecast-100'],
      ]);
      expect(lines(s.sent)).toEqual([
        {
          to: [ADMINS],
          title: 'Cost center CC-200 has spent half of its budget for 2026-12',
        },
        {
          to: [ADMINS],
          title: 'Cost center CC-200 has spent 80% of its budget for 2026-12',
        },
        {
          to: [ADMINS],
          title:
            'Cost center CC-200 is forecast to exceed its budget for 2026-12',
        },
        {
          to: LEADS,
          title: 'Team ml-research has spent half of its budget for 2026-12',
        },
        {
          to: LEADS,
          title:
            'Team ml-research is forecast to exceed its budget for 2026-12',
        },
        // A team without leads: its group, whose members are notified.
        {
          to: [APPS],
          title:
            'Environment apps-b is forecast to exceed its budget for 2026-12',
        },
        {
          to: LEADS,
          title:
            'Environment ml-a is forecast to exceed its budget for 2026-12',
        },
      ]);
      expect(s.sent[3].payload).toEqual({
        title: 'Team ml-research has spent half of its budget for 2026-12',
        description: expect.stringMatching(
          /^207\.28 USD of 400\.00 USD \(51%\) spent in 2026-12 so far; the month-end forecast is [\d,.]+ USD \([\d,.]+ USD to [\d,.]+ USD\)\.$/,
        ),
        link: '/genai-insights/cost?team=ml-research',
        severity: 'normal',
        topic: 'genai-insights-budget',
        scope: 'genai-insights-budget:team:group:default/ml-research:2026-12',
      });
      expect(s.sent[0].payload).toMatchObject({ link: '/genai-insights/cost' });
      expect(s.sent[6].payload).toMatchObject({
        link: '/genai-insights/cost?team=ml-research',
        severity: 'high',
        scope: 'genai-insights-budget:environment:ml-a:2026-12:forecast',
      });

      // Nothing new: nothing sent, by this notifier or by one started afresh (a restart, a replica).
      s.clock.advance(5 * 60_000);
      expect(await (await s.notifier()).run()).toEqual([]);
      expect(s.sent).toHaveLength(7);

      // A day later the team is past its budget and the cost center too.
      await s.spendUntil('2026-12-03T00:00:00Z');
      const later = await (await s.notifier()).run();
      expect(later.map(n => [n.subject, n.threshold])).toEqual([
        ['CC-200', 'actual-100'],
        [ML, 'actual-80'],
        [ML, 'actual-100'],
      ]);
      expect(s.sent.at(-1)?.payload).toMatchObject({
        title: 'Team ml-research has spent its budget for 2026-12',
        severity: 'critical',
      });
    });

    it('tries a notification again when sending failed, and notifies a changed budget afresh', async () => {
      const s = await setup();
      await s.spendUntil('2026-12-02T00:00:00Z');
      s.failNextSends(1);
      const first = await (await s.notifier()).run();
      expect(first).toHaveLength(6);
      expect(s.logger.warn).toHaveBeenCalledWith(
        expect.stringContaining('notifications backend unavailable'),
      );
      s.clock.advance(5 * 60_000);
      const retried = await (await s.notifier()).run();
      expect(retried.map(n => [n.subject, n.threshold])).toEqual([
        ['CC-200', 'actual-50'],
      ]);

      // A lead changes the budget: the thresholds of the new amount are notified.
      await s.budget('team', ML, 300);
      const raised = await (await s.notifier()).run();
      expect(raised.map(n => [n.subject, n.threshold, n.budgetMicros])).toEqual(
        [
          [ML, 'actual-50', 300_000_000],
          [ML, 'forecast-100', 300_000_000],
        ],
      );
    });

    it('takes over a claim whose sender died, and never a sent one', async () => {
      const s = await setup();
      const log = await DatabaseNotificationLog.create({
        database: s.database,
      });
      const key = {
        scope: 'team',
        subject: ML,
        month: '2026-12',
        threshold: 'actual-50' as const,
        budgetMicros: 400_000_000,
      };
      expect(await log.claim(key, '2026-12-02T00:00:00.000Z')).toBe(true);
      expect(await log.claim(key, '2026-12-02T00:05:00.000Z')).toBe(false);
      expect(await log.claim(key, '2026-12-02T00:11:00.000Z')).toBe(true);
      await log.markSent(key, '2026-12-02T00:11:01.000Z');
      expect(await log.claim(key, '2026-12-03T00:00:00.000Z')).toBe(false);
      await log.release(key);
      expect(await log.claim(key, '2026-12-03T00:00:00.000Z')).toBe(false);
      expect(
        await log.claim(
          { ...key, month: '2027-01' },
          '2027-01-01T00:00:00.000Z',
        ),
      ).toBe(true);
    });

    it('is a task of five minutes, unless turned off', async () => {
      const s = await setup();
      const options = {
        database: s.database,
        budgetService: s.budgetService,
        facts: s.facts,
        catalog: catalogServiceMock({ entities: CATALOG }),
        auth: mockServices.auth(),
        notifications: { send: async () => {} },
        logger: s.logger,
      };
      const on = await createNotificationsCapability({
        ...options,
        config: { notifications: { enabled: true, adminGroups: [ADMINS] } },
      });
      expect(on.tasks).toEqual([
        expect.objectContaining({
          id: 'genai-insights-budget-notifications',
          frequency: { minutes: 5 },
          scope: 'global',
        }),
      ]);
      const off = await createNotificationsCapability({
        ...options,
        config: { notifications: { enabled: false, adminGroups: [ADMINS] } },
      });
      expect(off).toEqual({});
    });
  },
);

describe('parseLeads', () => {
  it('reads user names and refs, and skips the rest', () => {
    expect(parseLeads(undefined)).toEqual([]);
    expect(parseLeads(' ann , user:default/bob,group:default/x,,ann')).toEqual([
      'user:default/ann',
      'user:default/bob',
    ]);
  });
});
