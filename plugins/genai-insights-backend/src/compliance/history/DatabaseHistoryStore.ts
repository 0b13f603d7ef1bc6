import type { DatabaseService } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import type {
  CheckHistoryKind,
  DailyCheck,
  DailyScore,
  DailySnapshot,
  DayRange,
  HistoryKind,
  HistoryStore,
  StoredCheck,
  StoredScore,
} from './HistoryStore';
import { addDays } from './snapshotOf';

const SCORES = 'compliance_daily_scores';
const CHECKS = 'compliance_daily_checks';

/**
 * Rows per insert: under SQLite's 999 bound variables (14 columns a score row), and few
 * round trips for a day of 500 environments.
 */
const CHUNK = 60;

/** `IN` lists longer than this are read in several queries (the same bound on variables). */
const NAMES_PER_QUERY = 500;

/** PostgreSQL returns bigint-ish aggregates as strings; the columns here are plain numbers. */
const num = (value: unknown): number => Number(value ?? 0);

function scoreRow(day: string, s: DailyScore) {
  return {
    day,
    kind: s.kind,
    name: s.name,
    team: s.team ?? null,
    percent: s.score.percent,
    passed_weight: s.score.passedWeight,
    applicable_weight: s.score.applicableWeight,
    passed: s.score.passed,
    failed: s.score.failed,
    errored: s.score.errored,
    waived: s.score.waived,
    not_applicable: s.score.notApplicable,
    level: s.level ?? null,
  };
}

function checkRow(day: string, c: DailyCheck) {
  return {
    day,
    kind: c.kind,
    name: c.name,
    check_id: c.checkId,
    passed: c.passed,
    failed: c.failed,
    errored: c.errored,
    waived: c.waived,
    not_applicable: c.notApplicable,
  };
}

function toScore(r: any): StoredScore {
  return {
    day: r.day,
    kind: r.kind,
    name: r.name,
    ...(r.team ? { team: r.team } : {}),
    score: {
      percent: r.percent === null ? null : Number(r.percent),
      passedWeight: num(r.passed_weight),
      applicableWeight: num(r.applicable_weight),
      passed: num(r.passed),
      failed: num(r.failed),
      errored: num(r.errored),
      waived: num(r.waived),
      notApplicable: num(r.not_applicable),
    },
    ...(r.level ? { level: r.level } : {}),
  };
}

function toCheck(r: any): StoredCheck {
  return {
    kind: r.kind,
    name: r.name,
    day: r.day,
    checkId: r.check_id,
    passed: num(r.passed),
    failed: num(r.failed),
    errored: num(r.errored),
    waived: num(r.waived),
    notApplicable: num(r.not_applicable),
  };
}

/** The days a range reads: every day between, or `to` and each `every`th day before it. */
export function daysOf(range: DayRange): string[] | undefined {
  const every = range.every ?? 1;
  if (every <= 1) return undefined;
  const days: string[] = [];
  for (let day = range.to; day >= range.from; day = addDays(day, -every)) {
    days.push(day);
  }
  return days;
}

/** A query limited to a range's days. */
function inRange(query: Knex.QueryBuilder, range: DayRange) {
  const days = daysOf(range);
  return days
    ? query.whereIn('day', days)
    : query.whereBetween('day', [range.from, range.to]);
}

/** Slices of a list, `size` each. */
function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    out.push(items.slice(i, i + size));
  }
  return out;
}

/**
 * The compliance history on the plugin's database (`compliance_daily_scores`,
 * `compliance_daily_checks`), on PostgreSQL and SQLite. Every read is one kind, some names and
 * a range of days: the primary keys' order.
 */
export class DatabaseHistoryStore implements HistoryStore {
  /** A store on the plugin's database, migrated beforehand (migrateDatabase). */
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseHistoryStore> {
    return new DatabaseHistoryStore(await options.database.getClient());
  }

  private constructor(private readonly db: Knex) {}

  async writeDay(snapshot: DailySnapshot): Promise<void> {
    const { day } = snapshot;
    await this.db.transaction(async trx => {
      await trx(SCORES).where({ day }).delete();
      await trx(CHECKS).where({ day }).delete();
      for (const chunk of chunks(snapshot.scores, CHUNK)) {
        await trx(SCORES).insert(chunk.map(s => scoreRow(day, s)));
      }
      for (const chunk of chunks(snapshot.checks, CHUNK)) {
        await trx(CHECKS).insert(chunk.map(c => checkRow(day, c)));
      }
    });
  }

  async scores(
    kind: HistoryKind,
    names: string[] | undefined,
    range: DayRange,
  ): Promise<StoredScore[]> {
    const rows = await this.#byNames(names, async some => {
      const query = inRange(this.db(SCORES).where({ kind }), range);
      if (some) query.whereIn('name', some);
      return query.orderBy([{ column: 'name' }, { column: 'day' }]);
    });
    return rows.map(toScore);
  }

  async checks(
    kind: CheckHistoryKind,
    names: string[] | undefined,
    range: DayRange,
  ): Promise<StoredCheck[]> {
    const rows = await this.#byNames(names, async some => {
      const query = inRange(this.db(CHECKS).where({ kind }), range);
      if (some) query.whereIn('name', some);
      // The primary key's order: read from the index without a sort.
      return query.orderBy([
        { column: 'name' },
        { column: 'check_id' },
        { column: 'day' },
      ]);
    });
    return rows.map(toCheck);
  }

  async environmentTeams(
    environment: string,
    range: DayRange,
  ): Promise<Array<string | null> | undefined> {
    const own = () =>
      this.db(SCORES).where({ kind: 'environment', name: environment });
    const within: Array<{ team: string | null }> = await own()
      .whereBetween('day', [range.from, range.to])
      .distinct('team');
    if (within.length > 0) return within.map(r => r.team ?? null);
    const latest: { team: string | null } | undefined = await own()
      .orderBy('day', 'desc')
      .first('team');
    return latest ? [latest.team ?? null] : undefined;
  }

  async purgeBefore(day: string): Promise<{ scores: number; checks: number }> {
    return this.db.transaction(async trx => ({
      scores: await trx(SCORES).where('day', '<', day).delete(),
      checks: await trx(CHECKS).where('day', '<', day).delete(),
    }));
  }

  /** A read over all names (undefined), or over the names a few hundred at a time, in order. */
  async #byNames(
    names: string[] | undefined,
    read: (some?: string[]) => Promise<any[]>,
  ): Promise<any[]> {
    if (!names) return read();
    if (names.length === 0) return [];
    const parts = await Promise.all(
      chunks([...new Set(names)].sort(), NAMES_PER_QUERY).map(some =>
        read(some),
      ),
    );
    return parts.flat();
  }
}
