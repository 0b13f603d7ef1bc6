import type {
  ComplianceCheckHistoryPoint,
  ComplianceScore,
} from '@genai-portal/plugin-genai-insights-common';

/** What a day's score is of. */
export type HistoryKind = 'platform' | 'team' | 'cost-center' | 'environment';

/** What a day's check results are over: every environment, or a team's. */
export type CheckHistoryKind = 'platform' | 'team';

/** The platform's name in the history (teams are group refs, so none is named this). */
export const PLATFORM = 'platform';

/** One day's score of one platform, team, cost center or environment. */
export interface DailyScore {
  kind: HistoryKind;
  name: string;
  /** An environment's team that day (group ref); absent for the others, or of no team. */
  team?: string;
  score: ComplianceScore;
  /** An environment's highest level that day; absent: none. */
  level?: string;
}

/** One day's results of one check over the platform's or a team's environments. */
export interface DailyCheck {
  kind: CheckHistoryKind;
  name: string;
  checkId: string;
  passed: number;
  failed: number;
  errored: number;
  waived: number;
  notApplicable: number;
}

/** Everything one day keeps: one snapshot of the scorecards. */
export interface DailySnapshot {
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  scores: DailyScore[];
  checks: DailyCheck[];
}

/** A range of days, both included (`YYYY-MM-DD`). */
export interface DayRange {
  from: string;
  to: string;
  /** Read one day in `every`: `to` and each `every`th day before it (default every day). */
  every?: number;
}

/** A stored day's score, as read back. */
export interface StoredScore extends DailyScore {
  day: string;
}

/** A stored day's check results, as read back. */
export interface StoredCheck extends ComplianceCheckHistoryPoint {
  kind: CheckHistoryKind;
  name: string;
}

/** Where the daily snapshots of the scorecards are kept, for `GET /compliance/history`. */
export interface HistoryStore {
  /**
   * Replaces the day's rows with the snapshot's, at once: the last snapshot of a day wins, and
   * a snapshot that fails half way leaves the previous one.
   */
  writeDay(snapshot: DailySnapshot): Promise<void>;
  /** The scores of one kind in the range, by name then day; `names` absent: every name. */
  scores(
    kind: HistoryKind,
    names: string[] | undefined,
    range: DayRange,
  ): Promise<StoredScore[]>;
  /** The check results of one kind in the range, by name, check then day; `names` absent: every name. */
  checks(
    kind: CheckHistoryKind,
    names: string[] | undefined,
    range: DayRange,
  ): Promise<StoredCheck[]>;
  /**
   * Whose an environment's history is: the teams of its rows in the range, every day of it
   * (null: of no team), or when it has none there, of its latest row; undefined when it has no
   * history at all.
   */
  environmentTeams(
    environment: string,
    range: DayRange,
  ): Promise<Array<string | null> | undefined>;
  /** Deletes the days before `day`; how many rows went. */
  purgeBefore(day: string): Promise<{ scores: number; checks: number }>;
}
