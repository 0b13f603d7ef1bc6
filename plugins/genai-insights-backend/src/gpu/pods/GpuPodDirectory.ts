import type { DatabaseService } from '@backstage/backend-plugin-api';
import type { GpuWorkloadKind } from '@genai-portal/plugin-genai-insights-common';
import type { Knex } from 'knex';
import type { GpuPodInfo } from '../types';

/** A pod that held GPUs, as last seen. */
export interface GpuPodEntry {
  namespace: string;
  pod: string;
  kind: GpuWorkloadKind;
  team?: string;
  environment?: string;
  owner?: string;
  jobId?: string;
  model?: string;
  pool: string;
  gpus: number;
  firstSeen: string;
  lastSeen: string;
}

/** Which pods held GPUs and what they belonged to, kept after they are gone. */
export interface GpuPodDirectory {
  /** Records the pods of a snapshot (seen at `at`). */
  record(pods: GpuPodInfo[], at: string): Promise<void>;
  /**
   * Pods of these teams (all: undefined), or of one environment (its id, the namespace, or its
   * name) or job, seen since `since`.
   */
  find(filter: {
    teams?: string[];
    environment?: string;
    jobId?: string;
    since?: string;
  }): Promise<GpuPodEntry[]>;
}

const BATCH = 200;

interface Row {
  namespace: string;
  pod: string;
  kind: string;
  team: string | null;
  environment: string | null;
  owner: string | null;
  job_id: string | null;
  model: string | null;
  pool: string;
  gpus: number;
  first_seen: string;
  last_seen: string;
}

const toEntry = (r: Row): GpuPodEntry => ({
  namespace: r.namespace,
  pod: r.pod,
  kind: r.kind as GpuWorkloadKind,
  ...(r.team ? { team: r.team } : {}),
  ...(r.environment ? { environment: r.environment } : {}),
  ...(r.owner ? { owner: r.owner } : {}),
  ...(r.job_id ? { jobId: r.job_id } : {}),
  ...(r.model ? { model: r.model } : {}),
  pool: r.pool,
  gpus: Number(r.gpus),
  firstSeen: r.first_seen,
  lastSeen: r.last_seen,
});

/** The directory in the plugin's database (table `gpu_pods`). */
export class DatabaseGpuPodDirectory implements GpuPodDirectory {
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseGpuPodDirectory> {
    return new DatabaseGpuPodDirectory(await options.database.getClient());
  }

  private constructor(private readonly db: Knex) {}

  async record(pods: GpuPodInfo[], at: string): Promise<void> {
    const rows: Row[] = pods.map(p => ({
      namespace: p.namespace,
      pod: p.pod,
      kind: p.kind,
      team: p.team ?? null,
      environment: p.environment ?? null,
      owner: p.owner ?? null,
      job_id: p.jobId ?? null,
      model: p.model ?? null,
      pool: p.pool,
      gpus: p.gpus,
      first_seen: at,
      last_seen: at,
    }));
    for (let i = 0; i < rows.length; i += BATCH) {
      await this.db<Row>('gpu_pods')
        .insert(rows.slice(i, i + BATCH))
        .onConflict(['namespace', 'pod'])
        .merge([
          'kind',
          'team',
          'environment',
          'owner',
          'job_id',
          'model',
          'pool',
          'gpus',
          'last_seen',
        ]);
    }
  }

  async find(filter: {
    teams?: string[];
    environment?: string;
    jobId?: string;
    since?: string;
  }): Promise<GpuPodEntry[]> {
    const query = this.db<Row>('gpu_pods');
    if (filter.teams) query.whereIn('team', filter.teams);
    if (filter.environment) {
      // An environment is named by its id (its namespace, as the ledger keys it) or its name.
      const environment = filter.environment;
      query.where(q =>
        q.where('namespace', environment).orWhere('environment', environment),
      );
    }
    if (filter.jobId) query.where('job_id', filter.jobId);
    if (filter.since) query.where('last_seen', '>=', filter.since);
    return (await query.select()).map(toEntry);
  }
}
