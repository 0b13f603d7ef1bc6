import { Client } from 'pg';
import { stringify } from 'yaml';

/**
 * The production scale the API benchmark runs at: environments, jobs and usage records of several
 * teams, written straight into the genai-playground plugin's tables with INSERT … SELECT from
 * generate_series (one statement per table), and the namespaces and quotas kube-sim must hold so
 * that opening an environment reads a real ResourceQuota.
 */
export interface SeedScale {
  environments: number;
  jobsPerEnvironment: number;
  usagePerEnvironment: number;
  /** Group names; the first one is the signed-in member's. */
  teams: string[];
}

export const CLUSTER = 'kube-sim';
const QUOTA_NAME = 'genai-playground-quota';
const DAY_MS = 86_400_000;

/** The namespace (and id) of environment `i`: its team's name, then a number. */
export function environmentId(scale: SeedScale, i: number): string {
  return `${scale.teams[i % scale.teams.length]}-bench-${i}`;
}

/** The id of job `j` of environment `i`, as the plugin's rows carry it (at most 32 characters). */
export function jobId(i: number, j: number): string {
  return `bench${i}x${j}`;
}

export async function seedDatabase(connectionString: string, scale: SeedScale) {
  const client = new Client({ connectionString });
  await client.connect();
  const now = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString();
  // Expressions of generate_series' i (environment) and j (job or record of it).
  const team = `'group:default/' || (ARRAY[${scale.teams
    .map(t => `'${t}'`)
    .join(',')}])[(i % ${scale.teams.length}) + 1]`;
  const namespace = `(ARRAY[${scale.teams
    .map(t => `'${t}'`)
    .join(',')}])[(i % ${scale.teams.length}) + 1] || '-bench-' || i`;
  const pool = `CASE WHEN i % 2 = 0 THEN 'mi300x' ELSE 'mi355x' END`;
  const costCenter = `'cc-' || (i % ${scale.teams.length})`;
  try {
    await client.query(
      `INSERT INTO environments (id, uid, cluster, namespace, name, team, owner, gpu_pool, quota,
         cost_center, monthly_budget, currency, data_classification, security_level, description,
         status, created_at, updated_at, expires_at)
       SELECT ${namespace}, gen_random_uuid()::text, '${CLUSTER}', ${namespace}, 'bench-' || i,
         ${team}, 'user:default/lena.fischer', ${pool},
         '{"gpus":2,"cpu":16,"memoryGi":64,"storageGi":100,"pods":20,"persistentVolumeClaims":5}',
         ${costCenter}, 5000, 'EUR', 'internal', 'medium', 'benchmark environment', 'ready',
         $1, $1, $2
       FROM generate_series(0, $3 - 1) AS i`,
      [iso(now - 30 * DAY_MS), iso(now + 30 * DAY_MS), scale.environments],
    );
    await client.query(
      // Each job of its environment's incarnation now (environment_uid), as the plugin writes
      // them: the jobs list shows only those.
      `INSERT INTO jobs (id, name, environment_id, environment_uid, cluster, namespace,
         kubernetes_name, kubernetes_uid, team, owner, cost_center, gpu_pool, gpus, pods, spec,
         status, submitted_at, updated_at, started_at, finished_at, gpu_seconds)
       SELECT 'bench' || i || 'x' || j, 'fine-tune-' || j, ${namespace},
         (SELECT uid FROM environments WHERE id = ${namespace}), '${CLUSTER}',
         ${namespace}, 'bp-bench' || i || 'x' || j, gen_random_uuid()::text, ${team},
         'user:default/lena.fischer', ${costCenter}, ${pool}, 1 + j % 8, 1,
         '{"image":"quay.io/example/finetune:1.0","env":[],"cpu":8,"memoryGi":32,"maxRuntimeHours":4,"retries":0}',
         CASE WHEN j % 10 = 0 THEN 'Failed' ELSE 'Succeeded' END, t, t, t, t, 3600 * (1 + j % 8)
       FROM generate_series(0, $1 - 1) AS i, generate_series(0, $2 - 1) AS j,
         LATERAL (SELECT to_char(to_timestamp(($3::bigint - (i * $2 + j) * 2000) / 1000.0) AT TIME ZONE 'UTC',
           'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS t) AS at`,
      [scale.environments, scale.jobsPerEnvironment, now],
    );
    await client.query(
      `INSERT INTO usage_records (at, user_ref, team, environment_id, model, endpoint,
         input_tokens, output_tokens, cost, latency_ms, ttft_ms, status, stream)
       SELECT t, 'user:default/lena.fischer', ${team}, ${namespace},
         (ARRAY['llama-3.1-8b','qwen2.5-72b','mistral-7b'])[(j % 3) + 1], 'chat',
         200 + j % 500, 100 + j % 300, 0.001 * (1 + j % 7), 50 + j % 400, 20 + j % 40, 200,
         j % 2 = 0
       FROM generate_series(0, $1 - 1) AS i, generate_series(0, $2 - 1) AS j,
         LATERAL (SELECT to_char(to_timestamp(($3::bigint - (i * $2 + j) * 10000) / 1000.0) AT TIME ZONE 'UTC',
           'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS t) AS at`,
      [scale.environments, scale.usagePerEnvironment, now],
    );
    // The steady state autovacuum keeps a table in: statistics, and a visibility map for
    // index-only scans (the usage report's).
    await client.query('VACUUM ANALYZE environments, jobs, usage_records');
  } finally {
    await client.end();
  }
}

/** kube-sim's manifest: every seeded environment's Namespace and ResourceQuota. */
export function clusterManifest(scale: SeedScale): string {
  const docs: object[] = [];
  for (let i = 0; i < scale.environments; i++) {
    const name = environmentId(scale, i);
    const labels = {
      'genai-playground.io/environment': name,
      'security-level': 'medium',
      'data-classification': 'internal',
    };
    docs.push(
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } },
      {
        apiVersion: 'v1',
        kind: 'ResourceQuota',
        metadata: { name: QUOTA_NAME, namespace: name, labels },
        spec: {
          hard: {
            'requests.amd.com/gpu': '2',
            'requests.cpu': '16',
            'requests.memory': '64Gi',
          },
        },
      },
    );
  }
  return docs.map(d => stringify(d)).join('---\n');
}
