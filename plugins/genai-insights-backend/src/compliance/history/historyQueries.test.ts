/**
 * How the history page's reads reach the rows, on both engines: one environment's range of days
 * is read through the primary key (kind, name, day), not by scanning the table. How fast the
 * page's queries are over a year of 500 environments is `yarn bench:compliance`'s to measure.
 */
import { databases, makeStores } from '../../__testUtils__/database';
import { DatabaseHistoryStore } from './DatabaseHistoryStore';
import type { DailyScore, DailySnapshot } from './HistoryStore';
import { PLATFORM } from './HistoryStore';
import { addDays } from './snapshotOf';

jest.setTimeout(120_000);

const DAYS = 60;
const ENVIRONMENTS = 500;
const TEAMS = 25;
const FIRST = '2026-01-01';
const LAST = addDays(FIRST, DAYS - 1);
const team = (i: number) => `group:default/team-${String(i).padStart(2, '0')}`;
const environment = (i: number) => `env-${String(i).padStart(3, '0')}`;

function score(seed: number) {
  const passed = seed % 30;
  return {
    percent: (100 * passed) / 30,
    passedWeight: passed,
    applicableWeight: 30,
    passed: passed % 7,
    failed: 3,
    errored: 0,
    waived: 1,
    notApplicable: 2,
  };
}

/** A day's scores of the platform, the teams and the environments. */
function day(d: number): DailySnapshot {
  const scores: DailyScore[] = [
    { kind: 'platform', name: PLATFORM, score: score(d) },
  ];
  for (let t = 0; t < TEAMS; t++) {
    scores.push({ kind: 'team', name: team(t), score: score(d + t) });
  }
  for (let e = 0; e < ENVIRONMENTS; e++) {
    scores.push({
      kind: 'environment',
      name: environment(e),
      team: team(e % TEAMS),
      score: score(d + e),
    });
  }
  return { day: addDays(FIRST, d), scores, checks: [] };
}

describe.each(databases.eachSupportedId())(
  'history queries on %p',
  databaseId => {
    it("read one environment's days through the primary key", async () => {
      const { database, knex } = await makeStores(databaseId);
      const store = await DatabaseHistoryStore.create({ database });
      for (let d = 0; d < DAYS; d++) await store.writeDay(day(d));
      if (databaseId === 'POSTGRES_15') await knex.raw('analyze');

      const range = { from: FIRST, to: LAST };
      expect(
        await store.scores('environment', ['env-123'], range),
      ).toHaveLength(DAYS);

      // The query the store makes for one environment's series.
      const sql = `select * from compliance_daily_scores where kind = 'environment' and name = 'env-123' and day between '${FIRST}' and '${LAST}' order by name, day`;
      const plan =
        databaseId === 'POSTGRES_15'
          ? (await knex.raw(`explain ${sql}`)).rows.map(
              (r: any) => r['QUERY PLAN'],
            )
          : (await knex.raw(`explain query plan ${sql}`)).map(
              (r: any) => r.detail,
            );
      expect(plan.join('\n')).toMatch(
        /compliance_daily_scores_pkey|sqlite_autoindex_compliance_daily_scores/,
      );
    });
  },
);
