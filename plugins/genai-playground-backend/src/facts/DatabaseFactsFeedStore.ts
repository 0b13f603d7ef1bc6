import type { DatabaseService } from '@backstage/backend-plugin-api';
import type {
  FactsEnvironmentEvent,
  FactsEnvironmentEventType,
  FactsJobGpuRecord,
  FactsReservedQuota,
  FactsTokenUsage,
} from '@genai-portal/plugin-genai-playground-common';
import type { Knex } from 'knex';
import type {
  FactsBatch,
  FactsFeedStore,
  FactsPosition,
  FactsReadOptions,
} from './FactsFeedStore';

/*
 * Reads the tables of the environment, job and usage stores (it writes nothing). Ids come back
 * as strings from PostgreSQL (bigIncrements) and as numbers from SQLite: Number() evens them out.
 */

interface EventRow {
  id: number | string;
  environment_id: string;
  environment_uid: string | null;
  action: string;
  at: string;
  details: string | null;
  /** Of the environment record (left join): null only if it is gone. */
  env_team: string | null;
  env_cost_center: string | null;
  env_gpu_pool: string | null;
  env_quota: string | null;
  env_monthly_budget: number | string | null;
}

interface CreateRow {
  id: number | string;
  environment_id: string;
  environment_uid: string | null;
  details: string | null;
}

interface TimelineJobRow {
  timeline_id: number | string;
  at: string;
  job_id: string;
  environment_id: string;
  team: string;
  cost_center: string;
  gpu_pool: string;
  gpus: number | string;
  pods: number | string;
  started_at: string | null;
  finished_at: string | null;
}

interface UsageRow {
  id: number | string;
  at: string;
  latency_ms: number | string | null;
  key_id: string | null;
  user_ref: string | null;
  team: string;
  environment_id: string | null;
  model: string;
  input_tokens: number | string;
  output_tokens: number | string;
  env_cost_center: string | null;
  env_gpu_pool: string | null;
}

/** History actions that change what an environment holds, and the fact each one is. */
const EVENT_TYPES: Record<string, FactsEnvironmentEventType> = {
  create: 'created',
  extend: 'extended',
  delete: 'deleted',
  expire: 'deleted',
};

/**
 * A delete of an environment in one of these statuses released nothing: a create that failed
 * (or stopped half way) never became ready, so it never had a `create` entry either.
 */
const NEVER_HELD = new Set(['failed', 'creating']);

/** For a record whose quota does not parse (never written so): it holds nothing priced. */
const NO_QUOTA: FactsReservedQuota = {
  gpus: 0,
  cpu: 0,
  memoryGi: 0,
  storageGi: 0,
};

function parseJson(text: string | null): Record<string, unknown> | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text);
    return value && typeof value === 'object' ? value : undefined;
  } catch {
    return undefined;
  }
}

function quotaOf(value: unknown): FactsReservedQuota | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const quota = value as Record<string, unknown>;
  const num = (key: string) => {
    const v = quota[key];
    return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
  };
  const gpus = num('gpus');
  const cpu = num('cpu');
  const memoryGi = num('memoryGi');
  if (gpus === undefined || cpu === undefined || memoryGi === undefined) {
    return undefined;
  }
  // Environments sized before storage was part of the quota have none.
  return { gpus, cpu, memoryGi, storageGi: num('storageGi') ?? 0 };
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

/** Time in ms; a time that does not parse never holds a sequence back. */
function timeOf(iso: string): number {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? -Infinity : ms;
}

/**
 * The rows of one sequence a read takes: in id order, up to the first that is not settled, at
 * most `limit`; `more` when a settled row is left beyond them.
 */
function takeSettled<R>(
  rows: R[],
  limit: number,
  settled: (row: R) => boolean,
): { taken: R[]; more: boolean } {
  let n = 0;
  while (n < rows.length && settled(rows[n])) n++;
  return { taken: rows.slice(0, Math.min(n, limit)), more: n > limit };
}

/** The id of the last row taken; undefined when none was. */
function lastId<R>(rows: R[], id: (row: R) => number | string) {
  return rows.length ? Number(id(rows[rows.length - 1])) : undefined;
}

