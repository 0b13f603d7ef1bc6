import type { LoggerService } from '@backstage/backend-plugin-api';
import type { LedgerFacts } from '@genai-portal/plugin-genai-insights-common';
import type { FactSource } from '@genai-portal/plugin-genai-insights-node';
import type { FactStore } from '../facts/FactStore';
import type { LedgerService } from '../ledger/LedgerService';
import { ceilHour, floorHour, HOUR_MS, iso } from '../lib/hours';
import type { CursorStore } from './CursorStore';
import {
  countFacts,
  dedupeFacts,
  describeIssues,
  earliestTime,
  factsSchema,
} from './factSchemas';
import type { FeedClient } from './PlaygroundFeedClient';

/** The name the playground feed's cursor is kept under. */
export const PLAYGROUND_FEED = 'genai-playground';
/** The name a fact source's progress is kept under. */
export const sourceFeed = (id: string) => `source:${id}`;

const DAY_MS = 24 * HOUR_MS;

export interface FeedCollectorOptions {
  facts: FactStore;
  cursors: CursorStore;
  ledger: Pick<LedgerService, 'recomputeHours'>;
  /** The playground's feed; absent: only the sources are read. */
  feed?: FeedClient;
  /** Read after the feed, in order, on every run. */
  sources?: FactSource[];
  logger: LoggerService;
  clock?: () => Date;
  /** Items the feed is asked for per page (`limit`). */
  pageSize?: number;
  /** Pages read in one run at most; the rest is read by the next run. */
  maxPagesPerRun?: number;
  /** How far back a recompute reaches at most. */
  maxCatchUpDays?: number;
}

/** What one run did. */
export interface CollectRun {
  pages: number;
  facts: number;
  /** Feeds and sources that failed; the next run tries them again from where they were. */
  failed: string[];
  /** The hours recomputed, [from, to). */
  recomputed?: { from: string; to: string };
}

/**
 * Keeps the ledger filled and current. One run (scheduled, one replica at a time):
 *
 * 1. reads the playground feed from its saved cursor until `more` is false; each page's facts
 *    are stored, then its cursor (facts are stored by id: a crash in between reads the page
 *    again and counts nothing twice), which also marks the ledger out of date from the
 *    earliest time in the page;
 * 2. asks each fact source for what is new since its last stored run, likewise;
 * 3. recomputes, in day-sized pieces, the hours from the earliest mark (or the previous hour,
 *    if earlier; at most `maxCatchUpDays` back) to now, moving the mark up after each piece,
 *    and leaves it on the current hour, which keeps growing: the next run, however late (a
 *    backend down for hours), starts there.
 *
 * A page or a source's answer of the wrong shape is logged and nothing of it is stored; the next
 * run asks again from the same place.
 */
export class FeedCollector {
  private readonly clock: () => Date;

  constructor(private readonly options: FeedCollectorOptions) {
    this.clock = options.clock ?? (() => new Date());
  }

  /** The names under which this collector keeps progress. */
  private feeds(): string[] {
    return [
      ...(this.options.feed ? [PLAYGROUND_FEED] : []),
      ...(this.options.sources ?? []).map(s => sourceFeed(s.id)),
    ];
  }

  async run(signal?: AbortSignal): Promise<CollectRun> {
    const run: CollectRun = { pages: 0, facts: 0, failed: [] };
    if (this.options.feed) await this.readFeed(this.options.feed, run, signal);
    for (const source of this.options.sources ?? []) {
      if (signal?.aborted) break;
      await this.readSource(source, run, signal);
    }
    if (!signal?.aborted) await this.recompute(run, signal);
    return run;
  }

  private async store(
    feed: string,
    facts: Partial<LedgerFacts>,
    cursor: string,
  ): Promise<void> {
    await this.options.facts.add(dedupeFacts(facts));
    const earliest = earliestTime(facts);
    await this.options.cursors.save(
      feed,
      cursor,
      earliest === undefined ? undefined : iso(earliest),
    );
  }

  private async readFeed(
    feed: FeedClient,
    run: CollectRun,
    signal?: AbortSignal,
  ): Promise<void> {
    const { cursors, logger } = this.options;
    const maxPages = this.options.maxPagesPerRun ?? 100;
    try {
      let after = await cursors.get(PLAYGROUND_FEED);
      for (let n = 0; n < maxPages && !signal?.aborted; n++) {
        const page = await feed.fetchPage({
          after,
          limit: this.options.pageSize ?? 1000,
          signal,
        });
        await this.store(PLAYGROUND_FEED, page.facts, page.cursor);
        run.pages += 1;
        run.facts += countFacts(page.facts);
        if (!page.more) return;
        if (page.cursor === after) {
          logger.warn(
            `The playground feed said there was more after cursor ${after} but did not move on; reading again next run`,
          );
          return;
        }
        after = page.cursor;
      }
    } catch (error) {
      run.failed.push(PLAYGROUND_FEED);
      logger.error(
        `Reading the playground's facts feed failed; the next run reads again from the last stored page: ${
          (error as Error).message
        }`,
      );
    }
  }

  private async readSource(
    source: FactSource,
    run: CollectRun,
    signal?: AbortSignal,
  ): Promise<void> {
    const { cursors, logger } = this.options;
    const feed = sourceFeed(source.id);
    try {
      const since = await cursors.get(feed);
      const now = this.clock();
      const answer = await source.collect({ since, now, signal });
      const facts = factsSchema.safeParse(answer);
      if (!facts.success) {
        throw new Error(
          `it returned facts of the wrong shape: ${describeIssues(
            facts.error,
          )}`,
        );
      }
      await this.store(feed, facts.data, now.toISOString());
      run.facts += countFacts(facts.data);
    } catch (error) {
      run.failed.push(feed);
      logger.error(
        `Fact source ${
          source.id
        } failed; nothing of this run is stored and the next run asks again: ${
          (error as Error).message
        }`,
      );
    }
  }

  private async recompute(run: CollectRun, signal?: AbortSignal) {
    const { cursors, ledger, logger } = this.options;
    const now = this.clock();
    const current = floorHour(now.getTime());
    const stale = await cursors.staleFrom();
    let from = current - HOUR_MS;
    if (stale !== undefined)
      from = Math.min(from, floorHour(Date.parse(stale)));
    const limit = floorHour(
      now.getTime() - (this.options.maxCatchUpDays ?? 400) * DAY_MS,
    );
    if (from < limit) {
      logger.warn(
        `Facts reach back to ${iso(from)}; the collector recomputes from ${iso(
          limit,
        )} only. Recompute the hours before with LedgerService.recomputeHours.`,
      );
      from = limit;
    }
    const end = ceilHour(now.getTime());
    const feeds = this.feeds();
    for (let start = from; start < end; start += DAY_MS) {
      if (signal?.aborted) return;
      const pieceEnd = Math.min(start + DAY_MS, end);
      await ledger.recomputeHours(iso(start), iso(pieceEnd), now);
      await cursors.markCurrent(iso(Math.min(pieceEnd, current)), feeds);
    }
    run.recomputed = { from: iso(from), to: iso(end) };
  }
}
