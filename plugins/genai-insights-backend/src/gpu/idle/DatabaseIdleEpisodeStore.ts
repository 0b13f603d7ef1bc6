import type { DatabaseService } from '@backstage/backend-plugin-api';
import type {
  GpuWorkloadKind,
  IdleGpuEpisode,
} from '@genai-portal/plugin-genai-insights-common';
import type { Knex } from 'knex';
import type { IdleEpisodeStore } from '../types';

const TABLE = 'gpu_idle_episodes';
/** Ids or keys per statement: well under SQLite's and PostgreSQL's parameter limits. */
const CHUNK = 500;
/** Rows per insert (17 parameters each). */
const INSERT_CHUNK = 200;
const HOUR_MS = 3_600_000;

/** One GPU a scan found idle. */
export interface IdleObservation {
  node: string;
  gpuId: number;
  pool: string;
  namespace: string;
  pod: string;
  podUid: string;
  kind: GpuWorkloadKind;
  team?: string;
  environment?: string;
  owner?: string;
  jobId?: string;
  model?: string;
  /** ISO time the GPU went idle, as this scan sees it. */
  since: string;
  /** The pool's GPU-hour price now, in micros. */
  gpuHourMicros: number;
}

/** An episode as stored: the public episode and what scans join it on. */
export interface StoredIdleEpisode extends IdleGpuEpisode {
  podUid: string;
  gpuHourMicros: number;
}

interface Row {
  id: number | string;
  node: string;
  gpu_id: number;
  pool: string;
  namespace: string;
  pod: string;
  pod_uid: string;
  kind: string;
  team: string | null;
  environment: string | null;
  owner: string | null;
  job_id: string | null;
  model: string | null;
  since: string;
  last_seen: string;
  ended_at: string | null;
  notified_at: string | null;
  gpu_hour_micros: number | string;
}

/** The GPU-hours from `since` to `until` (ISO) at a GPU-hour price, in micros. */
export function idleCostMicros(
  since: string,
  until: string,
  gpuHourMicros: number,
): number {
  const ms = Date.parse(until) - Date.parse(since);
  return ms > 0 ? Math.round((ms / HOUR_MS) * gpuHourMicros) : 0;
}

const chunks = <T>(items: T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    out.push(items.slice(i, i + size));
  }
  return out;
};

const gpuKey = (node: string, gpuId: number, podUid: string) =>
  `${node}\u0000${gpuId}\u0000${podUid}`;

/**
 * The `gpu_idle_episodes` table. At most one open episode per GPU and pod (a partial unique
 * index), so replicas scanning at once open it once; a notification is claimed by setting
 * `notified_at` where it is null, so it is sent once.
 */
export class DatabaseIdleEpisodeStore implements IdleEpisodeStore {
  /** A store on the plugin's database, migrated beforehand (migrateDatabase). */
  static async create(options: {
    database: DatabaseService;
    /** The time open episodes' cost runs to when listed. */
    clock?: () => Date;
  }): Promise<DatabaseIdleEpisodeStore> {
    return new DatabaseIdleEpisodeStore(
      await options.database.getClient(),
      options.clock ?? (() => new Date()),
    );
  }

  private constructor(
    private readonly db: Knex,
    private readonly clock: () => Date,
  ) {}

  /**
   * Open episodes, longest first, or those of these teams (none for an empty list); their
   * cost runs to `at` (ISO, default now).
   */
  async listOpen(
    options: { teams?: string[]; at?: string } = {},
  ): Promise<IdleGpuEpisode[]> {
    const { teams } = options;
    if (teams && teams.length === 0) return [];
    const at = options.at ?? this.clock().toISOString();
    const rows: Row[] = [];
    for (const part of teams ? chunks([...new Set(teams)], CHUNK) : [[]]) {
      const query = this.db<Row>(TABLE).whereNull('ended_at');
      if (teams) query.whereIn('team', part);
      rows.push(...(await query));
    }
    return rows
      .sort(byLongest)
      .map(row => toEpisode(row, at))
      .map(publicEpisode);
  }

