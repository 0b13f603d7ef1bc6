import type {
  FactsEnvironmentEvent,
  FactsJobGpuRecord,
  FactsTokenUsage,
} from '@genai-portal/plugin-genai-playground-common';

/**
 * How far a reader of the feed has got: the id of the last row delivered of each of the three
 * sequences (0 before the first).
 */
export interface FactsPosition {
  /** `environment_events.id`. */
  environmentEvents: number;
  /** `job_timeline.id`. */
  jobTimeline: number;
  /** `usage_records.id`. */
  usage: number;
}

export interface FactsReadOptions {
  after: FactsPosition;
  /** Rows taken of each sequence at most. */
  limit: number;
  /**
   * ISO time: environment events and job timeline entries of a later time are not settled yet.
   * Each sequence is read in id order up to its first row that is not settled, so that a row
   * committed late under a lower id is never passed over by the position.
   */
  settledAt: string;
  /** ISO time: usage records of calls that ended (start + latency) later are not settled yet. */
  usageSettledAt: string;
}

/** What one read of the feed gives. */
export interface FactsBatch {
  environmentEvents: FactsEnvironmentEvent[];
  /** Each job once, as its record is now. */
  jobs: FactsJobGpuRecord[];
  tokens: FactsTokenUsage[];
  /** Where the next read starts: past every row this one took, delivered or skipped. */
  position: FactsPosition;
  /** A sequence had more settled rows than the limit. */
  more: boolean;
}

/** The playground's records as facts for cost ledgers, read incrementally by row id. */
export interface FactsFeedStore {
  read(options: FactsReadOptions): Promise<FactsBatch>;
}
