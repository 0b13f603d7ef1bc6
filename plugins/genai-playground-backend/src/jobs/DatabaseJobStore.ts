import type { DatabaseService } from '@backstage/backend-plugin-api';
import {
  TERMINAL_JOB_STATUSES,
  type JobEnvVar,
  type JobStatus,
  type JobTimelineEntry,
} from '@genai-portal/plugin-genai-playground-common';
import type { Knex } from 'knex';
import type {
  InsertResult,
  JobChange,
  JobFilter,
  JobRecord,
  JobStore,
  NewJob,
} from './JobStore';

/*
 * Times are ISO strings from Date#toISOString, as in the environment store: they compare in
 * time order as text on SQLite and PostgreSQL alike.
 */

interface JobRow {
  id: string;
  name: string;
  environment_id: string;
  cluster: string;
  namespace: string;
  kubernetes_name: string;
  kubernetes_uid: string | null;
  team: string;
  owner: string;
  cost_center: string;
  gpu_pool: string;
  gpus: number;
  pods: number;
  spec: string;
  status: string;
  reason: string | null;
  status_message: string | null;
  submitted_at: string;
  updated_at: string;
  started_at: string | null;
  finished_at: string | null;
  gpu_seconds: number | string | null;
  cancel_requested_by: string | null;
  cancel_requested_at: string | null;
  idempotency_key: string | null;
  request_hash: string | null;
}

interface TimelineRow {
  id?: number;
  job_id: string;
  at: string;
  status: string;
  reason: string | null;
  message: string | null;
  actor: string | null;
}

/** What the `spec` column holds. */
interface StoredSpec {
  image: string;
  command?: string[];
  args?: string[];
  env: JobEnvVar[];
  cpu: number;
  memoryGi: number;
  maxRuntimeHours: number;
  retries: number;
  priorityClass?: string;
  queue?: string;
  description?: string;
}

const TERMINAL = TERMINAL_JOB_STATUSES as JobStatus[];

function fromRow(row: JobRow): JobRecord {
  const spec = JSON.parse(row.spec) as StoredSpec;
  const job: JobRecord = {
    id: row.id,
    name: row.name,
    environmentId: row.environment_id,
    namespace: row.namespace,
    cluster: row.cluster,
    team: row.team,
    owner: row.owner,
    costCenter: row.cost_center,
    gpuPool: row.gpu_pool as JobRecord['gpuPool'],
    kubernetesName: row.kubernetes_name,
    ...spec,
    gpus: Number(row.gpus),
    pods: Number(row.pods),
    status: row.status as JobStatus,
    submittedAt: row.submitted_at,
    updatedAt: row.updated_at,
  };
  if (row.reason !== null) job.reason = row.reason;
  if (row.status_message !== null) job.statusMessage = row.status_message;
  if (row.started_at !== null) job.startedAt = row.started_at;
  if (row.finished_at !== null) job.finishedAt = row.finished_at;
  if (row.gpu_seconds !== null) job.gpuSeconds = Number(row.gpu_seconds);
  if (row.kubernetes_uid !== null) job.kubernetesUid = row.kubernetes_uid;
  if (row.cancel_requested_by !== null) {
    job.cancelRequestedBy = row.cancel_requested_by;
  }
  if (row.cancel_requested_at !== null) {
    job.cancelRequestedAt = row.cancel_requested_at;
  }
  if (row.status === 'Cancelled' && row.cancel_requested_by !== null) {
    job.cancelledBy = row.cancel_requested_by;
  }
  if (row.idempotency_key !== null) job.idempotencyKey = row.idempotency_key;
  if (row.request_hash !== null) job.requestHash = row.request_hash;
  return job;
}

