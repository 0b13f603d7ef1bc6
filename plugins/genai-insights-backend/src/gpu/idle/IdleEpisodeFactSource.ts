import type { DatabaseService } from '@backstage/backend-plugin-api';
import type {
  IdleGpuInterval,
  LedgerFacts,
} from '@genai-portal/plugin-genai-insights-common';
import type {
  FactSource,
  FactSourceCollectOptions,
} from '@genai-portal/plugin-genai-insights-node';
import type { Knex } from 'knex';

/** The id of the built-in source of idle GPUs. */
export const IDLE_EPISODES_SOURCE_ID = 'gpu-idle-episodes';

const EPISODES = 'gpu_idle_episodes';
/** Where the collector stores the facts (migrations/20261230130000_idle_facts.js). */
const FACTS = 'idle_gpu_intervals';
const CHUNK = 500;
const DAY_MS = 86_400_000;

interface EpisodeRow {
  id: number | string;
  namespace: string;
  team: string | null;
  pool: string;
  since: string;
  last_seen: string;
  ended_at: string | null;
}

interface FactRow {
  id: string;
  environment_id: string;
  team: string | null;
  pool: string;
  gpus: number;
  start: string;
  end: string | null;
}

const sameTime = (a: string | null | undefined, b: string | null | undefined) =>
  (a ?? undefined) === (b ?? undefined) ||
  (!!a && !!b && Date.parse(a) === Date.parse(b));

/**
 * GPU utilization's idle episodes (`gpu_idle_episodes`) as facts of the ledger, so that its used
 * basis leaves out GPUs held but idle. An episode is one GPU of a pod, charged to the pod's
 * namespace (its environment, as pods' facts are), from when it went idle (`since`) to when it
 * was last seen idle; open while the scan still finds it idle. An open episode whose last scan
 * is older than `staleAfterMs` (the scan stopped: Prometheus down, the task not running) is
 * reported ended when last seen, and open again if a scan finds it again.
 *
 * Each run reports the episodes whose fact differs from the one stored: opened (with a `since`
 * up to the idle window before the scan that found them), found to have started earlier, ended,
 * or seen again. The collector marks the hours stale from each reported fact's start, so the
 * hours of an episode are recomputed when it opens and when it ends; an open episode's latest
 * hours are recomputed by every run, as the current and previous hours always are. Comparing
 * with the stored facts rather than times makes a run whose facts were not stored be made
 * again, whatever the scan's and the collector's clocks.
 */
export class IdleEpisodeFactSource implements FactSource {
  readonly id = IDLE_EPISODES_SOURCE_ID;

  static async create(options: {
    database: DatabaseService;
    staleAfterMs?: number;
  }): Promise<IdleEpisodeFactSource> {
    return new IdleEpisodeFactSource(
      await options.database.getClient(),
      options.staleAfterMs ?? 15 * 60_000,
    );
  }

  private constructor(
    private readonly db: Knex,
    private readonly staleAfterMs: number,
  ) {}

  async collect(
    options: FactSourceCollectOptions,
  ): Promise<Partial<LedgerFacts>> {
    const now = options.now.getTime();
    // Episodes ended before the last stored run were reported then; a day's margin covers a
    // scan that ended an episode at a time before it committed.
    const query = this.db<EpisodeRow>(EPISODES)
      .select(
        'id',
        'namespace',
        'team',
        'pool',
        'since',
        'last_seen',
        'ended_at',
      )
      .orderBy('id');
    if (options.since !== undefined) {
      const cutoff = new Date(Date.parse(options.since) - DAY_MS).toISOString();
      query.where(q =>
        q.whereNull('ended_at').orWhere('ended_at', '>=', cutoff),
      );
    }
    const episodes = await query;
    const stored = new Map<string, FactRow>();
    for (let i = 0; i < episodes.length; i += CHUNK) {
      const ids = episodes.slice(i, i + CHUNK).map(e => String(e.id));
      for (const row of await this.db<FactRow>(FACTS).whereIn('id', ids)) {
        stored.set(row.id, row);
      }
    }
    const idleGpus: IdleGpuInterval[] = [];
    for (const episode of episodes) {
      const fact = this.toFact(episode, now);
      const row = stored.get(fact.id);
      if (
        row &&
        row.environment_id === fact.environmentId &&
        (row.team ?? undefined) === fact.team &&
        row.pool === fact.pool &&
        Number(row.gpus) === fact.gpus &&
        sameTime(row.start, fact.start) &&
        sameTime(row.end, fact.end)
      ) {
        continue;
      }
      idleGpus.push(fact);
    }
    return { idleGpus };
  }

  /** The fact of an episode at `now`. */
  private toFact(row: EpisodeRow, now: number): IdleGpuInterval {
    const stale = Date.parse(row.last_seen) < now - this.staleAfterMs;
    // An ended episode counts until it was last seen idle, as its idle cost does: the scan that
    // found it busy or let go does not say when in between. Never before it started.
    const lastSeen =
      Date.parse(row.last_seen) > Date.parse(row.since)
        ? row.last_seen
        : row.since;
    const end = row.ended_at !== null || stale ? lastSeen : undefined;
    return {
      id: String(row.id),
      environmentId: row.namespace,
      ...(row.team ? { team: row.team } : {}),
      pool: row.pool,
      gpus: 1,
      start: row.since,
      ...(end !== undefined ? { end } : {}),
    };
  }
}
