import type {
  JobGpuRecord,
  LedgerFacts,
  PodInterval,
  TokenUsage,
} from '@genai-portal/plugin-genai-insights-common';
import type { Knex } from 'knex';
import { noise, type Scenario } from './scenario';

const HOUR_MS = 3_600_000;
const GPUS_PER_NODE = 8;

/** The node a GPU offset of the cluster sits on (8 GPUs a node), with its capacity label. */
function nodeLabels(gpuOffset: number, spot: boolean): Record<string, string> {
  const labels: Record<string, string> = {
    'kubernetes.io/hostname': `gpu-node-${String(
      Math.floor(gpuOffset / GPUS_PER_NODE) + 1,
    ).padStart(3, '0')}`,
  };
  if (spot) labels['node.kubernetes.io/capacity-type'] = 'spot';
  return labels;
}

/**
 * One hour of a cluster's facts, as the playground's feed delivers them: every environment's
 * GPUs (the scenario's 500 environments hold 1,000 GPUs, 125 nodes of 8) split into jobs (one
 * running since before the hour, one that started and ended in it, and for some one still
 * running), three pods per environment (a notebook, a service, and for active environments an
 * inference server with a GPU), and `callsPerModel` metered calls per environment and model
 * (and per team without an environment).
 */
export function hourOfFacts(
  s: Scenario,
  hour: string,
  callsPerModel = 20,
): Pick<LedgerFacts, 'jobs' | 'pods' | 'tokens'> {
  const h = Date.parse(hour);
  const k = Math.floor(h / HOUR_MS);
  const at = (ms: number) => new Date(ms).toISOString();
  const jobs: JobGpuRecord[] = [];
  const pods: PodInterval[] = [];
  const tokens: TokenUsage[] = [];
  let gpuOffset = 0;
  for (const e of s.environments) {
    const owner = {
      environmentId: e.id,
      team: e.team,
      costCenter: e.costCenter,
      pool: e.pool,
    };
    const long = Math.ceil(e.gpus / 2);
    jobs.push({
      ...owner,
      jobId: `${e.id}-job-${k}-a`,
      gpus: long,
      start: at(h - (1 + Math.floor(noise(e.index, k) * 30)) * 60_000 * 7),
      nodeLabels: nodeLabels(gpuOffset, e.spot),
    });
    if (e.gpus > long) {
      const start = h + Math.floor(noise(e.index, k + 1) * 20) * 60_000;
      jobs.push({
        ...owner,
        jobId: `${e.id}-job-${k}-b`,
        gpus: e.gpus - long,
        start: at(start),
        end: at(start + (5 + Math.floor(noise(e.index, k + 2) * 30)) * 60_000),
        nodeLabels: nodeLabels(gpuOffset + long, false),
      });
    }
    if (e.index % 4 === 0) {
      jobs.push({
        ...owner,
        jobId: `${e.id}-job-${k}-c`,
        gpus: 1,
        start: at(h + 45 * 60_000),
        nodeLabels: nodeLabels(gpuOffset, false),
      });
    }
    const active = noise(e.index, k + 3) < e.activity;
    pods.push(
      {
        ...owner,
        id: `${e.id}-notebook`,
        gpus: 0,
        cpu: 4,
        memoryGi: 32,
        start: at(Date.parse(s.start)),
        nodeLabels: nodeLabels(gpuOffset, false),
      },
      {
        ...owner,
        id: `${e.id}-service-${k}`,
        gpus: 0,
        cpu: 2,
        memoryGi: 8,
        start: at(h + 10 * 60_000),
        end: at(h + 50 * 60_000),
        nodeLabels: nodeLabels(gpuOffset, false),
      },
    );
    if (active) {
      pods.push({
        ...owner,
        id: `${e.id}-inference-${k}`,
        gpus: 1,
        cpu: 8,
        memoryGi: 64,
        start: at(h - 30 * 60_000),
        end: at(h + 40 * 60_000),
        nodeLabels: nodeLabels(gpuOffset, e.spot),
      });
    }
    for (const model of e.models) {
      for (let c = 0; c < callsPerModel; c++) {
        tokens.push({
          id: `${e.id}-${model}-${k}-${c}`,
          ...owner,
          keyId: `key-${e.index}`,
          model,
          inputTokens: 500 + Math.floor(noise(e.index * 31 + c, k) * 8000),
          outputTokens: 100 + Math.floor(noise(e.index * 37 + c, k) * 2000),
          at: at(h + Math.floor((c / callsPerModel) * HOUR_MS)),
        });
      }
    }
    gpuOffset += e.gpus;
  }
  s.teams.forEach((team, t) => {
    for (let c = 0; c < callsPerModel; c++) {
      tokens.push({
        id: `${team}-${k}-${c}`,
        team,
        userRef: `user:default/lead-${t + 1}`,
        model: s.teamModels[t],
        inputTokens: 500 + Math.floor(noise(t * 41 + c, k) * 4000),
        outputTokens: 100 + Math.floor(noise(t * 43 + c, k) * 1000),
        at: at(h + Math.floor((c / callsPerModel) * HOUR_MS)),
      });
    }
  });
  return { jobs, pods, tokens };
}

