import { databases, makeStores } from '../__testUtils__/database';
import { APPS, event, ML } from '../__testUtils__/fixtures';

jest.setTimeout(120_000);

describe.each(databases.eachSupportedId())(
  'BudgetService on %p',
  databaseId => {
    it('stores team and cost-center budgets and reports each against the month', async () => {
      const { budgets, budgetService, facts, service } = await makeStores(
        databaseId,
      );
      // One environment of 1 mi300x GPU (2.90/h), nothing else, from Nov 1st; 10 days in.
      await facts.add({
        environmentEvents: [
          event({
            id: 'e',
            environmentId: 'ml-a',
            at: '2026-11-01T00:00:00Z',
            costCenter: 'CC-1',
            quota: { gpus: 1, cpu: 0, memoryGi: 0, storageGi: 0 },
            monthlyBudget: 50,
          }),
        ],
      });
      const now = new Date('2026-11-11T00:00:00Z');
      await service.recomputeHours('2026-11-01T00:00:00Z', now, now);
      const meta = {
        currency: 'USD',
        updatedBy: 'user:default/lead',
        updatedAt: now.toISOString(),
      };
      await budgets.put({
        scope: 'team',
        subject: ML,
        monthlyMicros: 100_000_000,
        ...meta,
      });
      await budgets.put({
        scope: 'team',
        subject: ML,
        monthlyMicros: 1_000_000_000,
        ...meta,
      });
      await budgets.put({
        scope: 'cost-center',
        subject: 'CC-1',
        monthlyMicros: 500_000_000,
        ...meta,
      });
      await budgets.put({
        scope: 'team',
        subject: APPS,
        monthlyMicros: 1,
        ...meta,
      });

      const statuses = await budgetService.status({
        month: '2026-11',
        teams: [ML],
        now,
      });
      const spent = 240 * 2_900_000; // 10 days of 24 GPU-hours
      const forecast = spent * 3;
      expect(statuses).toEqual([
        {
          scope: 'cost-center',
          subject: 'CC-1',
          month: '2026-11',
          currency: 'USD',
          budgetMicros: 500_000_000,
          monthToDateMicros: spent,
          forecast: {
            costMicros: forecast,
            lowMicros: forecast,
            highMicros: forecast,
          },
          thresholds: ['actual-50', 'actual-80', 'actual-100', 'forecast-100'],
        },
        expect.objectContaining({
          scope: 'team',
          subject: ML,
          budgetMicros: 1_000_000_000,
          monthToDateMicros: spent,
          thresholds: ['actual-50', 'forecast-100'],
        }),
        expect.objectContaining({
          scope: 'environment',
          subject: 'ml-a',
          budgetMicros: 50_000_000,
          thresholds: ['actual-50', 'actual-80', 'actual-100', 'forecast-100'],
        }),
      ]);

      expect(await budgets.remove('team', ML)).toBe(true);
      expect(await budgets.remove('team', ML)).toBe(false);
      expect((await budgets.list()).map(b => b.subject)).toEqual([
        'CC-1',
        APPS,
      ]);
    });
  },
);
