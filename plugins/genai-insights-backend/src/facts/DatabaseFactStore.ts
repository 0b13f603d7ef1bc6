import type { DatabaseService } from '@backstage/backend-plugin-api';
import {
  toMicros,
  type EnvironmentEvent,
  type IdleGpuInterval,
  type JobGpuRecord,
  type LedgerFacts,
  type PodInterval,
  type TokenUsage,
} from '@genai-portal/plugin-genai-insights-common';
import type { Knex } from 'knex';
import type { EnvironmentBudget, FactStore } from './FactStore';

/** Rows per INSERT, well under SQLite's limit of bound variables. */
const CHUNK = 50;

/** Times are stored as fixed-width ISO strings, so ranges compare as text on both engines. */
const isoTime = (value: string) => new Date(value).toISOString();
const optionalIso = (value: string | undefined) =>
  value === undefined ? null : isoTime(value);
const labels = (value: Record<string, string> | undefined) =>
  value ? JSON.stringify(value) : null;
const parseLabels = (value: string | null) =>
  value ? (JSON.parse(value) as Record<string, string>) : undefined;

export class DatabaseFactStore implements FactStore {
  /** A store on the plugin's database, migrated beforehand (migrateDatabase). */
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseFactStore> {
    return new DatabaseFactStore(await options.database.getClient());
  }

  private constructor(private readonly db: Knex) {}

  async add(facts: Partial<LedgerFacts>): Promise<void> {
    await this.db.transaction(async tx => {
      await upsert(
        tx,
        'environment_events',
        'id',
        (facts.environmentEvents ?? []).map(e => ({
          id: e.id,
          environment_id: e.environmentId,
          type: e.type,
          team: e.team,
          cost_center: e.costCenter,
          pool: e.pool,
          gpus: e.quota.gpus,
          cpu: e.quota.cpu,
          memory_gi: e.quota.memoryGi,
          storage_gi: e.quota.storageGi,
          monthly_budget_micros:
            e.monthlyBudget === undefined ? null : toMicros(e.monthlyBudget),
          at: isoTime(e.at),
        })),
      );
      await upsert(
        tx,
        'job_gpu_records',
        'job_id',
        (facts.jobs ?? []).map(j => ({
          job_id: j.jobId,
          environment_id: j.environmentId,
          team: j.team,
          cost_center: j.costCenter,
          pool: j.pool,
          gpus: j.gpus,
          start: isoTime(j.start),
          end: optionalIso(j.end),
          node_labels: labels(j.nodeLabels),
        })),
      );
      await upsert(
        tx,
        'pod_intervals',
        'id',
        (facts.pods ?? []).map(p => ({
          id: p.id,
          environment_id: p.environmentId,
          team: p.team,
          cost_center: p.costCenter,
          pool: p.pool,
          gpus: p.gpus,
          cpu: p.cpu,
          memory_gi: p.memoryGi,
          start: isoTime(p.start),
          end: optionalIso(p.end),
          node_labels: labels(p.nodeLabels),
        })),
      );
      await upsert(
        tx,
        'token_usage',
        'id',
        (facts.tokens ?? []).map(t => ({
          id: t.id,
          environment_id: t.environmentId ?? null,
          team: t.team,
          cost_center: t.costCenter ?? null,
          pool: t.pool ?? null,
          key_id: t.keyId ?? null,
          user_ref: t.userRef ?? null,
          model: t.model,
          input_tokens: Math.round(t.inputTokens),
          output_tokens: Math.round(t.outputTokens),
          at: isoTime(t.at),
        })),
      );
      await upsert(
        tx,
        'idle_gpu_intervals',
        'id',
        (facts.idleGpus ?? []).map(g => ({
          id: g.id,
          environment_id: g.environmentId,
          team: g.team ?? null,
          pool: g.pool,
          gpus: g.gpus,
          start: isoTime(g.start),
          end: optionalIso(g.end),
        })),
      );
    });
  }

