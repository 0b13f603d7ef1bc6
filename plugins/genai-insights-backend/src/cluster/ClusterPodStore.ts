import type { DatabaseService } from '@backstage/backend-plugin-api';
import type { PodInterval } from '@genai-portal/plugin-genai-insights-common';
import type { Knex } from 'knex';

/** A pod the cluster collector has reported. Times are ISO. */
export interface ClusterPodRecord {
  fact: PodInterval;
  /** The run that last reported it. */
  reportedAt: string;
  /** The last time it was listed running. */
  seenAt: string;
}

/** What the cluster collector remembers between runs: the pods it has reported. */
export interface ClusterPodStore {
  list(): Promise<Map<string, ClusterPodRecord>>;
  /** In one transaction: records (by the fact's id), pods seen again, pods forgotten. */
  apply(changes: {
    put: ClusterPodRecord[];
    seen: { ids: string[]; at: string };
    remove: string[];
  }): Promise<void>;
}

/** Rows per statement, well under SQLite's limit of bound variables. */
const CHUNK = 200;

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) {
    out.push(items.slice(i, i + CHUNK));
  }
  return out;
}

/** The `cluster_pods` table. */
export class DatabaseClusterPodStore implements ClusterPodStore {
  /** A store on the plugin's database, migrated beforehand (migrateDatabase). */
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseClusterPodStore> {
    return new DatabaseClusterPodStore(await options.database.getClient());
  }

  private constructor(private readonly db: Knex) {}

  async list(): Promise<Map<string, ClusterPodRecord>> {
    const rows = await this.db('cluster_pods').orderBy('id');
    return new Map(
      rows.map(r => [
        r.id,
        {
          fact: JSON.parse(r.fact) as PodInterval,
          reportedAt: r.reported_at,
          seenAt: r.seen_at,
        },
      ]),
    );
  }

  async apply(changes: {
    put: ClusterPodRecord[];
    seen: { ids: string[]; at: string };
    remove: string[];
  }): Promise<void> {
    await this.db.transaction(async tx => {
      for (const chunk of chunks(changes.put)) {
        await tx('cluster_pods')
          .insert(
            chunk.map(r => ({
              id: r.fact.id,
              fact: JSON.stringify(r.fact),
              reported_at: r.reportedAt,
              seen_at: r.seenAt,
            })),
          )
          .onConflict('id')
          .merge();
      }
      for (const chunk of chunks(changes.seen.ids)) {
        await tx('cluster_pods')
          .whereIn('id', chunk)
          .update({ seen_at: changes.seen.at });
      }
      for (const chunk of chunks(changes.remove)) {
        await tx('cluster_pods').whereIn('id', chunk).delete();
      }
    });
  }
}