function toRow(job: NewJob, now: string): JobRow {
  const spec: StoredSpec = {
    image: job.image,
    env: job.env,
    cpu: job.cpu,
    memoryGi: job.memoryGi,
    maxRuntimeHours: job.maxRuntimeHours,
    retries: job.retries,
  };
  if (job.command) spec.command = job.command;
  if (job.args) spec.args = job.args;
  if (job.priorityClass) spec.priorityClass = job.priorityClass;
  if (job.queue) spec.queue = job.queue;
  if (job.description) spec.description = job.description;
  return {
    id: job.id,
    name: job.name,
    environment_id: job.environmentId,
    cluster: job.cluster,
    namespace: job.namespace,
    kubernetes_name: job.kubernetesName,
    kubernetes_uid: null,
    team: job.team,
    owner: job.owner,
    cost_center: job.costCenter,
    gpu_pool: job.gpuPool,
    gpus: job.gpus,
    pods: job.pods,
    spec: JSON.stringify(spec),
    status: job.status,
    reason: job.reason ?? null,
    status_message: job.statusMessage ?? null,
    submitted_at: job.submittedAt,
    updated_at: now,
    started_at: null,
    finished_at: null,
    gpu_seconds: null,
    cancel_requested_by: null,
    cancel_requested_at: null,
    idempotency_key: job.idempotencyKey ?? null,
    request_hash: job.requestHash ?? null,
  };
}

function timelineRow(jobId: string, entry: JobTimelineEntry): TimelineRow {
  return {
    job_id: jobId,
    at: entry.at,
    status: entry.status,
    reason: entry.reason ?? null,
    message: entry.message ?? null,
    actor: entry.actor ?? null,
  };
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string })?.code;
  return (
    code === '23505' || // PostgreSQL unique_violation
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE'
  );
}

/** Job records on the plugin's database (SQLite or PostgreSQL). */
export class DatabaseJobStore implements JobStore {
  /** A store on the plugin's database, migrated beforehand (migrateDatabase). */
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseJobStore> {
    const client = await options.database.getClient();
    return new DatabaseJobStore(client);
  }

  private constructor(private readonly db: Knex) {}

  async insert(job: NewJob, timeline: JobTimelineEntry): Promise<InsertResult> {
    try {
      await this.db.transaction(async tx => {
        await tx<JobRow>('jobs').insert({
          ...toRow(job, timeline.at),
          // The incarnation of the environment now (jobs go only to a ready one): a later
          // create of the same name is another environment, and this job is not its.
          environment_uid: tx('environments')
            .select('uid')
            .where({ id: job.environmentId }),
        } as JobRow);
        await tx<TimelineRow>('job_timeline').insert(
          timelineRow(job.id, timeline),
        );
      });
      return { inserted: true, job: (await this.get(job.id))! };
    } catch (error) {
      if (!isUniqueViolation(error) || !job.idempotencyKey) throw error;
    }
    const existing = await this.getByIdempotencyKey(
      job.owner,
      job.idempotencyKey,
    );
    if (!existing) {
      throw new Error(
        `job ${job.id} could not be inserted and no job holds its idempotency key`,
      );
    }
    return { inserted: false, job: existing };
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const row = await this.db<JobRow>('jobs').where({ id }).first();
    return row ? fromRow(row) : undefined;
  }

  async getByIdempotencyKey(
    owner: string,
    key: string,
  ): Promise<JobRecord | undefined> {
    const row = await this.db<JobRow>('jobs')
      .where({ owner, idempotency_key: key })
      .first();
    return row ? fromRow(row) : undefined;
  }

