import { databases, makeStores } from '../../__testUtils__/database';
import { APPS, ML } from '../../__testUtils__/fixtures';
import { DatabaseHistoryStore, daysOf } from './DatabaseHistoryStore';
import type { DailyScore, DailySnapshot } from './HistoryStore';

jest.setTimeout(120_000);

/** A score of `passed` of `applicable` weight, the counts to match. */
const score = (passed: number, applicable: number) => ({
  percent: applicable ? (100 * passed) / applicable : null,
  passedWeight: passed,
  applicableWeight: applicable,
  passed: passed ? 1 : 0,
  failed: passed < applicable ? 1 : 0,
  errored: 0,
  waived: 0,
  notApplicable: 2,
});

const env = (name: string, team: string | undefined, passed: number) =>
  ({
    kind: 'environment',
    name,
    ...(team ? { team } : {}),
    score: score(passed, 10),
    ...(passed === 10 ? { level: 'Gold' } : {}),
  } as DailyScore);

function snapshot(day: string, mlPassed: number): DailySnapshot {
  return {
    day,
    scores: [
      { kind: 'platform', name: 'platform', score: score(mlPassed + 10, 20) },
      { kind: 'team', name: ML, score: score(mlPassed, 10) },
      { kind: 'team', name: APPS, score: score(10, 10) },
      { kind: 'cost-center', name: 'CC-1', score: score(0, 0) },
      env('ml-a', ML, mlPassed),
      env('apps-a', APPS, 10),
      env('loose', undefined, 0),
    ],
    checks: [
      {
        kind: 'platform',
        name: 'platform',
        checkId: 'quota-gpu',
        passed: mlPassed === 10 ? 2 : 1,
        failed: mlPassed === 10 ? 0 : 1,
        errored: 0,
        waived: 0,
        notApplicable: 1,
      },
      {
        kind: 'team',
        name: ML,
        checkId: 'quota-gpu',
        passed: mlPassed === 10 ? 1 : 0,
        failed: mlPassed === 10 ? 0 : 1,
        errored: 0,
        waived: 0,
        notApplicable: 0,
      },
    ],
  };
}

