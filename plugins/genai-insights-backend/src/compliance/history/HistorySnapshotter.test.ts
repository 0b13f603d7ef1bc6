import { mockServices } from '@backstage/backend-test-utils';
import { databases, makeStores } from '../../__testUtils__/database';
import { ML } from '../../__testUtils__/fixtures';
import type { ScoredEvaluation } from '../ComplianceService';
import { evaluation } from './__testUtils__/evaluation';
import { DatabaseHistoryStore } from './DatabaseHistoryStore';
import { HISTORY_TASK_ID, HistorySnapshotter } from './HistorySnapshotter';

jest.setTimeout(120_000);

describe.each(databases.eachSupportedId())(
  'HistorySnapshotter on %p',
  databaseId => {
    /** A snapshotter whose clock and current answer the test sets. */
    async function setup(historyDays = 365) {
      const { database } = await makeStores(databaseId);
      const store = await DatabaseHistoryStore.create({ database });
      const state = {
        now: new Date('2026-12-01T10:00:00.000Z'),
        answer: evaluation('2026-12-01T10:00:00.000Z', 'fail') as
          | ScoredEvaluation
          | Error,
      };
      const snapshotter = new HistorySnapshotter({
        compliance: {
          current: async () => {
            if (state.answer instanceof Error) throw state.answer;
            return state.answer;
          },
        },
        store,
        historyDays,
        logger: mockServices.logger.mock(),
        clock: () => state.now,
      });
      /** Moves the clock, with the answer evaluated then. */
      const at = (iso: string, mlQuota: 'pass' | 'fail') => {
        state.now = new Date(iso);
        state.answer = evaluation(iso, mlQuota);
      };
      const mlPercent = async (from: string, to: string) =>
        (await store.scores('team', [ML], { from, to })).map(s => [
          s.day,
          s.score.percent,
        ]);
      return { store, snapshotter, state, at, mlPercent };
    }

    it("writes today's snapshot, and a later run the same day replaces it", async () => {
      const { store, snapshotter, at, mlPercent } = await setup();
      expect(await snapshotter.run()).toEqual({
        day: '2026-12-01',
        scores: 8,
        checks: 6,
        purged: { scores: 0, checks: 0 },
      });
      expect(await mlPercent('2026-12-01', '2026-12-01')).toEqual([
        ['2026-12-01', (100 * 12) / 22],
      ]);
      at('2026-12-01T23:00:00.000Z', 'pass');
      await snapshotter.run();
      expect(await mlPercent('2026-12-01', '2026-12-01')).toEqual([
        ['2026-12-01', 100],
      ]);
      expect(
        (
          await store.checks('team', [ML], {
            from: '2026-12-01',
            to: '2026-12-01',
          })
        ).find(c => c.checkId === 'quota-gpu'),
      ).toMatchObject({ passed: 2, failed: 0 });
      at('2026-12-02T00:10:00.000Z', 'fail');
      await snapshotter.run();
      expect(await mlPercent('2026-12-01', '2026-12-02')).toEqual([
        ['2026-12-01', 100],
        ['2026-12-02', (100 * 12) / 22],
      ]);
    });

    it("keeps a cached answer from before midnight as its own day's", async () => {
      const { snapshotter, state, mlPercent } = await setup();
      state.now = new Date('2026-12-02T00:00:30.000Z');
      expect((await snapshotter.run()).day).toBe('2026-12-01');
      expect(await mlPercent('2026-12-02', '2026-12-02')).toEqual([]);
    });

    it('purges the days more than historyDays before today', async () => {
      const { snapshotter, at, mlPercent } = await setup(2);
      for (const day of ['2026-11-28', '2026-11-29', '2026-11-30']) {
        at(`${day}T12:00:00.000Z`, 'fail');
        await snapshotter.run();
      }
      expect(await mlPercent('2026-11-01', '2026-12-31')).toHaveLength(3);
      at('2026-12-01T12:00:00.000Z', 'pass');
      // Today and the 2 days before it stay: 11-29, 11-30, 12-01.
      expect((await snapshotter.run()).purged).toEqual({
        scores: 8,
        checks: 6,
      });
      expect(
        (await mlPercent('2026-11-01', '2026-12-31')).map(([day]) => day),
      ).toEqual(['2026-11-29', '2026-11-30', '2026-12-01']);
    });

    it('fails without touching the day when the answer fails', async () => {
      const { snapshotter, state, mlPercent } = await setup();
      await snapshotter.run();
      state.answer = new Error('the cluster is unreachable');
      await expect(snapshotter.run()).rejects.toThrow(
        'the cluster is unreachable',
      );
      await expect(
        snapshotter.task().fn(new AbortController().signal),
      ).rejects.toThrow('the cluster is unreachable');
      expect(await mlPercent('2026-12-01', '2026-12-01')).toEqual([
        ['2026-12-01', (100 * 12) / 22],
      ]);
    });

    it('runs hourly as one global task', async () => {
      const { snapshotter, mlPercent } = await setup();
      const task = snapshotter.task();
      expect(task).toMatchObject({
        id: HISTORY_TASK_ID,
        frequency: { minutes: 60 },
        scope: 'global',
      });
      await task.fn(new AbortController().signal);
      expect(await mlPercent('2026-12-01', '2026-12-01')).toHaveLength(1);
    });
  },
);
