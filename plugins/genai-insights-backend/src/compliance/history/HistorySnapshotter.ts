import type {
  LoggerService,
  SchedulerServiceTaskInvocationDefinition,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import type { ComplianceService } from '../ComplianceService';
import type { HistoryStore } from './HistoryStore';
import { addDays, snapshotOf, utcDay } from './snapshotOf';

export interface HistorySnapshotterOptions {
  compliance: Pick<ComplianceService, 'current'>;
  store: Pick<HistoryStore, 'writeDay' | 'purgeBefore'>;
  /** Days kept before today (`genaiInsights.compliance.historyDays`). */
  historyDays: number;
  logger: LoggerService;
  clock?: () => Date;
}

/** What one run did. */
export interface SnapshotResult {
  day: string;
  scores: number;
  checks: number;
  purged: { scores: number; checks: number };
}

/** The task's id: one for the whole deployment (a global task). */
export const HISTORY_TASK_ID = 'genai-insights-compliance-history';

/**
 * Keeps the compliance history: each run takes the current answer (waivers in force applied,
 * as every route answers) and writes it as today's snapshot (UTC), so the day keeps its last
 * snapshot; then deletes the days more than `historyDays` before today. Run hourly, a day is
 * kept even when some runs fail (the cluster unreachable: the run fails, the day keeps the
 * previous snapshot).
 */
export class HistorySnapshotter {
  readonly #options: HistorySnapshotterOptions;
  readonly #now: () => Date;

  constructor(options: HistorySnapshotterOptions) {
    this.#options = options;
    this.#now = options.clock ?? (() => new Date());
  }

  async run(): Promise<SnapshotResult> {
    const { compliance, store, historyDays } = this.#options;
    const evaluation = await compliance.current();
    // The day of the evaluation, not of the write: a cached answer from before midnight is
    // yesterday's last snapshot, not today's first.
    const day = utcDay(new Date(evaluation.evaluatedAt));
    const snapshot = snapshotOf(evaluation, day);
    await store.writeDay(snapshot);
    const purged = await store.purgeBefore(
      addDays(utcDay(this.#now()), -historyDays),
    );
    return {
      day,
      scores: snapshot.scores.length,
      checks: snapshot.checks.length,
      purged,
    };
  }

  /** The scheduled task running it, every `frequencyMinutes` (default hourly). */
  task(
    frequencyMinutes = 60,
  ): SchedulerServiceTaskScheduleDefinition &
    SchedulerServiceTaskInvocationDefinition {
    const { logger } = this.#options;
    return {
      id: HISTORY_TASK_ID,
      frequency: { minutes: frequencyMinutes },
      timeout: { minutes: 15 },
      initialDelay: { minutes: 1 },
      scope: 'global',
      fn: async () => {
        const result = await this.run();
        logger.info(
          `Compliance history: ${result.day} kept (${result.scores} scores, ${result.checks} check rows); ${result.purged.scores} old scores purged`,
        );
      },
    };
  }
}