describe.each(databases.eachSupportedId())(
  'DatabaseHistoryStore on %p',
  databaseId => {
    async function makeStore() {
      const { database, knex } = await makeStores(databaseId);
      return { store: await DatabaseHistoryStore.create({ database }), knex };
    }

    it('reads back what a day kept, by kind, names and days', async () => {
      const { store } = await makeStore();
      await store.writeDay(snapshot('2026-12-01', 0));
      await store.writeDay(snapshot('2026-12-02', 10));
      await store.writeDay(snapshot('2026-12-03', 10));

      const range = { from: '2026-12-01', to: '2026-12-02' };
      expect(await store.scores('team', [ML], range)).toEqual([
        { day: '2026-12-01', kind: 'team', name: ML, score: score(0, 10) },
        { day: '2026-12-02', kind: 'team', name: ML, score: score(10, 10) },
      ]);
      expect(
        (await store.scores('team', undefined, range)).map(
          s => `${s.name} ${s.day}`,
        ),
      ).toEqual([
        `${APPS} 2026-12-01`,
        `${APPS} 2026-12-02`,
        `${ML} 2026-12-01`,
        `${ML} 2026-12-02`,
      ]);
      // An environment's rows keep its team and level; null percent stays null.
      expect(await store.scores('environment', ['ml-a'], range)).toEqual([
        {
          day: '2026-12-01',
          kind: 'environment',
          name: 'ml-a',
          team: ML,
          score: score(0, 10),
        },
        {
          day: '2026-12-02',
          kind: 'environment',
          name: 'ml-a',
          team: ML,
          score: score(10, 10),
          level: 'Gold',
        },
      ]);
      expect(
        (await store.scores('cost-center', ['CC-1'], range))[0].score.percent,
      ).toBeNull();
      expect(await store.checks('team', [ML], range)).toEqual([
        {
          kind: 'team',
          name: ML,
          day: '2026-12-01',
          checkId: 'quota-gpu',
          passed: 0,
          failed: 1,
          errored: 0,
          waived: 0,
          notApplicable: 0,
        },
        {
          kind: 'team',
          name: ML,
          day: '2026-12-02',
          checkId: 'quota-gpu',
          passed: 1,
          failed: 0,
          errored: 0,
          waived: 0,
          notApplicable: 0,
        },
      ]);
      expect(
        (await store.checks('platform', ['platform'], range)).map(
          c => c.passed,
        ),
      ).toEqual([1, 2]);
      expect(await store.scores('team', [], range)).toEqual([]);
      expect(
        await store.scores('team', ['group:default/nobody'], range),
      ).toEqual([]);
    });

    it("replaces a day's rows with its last snapshot", async () => {
      const { store, knex } = await makeStore();
      await store.writeDay(snapshot('2026-12-01', 0));
      const later = snapshot('2026-12-01', 10);
      // The environment was deleted during the day: it is not in the day's last snapshot.
      later.scores = later.scores.filter(s => s.name !== 'apps-a');
      await store.writeDay(later);
      const day = { from: '2026-12-01', to: '2026-12-01' };
      expect(
        (await store.scores('team', [ML], day)).map(s => s.score.percent),
      ).toEqual([100]);
      expect(await store.scores('environment', ['apps-a'], day)).toEqual([]);
      expect(
        Number(
          (
            await knex('compliance_daily_checks')
              .where({ day: '2026-12-01' })
              .count({ n: '*' })
          )[0].n,
        ),
      ).toBe(2);
    });

    it('leaves the previous snapshot when a write fails half way', async () => {
      const { store } = await makeStore();
      await store.writeDay(snapshot('2026-12-01', 0));
      const broken = snapshot('2026-12-01', 10);
      // The same key twice: the second insert breaks the primary key after the deletes ran.
      broken.checks.push({ ...broken.checks[0] });
      const failure = await store.writeDay(broken).then(
        () => 'written',
        (e: unknown) => String(e),
      );
      expect(failure).toMatch(/UNIQUE constraint failed|duplicate key value/);
      const day = { from: '2026-12-01', to: '2026-12-01' };
      expect(
        (await store.scores('team', [ML], day)).map(s => s.score.percent),
      ).toEqual([0]);
      expect(
        (await store.checks('team', [ML], day)).map(c => c.failed),
      ).toEqual([1]);
    });

    it("tells whose an environment's history is", async () => {
      const { store } = await makeStore();
      await store.writeDay(snapshot('2026-12-01', 0));
      const moved = snapshot('2026-12-02', 0);
      moved.scores = moved.scores.map(s =>
        s.name === 'ml-a' ? { ...s, team: APPS } : s,
      );
      await store.writeDay(moved);
      const both = { from: '2026-12-01', to: '2026-12-02' };
      expect((await store.environmentTeams('ml-a', both))?.sort()).toEqual(
        [APPS, ML].sort(),
      );
      expect(
        await store.environmentTeams('ml-a', {
          from: '2026-12-01',
          to: '2026-12-01',
        }),
      ).toEqual([ML]);
      // Outside its days: its latest team.
      expect(
        await store.environmentTeams('ml-a', {
          from: '2027-01-01',
          to: '2027-01-05',
        }),
      ).toEqual([APPS]);
      expect(await store.environmentTeams('loose', both)).toEqual([null]);
      expect(await store.environmentTeams('nowhere', both)).toBeUndefined();
    });

    it('reads one day a week, counting back from the last day', async () => {
      const { store } = await makeStore();
      for (let d = 1; d <= 16; d++) {
        await store.writeDay(
          snapshot(`2026-12-${String(d).padStart(2, '0')}`, d % 2 ? 0 : 10),
        );
      }
      const weekly = { from: '2026-12-01', to: '2026-12-16', every: 7 };
      expect(
        (await store.scores('team', [ML], weekly)).map(s => s.day),
      ).toEqual(['2026-12-02', '2026-12-09', '2026-12-16']);
      expect(
        (await store.checks('team', undefined, weekly)).map(c => c.day),
      ).toEqual(['2026-12-02', '2026-12-09', '2026-12-16']);
      // Whose an environment is looks at every day of the range.
      expect(await store.environmentTeams('ml-a', weekly)).toEqual([ML]);
      expect(
        daysOf({ from: '2026-12-30', to: '2027-01-12', every: 7 }),
      ).toEqual(['2027-01-12', '2027-01-05']);
      expect(daysOf({ from: '2026-12-01', to: '2026-12-16' })).toBeUndefined();
    });

    it('purges the days before a day, and nothing after', async () => {
      const { store } = await makeStore();
      for (const day of ['2026-11-30', '2026-12-01', '2026-12-02']) {
        await store.writeDay(snapshot(day, 0));
      }
      expect(await store.purgeBefore('2026-12-02')).toEqual({
        scores: 14,
        checks: 4,
      });
      const all = { from: '2026-01-01', to: '2027-01-01' };
      expect(
        (await store.scores('platform', ['platform'], all)).map(s => s.day),
      ).toEqual(['2026-12-02']);
      expect(
        (await store.checks('team', undefined, all)).map(c => c.day),
      ).toEqual(['2026-12-02']);
      expect(await store.purgeBefore('2026-12-02')).toEqual({
        scores: 0,
        checks: 0,
      });
    });

    it('reads many names in several queries', async () => {
      const { store } = await makeStore();
      const names = Array.from(
        { length: 1200 },
        (_, i) => `env-${String(i).padStart(4, '0')}`,
      );
      await store.writeDay({
        day: '2026-12-01',
        scores: names.map(n => env(n, ML, 5)),
        checks: [],
      });
      const read = await store.scores('environment', names, {
        from: '2026-12-01',
        to: '2026-12-01',
      });
      expect(read.map(r => r.name)).toEqual(names);
    });
  },
);