/**
 * The fact tables' past, as they stand after `days` of the feed before `end`: per environment a
 * finished job every active hour and a finished pod every few hours, and the tokens of the last
 * day (calls are read by their time, so older calls are only table size). PostgreSQL only.
 * Returns the rows per table.
 */
export async function generateFactHistory(
  knex: Knex,
  s: Scenario,
  end: string,
  days: number,
): Promise<{ jobs: number; pods: number; tokens: number }> {
  const environments = JSON.stringify(
    s.environments.map(e => ({
      idx: e.index,
      environment: e.id,
      team: e.team,
      cost_center: e.costCenter,
      pool: e.pool,
      gpus: e.gpus,
      activity: e.activity,
      model: e.models[0],
    })),
  );
  const ts = (ms: number) =>
    new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
  const bindings = {
    environments,
    from: ts(Date.parse(end) - days * 86_400_000),
    to: ts(Date.parse(end)),
    lastDay: ts(Date.parse(end) - 86_400_000),
  };
  const iso = (column: string) =>
    `to_char(${column}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  const base = `
    WITH e AS (
      SELECT * FROM jsonb_to_recordset(:environments::jsonb) AS e(
        idx int, environment text, team text, cost_center text, pool text, gpus float8,
        activity float8, model text)
    ), h AS (
      SELECT g AS t, (extract(epoch FROM g) / 3600)::int AS k
      FROM generate_series(:from::timestamp, :to::timestamp - interval '1 hour', interval '1 hour') AS g
    )`;
  const frac = (seed: number) => {
    const x = `(sin(e.idx * 12.9898 + h.k * 78.233 + ${seed} * 3.7193) * 43758.5453)`;
    return `(${x} - floor(${x}))`;
  };
  const jobs = await knex.raw(
    `${base}
    INSERT INTO job_gpu_records (job_id, environment_id, team, cost_center, pool, gpus, start, "end", node_labels)
    SELECT e.environment || '-hist-' || h.k, e.environment, e.team, e.cost_center, e.pool, e.gpus,
      ${iso(`h.t + interval '5 minutes'`)}, ${iso(
      `h.t + interval '50 minutes'`,
    )}, NULL
    FROM h CROSS JOIN e WHERE ${frac(1)} < e.activity`,
    bindings,
  );
  const pods = await knex.raw(
    `${base}
    INSERT INTO pod_intervals (id, environment_id, team, cost_center, pool, gpus, cpu, memory_gi, start, "end", node_labels)
    SELECT e.environment || '-hist-pod-' || h.k, e.environment, e.team, e.cost_center, e.pool,
      0, 2, 8, ${iso(`h.t + interval '10 minutes'`)}, ${iso(
      `h.t + interval '130 minutes'`,
    )}, NULL
    FROM h CROSS JOIN e WHERE h.k % 4 = e.idx % 4`,
    bindings,
  );
  const tokens = await knex.raw(
    `${base}
    INSERT INTO token_usage (id, environment_id, team, cost_center, pool, key_id, user_ref, model, input_tokens, output_tokens, at)
    SELECT e.environment || '-hist-call-' || h.k || '-' || c, e.environment, e.team, e.cost_center,
      e.pool, 'key-' || e.idx, NULL, e.model, 1000 + c * 10, 200 + c,
      ${iso(`h.t + c * interval '3 minutes'`)}
    FROM h CROSS JOIN e CROSS JOIN generate_series(0, 19) AS c
    WHERE h.t >= :lastDay::timestamp`,
    bindings,
  );
  return {
    jobs: jobs.rowCount ?? 0,
    pods: pods.rowCount ?? 0,
    tokens: tokens.rowCount ?? 0,
  };
}