/** The facts feed on the plugin's database (SQLite or PostgreSQL). */
export class DatabaseFactsFeedStore implements FactsFeedStore {
  /** A store on the plugin's database, migrated beforehand (migrateDatabase). */
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseFactsFeedStore> {
    const client = await options.database.getClient();
    return new DatabaseFactsFeedStore(client);
  }

  private constructor(private readonly db: Knex) {}

  async read(options: FactsReadOptions): Promise<FactsBatch> {
    const { after } = options;
    const [events, jobs, tokens] = await Promise.all([
      this.#environmentEvents(options),
      this.#jobs(options),
      this.#tokens(options),
    ]);
    const position: FactsPosition = {
      environmentEvents: events.last ?? after.environmentEvents,
      jobTimeline: jobs.last ?? after.jobTimeline,
      usage: tokens.last ?? after.usage,
    };
    return {
      environmentEvents: events.facts,
      jobs: jobs.facts,
      tokens: tokens.facts,
      position,
      more: events.more || jobs.more || tokens.more,
    };
  }

  async #environmentEvents(options: FactsReadOptions) {
    const { after, limit } = options;
    const rows: EventRow[] = await this.db('environment_events as ev')
      .leftJoin('environments as env', 'env.id', 'ev.environment_id')
      .where('ev.id', '>', after.environmentEvents)
      .orderBy('ev.id', 'asc')
      .limit(limit + 1)
      .select(
        'ev.id',
        'ev.environment_id',
        'ev.environment_uid',
        'ev.action',
        'ev.at',
        'ev.details',
        { env_team: 'env.team' },
        { env_cost_center: 'env.cost_center' },
        { env_gpu_pool: 'env.gpu_pool' },
        { env_quota: 'env.quota' },
        { env_monthly_budget: 'env.monthly_budget' },
      );
    const settledAt = timeOf(options.settledAt);
    const { taken, more } = takeSettled(
      rows,
      limit,
      row => timeOf(row.at) <= settledAt,
    );
    const creates = await this.#createsOf(
      taken.filter(row => EVENT_TYPES[row.action] && row.action !== 'create'),
    );
    const facts: FactsEnvironmentEvent[] = [];
    for (const row of taken) {
      const type = EVENT_TYPES[row.action];
      // notify-expiry and fail change nothing held (a failed create never wrote `create`).
      if (!type || row.env_team === null) continue;
      const details = parseJson(row.details);
      if (
        type === 'deleted' &&
        NEVER_HELD.has(String(details?.previousStatus))
      ) {
        continue;
      }
      // The quota and pool the incarnation was created with: its create entry's details (the
      // environment record may already be a later incarnation of the same name).
      const created =
        row.action === 'create'
          ? details
          : parseJson(
              (creates.get(row.environment_id) ?? [])
                .filter(
                  c =>
                    c.environment_uid === row.environment_uid &&
                    Number(c.id) < Number(row.id),
                )
                .pop()?.details ?? null,
            );
      const quota =
        quotaOf(created?.quota) ??
        quotaOf(parseJson(row.env_quota)) ??
        NO_QUOTA;
      const fact: FactsEnvironmentEvent = {
        id: `env-event-${Number(row.id)}`,
        environmentId: row.environment_id,
        type,
        team: row.env_team,
        costCenter: row.env_cost_center ?? '',
        pool: stringOf(created?.gpuPool) ?? row.env_gpu_pool ?? '',
        quota,
        at: row.at,
      };
      if (row.env_monthly_budget !== null) {
        fact.monthlyBudget = Number(row.env_monthly_budget);
      }
      facts.push(fact);
    }
    return {
      facts,
      more,
      last: lastId(taken, row => row.id),
    };
  }

  /** The create entries of the environments of these events, by environment, in id order. */
  async #createsOf(events: EventRow[]): Promise<Map<string, CreateRow[]>> {
    const ids = [...new Set(events.map(e => e.environment_id))];
    const byEnvironment = new Map<string, CreateRow[]>();
    const rows: CreateRow[] = [];
    // Bound the bind parameters of one query (SQLite's limit is the lowest).
    for (let i = 0; i < ids.length; i += 500) {
      rows.push(
        ...(await this.db('environment_events')
          .whereIn('environment_id', ids.slice(i, i + 500))
          .andWhere('action', 'create')
          .select('id', 'environment_id', 'environment_uid', 'details')),
      );
    }
    rows.sort((a, b) => Number(a.id) - Number(b.id));
    for (const row of rows) {
      const list = byEnvironment.get(row.environment_id) ?? [];
      list.push(row);
      byEnvironment.set(row.environment_id, list);
    }
    return byEnvironment;
  }

  async #jobs(options: FactsReadOptions) {
    const { after, limit } = options;
    const rows: TimelineJobRow[] = await this.db('job_timeline as t')
      .join('jobs as j', 'j.id', 't.job_id')
      .where('t.id', '>', after.jobTimeline)
      .orderBy('t.id', 'asc')
      .limit(limit + 1)
      .select(
        { timeline_id: 't.id' },
        't.at',
        { job_id: 'j.id' },
        'j.environment_id',
        'j.team',
        'j.cost_center',
        'j.gpu_pool',
        'j.gpus',
        'j.pods',
        'j.started_at',
        'j.finished_at',
      );
    const settledAt = timeOf(options.settledAt);
    const { taken, more } = takeSettled(
      rows,
      limit,
      row => timeOf(row.at) <= settledAt,
    );
    // Every entry stands for a change of its job: the job is sent as it is now, once a page.
    const byJob = new Map<string, FactsJobGpuRecord>();
    for (const row of taken) {
      if (row.started_at === null) continue; // never ran: no GPUs (yet)
      const fact: FactsJobGpuRecord = {
        jobId: row.job_id,
        environmentId: row.environment_id,
        team: row.team,
        costCenter: row.cost_center,
        pool: row.gpu_pool,
        gpus: Number(row.gpus) * Number(row.pods),
        start: row.started_at,
      };
      if (row.finished_at !== null) {
        // A cancel's end is when it was asked for; a pod may have started just after. Never an
        // end before the start (the consumer refuses such a page): a job that ran no time.
        fact.end =
          timeOf(row.finished_at) < timeOf(row.started_at)
            ? row.started_at
            : row.finished_at;
      }
      byJob.set(row.job_id, fact);
    }
    return {
      facts: [...byJob.values()],
      more,
      last: lastId(taken, row => row.timeline_id),
    };
  }

  async #tokens(options: FactsReadOptions) {
    const { after, limit } = options;
    const rows: UsageRow[] = await this.db('usage_records as u')
      .leftJoin('environments as env', 'env.id', 'u.environment_id')
      .where('u.id', '>', after.usage)
      .orderBy('u.id', 'asc')
      .limit(limit + 1)
      .select(
        'u.id',
        'u.at',
        'u.latency_ms',
        'u.key_id',
        'u.user_ref',
        'u.team',
        'u.environment_id',
        'u.model',
        'u.input_tokens',
        'u.output_tokens',
        { env_cost_center: 'env.cost_center' },
        { env_gpu_pool: 'env.gpu_pool' },
      );
    // A call is recorded when it ends (`at` is its start) and written with the next batch.
    const settledAt = timeOf(options.usageSettledAt);
    const { taken, more } = takeSettled(
      rows,
      limit,
      row => timeOf(row.at) + (Number(row.latency_ms) || 0) <= settledAt,
    );
    const facts = taken.map(row => {
      const fact: FactsTokenUsage = {
        id: `usage-${Number(row.id)}`,
        team: row.team,
        model: row.model,
        inputTokens: Number(row.input_tokens),
        outputTokens: Number(row.output_tokens),
        at: row.at,
      };
      if (row.environment_id !== null) {
        fact.environmentId = row.environment_id;
        if (row.env_cost_center !== null) fact.costCenter = row.env_cost_center;
        if (row.env_gpu_pool !== null) fact.pool = row.env_gpu_pool;
      }
      if (row.key_id !== null) fact.keyId = row.key_id;
      if (row.user_ref !== null) fact.userRef = row.user_ref;
      return fact;
    });
    return {
      facts,
      more,
      last: lastId(taken, row => row.id),
    };
  }
}
