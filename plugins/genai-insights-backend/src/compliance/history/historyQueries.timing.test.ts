/**
 * The history page's queries over a year of daily history of 500 environments (50 teams, 10
 * checks), on both engines: each read the route makes stays well under 200 ms at the 95th
 * percentile. The rows are written through the store, one day at a time, as the task does.
 */
import { databases, makeStores } from '../../__testUtils__/database';
import { DatabaseHistoryStore } from './DatabaseHistoryStore';
import type { DailyCheck, DailyScore, DayRange } from './HistoryStore';
import { PLATFORM } from './HistoryStore';
import { addDays } from './snapshotOf';

jest.setTimeout(600_000);

const DAYS = 366;
const ENVIRONMENTS = 500;
const TEAMS = 50;
const CHECKS = 10;
const FIRST = '2026-01-01';
const YEAR: DayRange = { from: FIRST, to: addDays(FIRST, DAYS - 1) };
/** A year as the route reads it: a day a week. */
const WEEKLY: DayRange = { ...YEAR, every: 7 };
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

function day(d: number): {
  day: string;
  scores: DailyScore[];
  checks: DailyCheck[];
} {
  const scores: DailyScore[] = [
    { kind: 'platform', name: PLATFORM, score: score(d) },
  ];
  const checks: DailyCheck[] = [];
  const counts = (i: number) => ({
    passed: i % 9,
    failed: i % 3,
    errored: 0,
    waived: i % 2,
    notApplicable: 1,
  });
  for (let c = 0; c < CHECKS; c++) {
    checks.push({
      kind: 'platform',
      name: PLATFORM,
      checkId: `check-${c}`,
      ...counts(d + c),
    });
  }
  for (let t = 0; t < TEAMS; t++) {
    scores.push({ kind: 'team', name: team(t), score: score(d + t) });
    for (let c = 0; c < CHECKS; c++) {
      checks.push({
        kind: 'team',
        name: team(t),
        checkId: `check-${c}`,
        ...counts(d + t + c),
      });
    }
  }
  for (let cc = 0; cc < 20; cc++) {
    scores.push({ kind: 'cost-center', name: `CC-${cc}`, score: score(cc) });
  }
  for (let e = 0; e < ENVIRONMENTS; e++) {
    scores.push({
      kind: 'environment',
      name: environment(e),
      team: team(e % TEAMS),
      score: score(d + e),
      level: e % 3 ? 'Bronze' : undefined,
    });
  }
  return { day: addDays(FIRST, d), scores, checks };
}

/** The 95th percentile of `runs` timings of `read`, in ms. */
async function p95(read: () => Promise<unknown>, runs = 40): Promise<number> {
  await read();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await read();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.ceil(0.95 * runs) - 1];
}

describe.each(databases.eachSupportedId())(
  'history queries over a year of 500 environments on %p',
  databaseId => {
    it('stay well under 200 ms at p95', async () => {
      const { database, knex } = await makeStores(databaseId);
      const store = await DatabaseHistoryStore.create({ database });
      const seeding = Date.now();
      for (let d = 0; d < DAYS; d++) await store.writeDay(day(d));
      const seeded = Date.now() - seeding;
      if (databaseId === 'POSTGRES_15') await knex.raw('analyze');
      const [{ n }] = await knex('compliance_daily_scores').count({ n: '*' });
      expect(Number(n)).toBe(DAYS * (1 + TEAMS + 20 + ENVIRONMENTS));

      const lastDays = (count: number): DayRange => ({
        from: addDays(YEAR.to, 1 - count),
        to: YEAR.to,
      });
      const mine = [team(1), team(2), team(3)];
      const env = environment(123);
      // The reads of `GET /compliance/history`, as the route makes them.
      const everyTeam = (range: DayRange) => () =>
        Promise.all([
          store.scores('team', undefined, range),
          store.scores('platform', [PLATFORM], range),
          store.checks('platform', [PLATFORM], range),
        ]);
      const threeTeams = (range: DayRange) => () =>
        Promise.all([
          store.scores('team', mine, range),
          store.checks('team', mine, range),
        ]);
      const oneEnvironment = (range: DayRange) => async () => {
        await store.environmentTeams(env, range);
        return store.scores('environment', [env], range);
      };
      const timings = {
        // Those who read every team, no team asked: the platform and every team's series.
        everyTeam90Days: await p95(everyTeam(lastDays(90))),
        everyTeamYearWeekly: await p95(everyTeam(WEEKLY)),
        // A member of three teams: their series and checks.
        threeTeams90Days: await p95(threeTeams(lastDays(90))),
        threeTeams92Days: await p95(threeTeams(lastDays(92))),
        threeTeamsYearWeekly: await p95(threeTeams(WEEKLY)),
        // One environment: whose it is, then its series.
        environment92Days: await p95(oneEnvironment(lastDays(92))),
        environmentYearWeekly: await p95(oneEnvironment(WEEKLY)),
        // The hourly snapshot: a day of 571 scores and 510 check rows replaced.
        writeDay: await p95(() => store.writeDay(day(DAYS - 1)), 10),
      };
      // eslint-disable-next-line no-console
      console.log(
        `${databaseId}: seeded ${DAYS} days in ${seeded} ms; p95 ms ${JSON.stringify(
          Object.fromEntries(
            Object.entries(timings).map(([k, v]) => [
              k,
              Math.round(v * 10) / 10,
            ]),
          ),
        )}`,
      );
      // Half the budget, so that "well under" holds on a busier machine too.
      const slow = Object.entries(timings).filter(
        ([read, ms]) => read !== 'writeDay' && ms >= 100,
      );
      expect(slow).toEqual([]);
      expect((await store.scores('environment', [env], YEAR)).length).toBe(
        DAYS,
      );
      expect((await store.scores('environment', [env], WEEKLY)).length).toBe(
        53,
      );

      // One environment's year is read from the primary key, not by scanning the table.
      const sql = `select * from compliance_daily_scores where kind = 'environment' and name = 'env-123' and day between '${YEAR.from}' and '${YEAR.to}' order by name, day`;
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