  async read(range: { from: string; to: string }): Promise<LedgerFacts> {
    const { from, to } = range;
    // The environments that may hold a quota in the range: those with an event in it, and those
    // whose latest event before it is not a delete (an id can be deleted and created again).
    const latestBefore = this.db('environment_events')
      .select('environment_id')
      .max({ at: 'at' })
      .where('at', '<', from)
      .groupBy('environment_id')
      .as('latest');
    const liveAtStart = this.db('environment_events as e')
      .join(latestBefore, join =>
        join
          .on('e.environment_id', 'latest.environment_id')
          .andOn('e.at', 'latest.at'),
      )
      .whereNot('e.type', 'deleted')
      .select('e.environment_id');
    const changedInRange = this.db('environment_events')
      .select('environment_id')
      .where('at', '>=', from)
      .where('at', '<', to);
    const events = await this.db('environment_events')
      .where('at', '<', to)
      .where(q =>
        q
          .whereIn('environment_id', liveAtStart)
          .orWhereIn('environment_id', changedInRange),
      )
      .orderBy(['environment_id', 'at', 'id']);
    const running = (table: string) =>
      this.db(table)
        .where('start', '<', to)
        .where(q => q.whereNull('end').orWhere('end', '>', from));
    const jobs = await running('job_gpu_records').orderBy('job_id');
    const pods = await running('pod_intervals').orderBy('id');
    const idleGpus = await running('idle_gpu_intervals').orderBy('id');
    const tokens = await this.db('token_usage')
      .where('at', '>=', from)
      .where('at', '<', to)
      .orderBy('id');
    return {
      environmentEvents: events.map(
        (r): EnvironmentEvent => ({
          id: r.id,
          environmentId: r.environment_id,
          type: r.type,
          team: r.team,
          costCenter: r.cost_center,
          pool: r.pool,
          quota: {
            gpus: r.gpus,
            cpu: r.cpu,
            memoryGi: r.memory_gi,
            storageGi: r.storage_gi,
          },
          at: r.at,
        }),
      ),
      jobs: jobs.map(
        (r): JobGpuRecord => ({
          jobId: r.job_id,
          environmentId: r.environment_id,
          team: r.team,
          costCenter: r.cost_center,
          pool: r.pool,
          gpus: r.gpus,
          start: r.start,
          end: r.end ?? undefined,
          nodeLabels: parseLabels(r.node_labels),
        }),
      ),
      pods: pods.map(
        (r): PodInterval => ({
          id: r.id,
          environmentId: r.environment_id,
          team: r.team,
          costCenter: r.cost_center,
          pool: r.pool,
          gpus: r.gpus,
          cpu: r.cpu,
          memoryGi: r.memory_gi,
          start: r.start,
          end: r.end ?? undefined,
          nodeLabels: parseLabels(r.node_labels),
        }),
      ),
      tokens: tokens.map(
        (r): TokenUsage => ({
          id: r.id,
          environmentId: r.environment_id ?? undefined,
          team: r.team,
          costCenter: r.cost_center ?? undefined,
          pool: r.pool ?? undefined,
          keyId: r.key_id ?? undefined,
          userRef: r.user_ref ?? undefined,
          model: r.model,
          inputTokens: Number(r.input_tokens),
          outputTokens: Number(r.output_tokens),
          at: r.at,
        }),
      ),
      idleGpus: idleGpus.map(
        (r): IdleGpuInterval => ({
          id: r.id,
          environmentId: r.environment_id,
          ...(r.team ? { team: r.team } : {}),
          pool: r.pool,
          gpus: r.gpus,
          start: r.start,
          end: r.end ?? undefined,
        }),
      ),
    };
  }

  async environmentBudgets(teams?: string[]): Promise<EnvironmentBudget[]> {
    const latest = this.db('environment_events')
      .select('environment_id')
      .max({ at: 'at' })
      .groupBy('environment_id')
      .as('latest');
    const query = this.db('environment_events as e')
      .join(latest, join =>
        join
          .on('e.environment_id', 'latest.environment_id')
          .andOn('e.at', 'latest.at'),
      )
      .whereNot('e.type', 'deleted')
      .whereNotNull('e.monthly_budget_micros')
      .select('e.environment_id', 'e.team', 'e.monthly_budget_micros')
      .orderBy('e.environment_id');
    if (teams) query.whereIn('e.team', teams);
    const rows = await query;
    const seen = new Set<string>();
    return rows
      .filter(r => !seen.has(r.environment_id) && seen.add(r.environment_id))
      .map(r => ({
        environmentId: r.environment_id,
        team: r.team,
        monthlyBudgetMicros: Number(r.monthly_budget_micros),
      }));
  }
}

async function upsert(
  tx: Knex.Transaction,
  table: string,
  key: string,
  rows: Record<string, unknown>[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    await tx(table)
      .insert(rows.slice(i, i + CHUNK))
      .onConflict(key)
      .merge();
  }
}