  /** Episodes that ended at or after `since` (ISO), latest first, or those of these teams. */
  async listRecentEnded(options: {
    since: string;
    teams?: string[];
    /** Default 100. */
    limit?: number;
  }): Promise<IdleGpuEpisode[]> {
    const { teams } = options;
    if (teams && teams.length === 0) return [];
    const query = this.db<Row>(TABLE)
      .whereNotNull('ended_at')
      .where('ended_at', '>=', options.since)
      .orderBy([
        { column: 'ended_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(options.limit ?? 100);
    if (teams) query.whereIn('team', [...new Set(teams)]);
    return (await query).map(row => publicEpisode(toEpisode(row, '')));
  }

  /** Every open episode, with what scans join it on; cost runs to `at` (ISO, default now). */
  async openEpisodes(at?: string): Promise<StoredIdleEpisode[]> {
    const until = at ?? this.clock().toISOString();
    const rows = await this.db<Row>(TABLE).whereNull('ended_at');
    return rows.sort(byLongest).map(row => toEpisode(row, until));
  }

  /**
   * Records the GPUs found idle at `at` (ISO): opens an episode for each GPU and pod without an
   * open one, and for the others moves `last_seen` to `at` and `since` earlier when this scan
   * saw the idleness start earlier than stored. Safe to run from two replicas at once.
   */
  async upsertOpen(
    observations: IdleObservation[],
    at: string,
  ): Promise<{ opened: number; extended: number }> {
    if (observations.length === 0) return { opened: 0, extended: 0 };
    const podUids = [...new Set(observations.map(o => o.podUid))];
    const existing = new Map<string, Pick<Row, 'id' | 'since' | 'last_seen'>>();
    for (const part of chunks(podUids, CHUNK)) {
      const rows = await this.db<Row>(TABLE)
        .select('id', 'node', 'gpu_id', 'pod_uid', 'since', 'last_seen')
        .whereNull('ended_at')
        .whereIn('pod_uid', part);
      for (const row of rows) {
        existing.set(gpuKey(row.node, Number(row.gpu_id), row.pod_uid), row);
      }
    }
    const fresh: IdleObservation[] = [];
    const seen: Array<string | number> = [];
    const earlier: Array<{ id: string | number; since: string }> = [];
    for (const o of observations) {
      const row = existing.get(gpuKey(o.node, o.gpuId, o.podUid));
      if (!row) {
        fresh.push(o);
        continue;
      }
      if (row.last_seen < at) seen.push(row.id);
      if (o.since < row.since) earlier.push({ id: row.id, since: o.since });
    }
    let opened = 0;
    for (const part of chunks(fresh, INSERT_CHUNK)) {
      const inserted = await this.db(TABLE)
        .insert(
          part.map(o => ({
            node: o.node,
            gpu_id: o.gpuId,
            pool: o.pool,
            namespace: o.namespace,
            pod: o.pod,
            pod_uid: o.podUid,
            kind: o.kind,
            team: o.team ?? null,
            environment: o.environment ?? null,
            owner: o.owner ?? null,
            job_id: o.jobId ?? null,
            model: o.model ?? null,
            since: o.since,
            last_seen: at,
            ended_at: null,
            notified_at: null,
            gpu_hour_micros: Math.round(o.gpuHourMicros),
          })),
        )
        // Another replica opened it first: the partial unique index refuses a second one.
        .onConflict()
        .ignore()
        .returning('id');
      opened += inserted.length;
    }
    let extended = 0;
    for (const part of chunks(seen, CHUNK)) {
      extended += await this.db(TABLE)
        .whereIn('id', part)
        .whereNull('ended_at')
        .where('last_seen', '<', at)
        .update({ last_seen: at });
    }
    for (const { id, since } of earlier) {
      await this.db(TABLE)
        .where('id', id)
        .where('since', '>', since)
        .update({ since });
    }
    return { opened, extended };
  }

  /** Ends these open episodes at `at` (ISO); returns how many it ended. */
  async end(ids: string[], at: string): Promise<number> {
    let ended = 0;
    for (const part of chunks(ids, CHUNK)) {
      ended += await this.db(TABLE)
        .whereIn('id', part)
        .whereNull('ended_at')
        .update({ ended_at: at });
    }
    return ended;
  }

  /**
   * Claims the notification of a pod's idle GPUs at `at` (ISO): marks its open episodes not
   * yet notified as notified, and returns them when this caller should send the notification,
   * undefined otherwise. A pod is told once while any of its GPUs stays idle: GPUs going idle
   * after the pod was told are marked without a second notification. When two replicas claim
   * different GPUs of a pod at once, the earlier claim (then the lower id) sends.
   */
  async claimNotification(
    podUid: string,
    at: string,
  ): Promise<StoredIdleEpisode[] | undefined> {
    const claimed: Row[] = await this.db(TABLE)
      .where('pod_uid', podUid)
      .whereNull('ended_at')
      .whereNull('notified_at')
      .update({ notified_at: at })
      .returning('*');
    if (claimed.length === 0) return undefined;
    const ids = claimed.map(r => Number(r.id));
    const first = Math.min(...ids);
    const others: Array<Pick<Row, 'id' | 'notified_at'>> = await this.db(TABLE)
      .select('id', 'notified_at')
      .where('pod_uid', podUid)
      .whereNull('ended_at')
      .whereNotNull('notified_at')
      .whereNotIn('id', ids);
    const toldBefore = others.some(
      o =>
        o.notified_at! < at || (o.notified_at === at && Number(o.id) < first),
    );
    if (toldBefore) return undefined;
    return claimed.sort(byLongest).map(row => toEpisode(row, at));
  }

  /**
   * Gives up a pod's claim whose sending failed: its open episodes are notified again by the
   * next scan. (A claim that sends is never preceded by one of the pod's open episodes told.)
   */
  async releaseNotification(podUid: string): Promise<void> {
    await this.db(TABLE)
      .where('pod_uid', podUid)
      .whereNull('ended_at')
      .update({ notified_at: null });
  }
}

function byLongest(a: Row, b: Row): number {
  if (a.since !== b.since) return a.since < b.since ? -1 : 1;
  if (a.node !== b.node) return a.node < b.node ? -1 : 1;
  return Number(a.gpu_id) - Number(b.gpu_id);
}

/** An episode from its row; an open one's cost runs to `at`, an ended one's to its last scan. */
function toEpisode(row: Row, at: string): StoredIdleEpisode {
  const gpuHourMicros = Number(row.gpu_hour_micros);
  const episode: StoredIdleEpisode = {
    id: String(row.id),
    node: row.node,
    gpuId: Number(row.gpu_id),
    pool: row.pool,
    namespace: row.namespace,
    pod: row.pod,
    podUid: row.pod_uid,
    kind: row.kind as GpuWorkloadKind,
    since: row.since,
    lastSeen: row.last_seen,
    costMicros: idleCostMicros(
      row.since,
      row.ended_at ? row.last_seen : at,
      gpuHourMicros,
    ),
    gpuHourMicros,
  };
  if (row.team) episode.team = row.team;
  if (row.environment) episode.environment = row.environment;
  if (row.owner) episode.owner = row.owner;
  if (row.job_id) episode.jobId = row.job_id;
  if (row.model) episode.model = row.model;
  if (row.ended_at) episode.endedAt = row.ended_at;
  if (row.notified_at) episode.notifiedAt = row.notified_at;
  return episode;
}

/** The episode without what only scans use. */
export function publicEpisode(episode: StoredIdleEpisode): IdleGpuEpisode {
  const { podUid, gpuHourMicros, ...rest } = episode;
  return rest;
}