  async list(filter: JobFilter = {}): Promise<JobRecord[]> {
    const query = this.db<JobRow>('jobs');
    if (filter.environmentId) {
      // The jobs of the environment's incarnation now, not of an earlier one of the same name
      // (without an environment record, jobs that know no incarnation either).
      query
        .where('environment_id', filter.environmentId)
        .andWhereRaw(
          "coalesce(environment_uid, '') = coalesce((select uid from environments where id = ?), '')",
          [filter.environmentId],
        );
    }
    if (filter.team) query.where('team', filter.team);
    if (filter.owner) query.where('owner', filter.owner);
    if (filter.statuses) query.whereIn('status', filter.statuses);
    if (filter.ids) query.whereIn('id', filter.ids);
    const rows = await query
      .orderBy([
        { column: 'submitted_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(filter.limit ?? 200);
    return rows.map(fromRow);
  }

  async listUnfinished(): Promise<JobRecord[]> {
    const rows = await this.db<JobRow>('jobs')
      .whereNotIn('status', TERMINAL)
      .orderBy([
        { column: 'submitted_at', order: 'asc' },
        { column: 'id', order: 'asc' },
      ]);
    return rows.map(fromRow);
  }

  async markCreated(
    id: string,
    kubernetesUid: string,
    now: string,
  ): Promise<void> {
    await this.db<JobRow>('jobs')
      .where({ id })
      .update({ kubernetes_uid: kubernetesUid, updated_at: now });
  }

  async remove(id: string): Promise<void> {
    await this.db.transaction(async tx => {
      await tx<TimelineRow>('job_timeline').where({ job_id: id }).delete();
      await tx<JobRow>('jobs').where({ id }).delete();
    });
  }

  async requestCancel(id: string, actor: string, now: string) {
    const updated = await this.db<JobRow>('jobs')
      .where({ id })
      .whereNotIn('status', TERMINAL)
      .update({
        cancel_requested_by: actor,
        cancel_requested_at: now,
        updated_at: now,
      });
    return updated > 0;
  }

  async apply(id: string, change: JobChange): Promise<JobRecord | undefined> {
    return this.db.transaction(async tx => {
      const query = tx<JobRow>('jobs').where({ id });
      // Two writers of the same job (a watcher and a cancel) take turns on PostgreSQL; SQLite
      // serialises writes anyway.
      if (tx.client.config.client === 'pg') query.forUpdate();
      const row = await query.first();
      if (!row || TERMINAL.includes(row.status as JobStatus)) {
        return undefined;
      }
      const update: Partial<JobRow> = {};
      if (change.status !== row.status) update.status = change.status;
      if (change.reason !== undefined && change.reason !== row.reason) {
        update.reason = change.reason;
      }
      if (
        change.statusMessage !== undefined &&
        change.statusMessage !== row.status_message
      ) {
        update.status_message = change.statusMessage;
      }
      if (change.startedAt && !row.started_at) {
        update.started_at = change.startedAt;
      }
      if (TERMINAL.includes(change.status)) {
        update.finished_at = change.finishedAt ?? change.now;
        update.gpu_seconds = change.gpuSeconds ?? 0;
        if (change.status === 'Cancelled' && change.cancelledBy) {
          update.cancel_requested_by = change.cancelledBy;
        }
      }
      if (Object.keys(update).length === 0) return fromRow(row);
      update.updated_at = change.now;
      await tx<JobRow>('jobs').where({ id }).update(update);
      if (
        update.started_at &&
        change.status !== 'Running' &&
        row.status !== 'Running'
      ) {
        // Seen only after it ended (the watcher was down while it ran): it did run.
        await tx<TimelineRow>('job_timeline').insert(
          timelineRow(id, { at: update.started_at, status: 'Running' }),
        );
      }
      if (update.status !== undefined || update.reason !== undefined) {
        await tx<TimelineRow>('job_timeline').insert(
          timelineRow(id, {
            at: change.finishedAt ?? change.startedAt ?? change.now,
            status: change.status,
            reason: change.reason ?? undefined,
            message: change.statusMessage ?? undefined,
            actor: change.actor,
          }),
        );
      }
      return fromRow({ ...row, ...update });
    });
  }

  async listTimeline(jobId: string): Promise<JobTimelineEntry[]> {
    const rows = await this.db<TimelineRow>('job_timeline')
      .where({ job_id: jobId })
      .orderBy('id', 'asc');
    return rows.map(row => {
      const entry: JobTimelineEntry = {
        at: row.at,
        status: row.status as JobStatus,
      };
      if (row.reason !== null) entry.reason = row.reason;
      if (row.message !== null) entry.message = row.message;
      if (row.actor !== null) entry.actor = row.actor;
      return entry;
    });
  }
}
