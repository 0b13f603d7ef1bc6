import type { LedgerFacts } from '@genai-portal/plugin-genai-insights-common';
import { z } from 'zod';

/*
 * The shapes of facts as they come in (the playground's feed, fact sources), checked before
 * anything is stored. The lengths are the columns' (migrations/20261204120000_facts.js), so a
 * fact that passes is one the database takes.
 */

const text = (max: number) => z.string().min(1).max(max);
const isoTime = z
  .string()
  .max(40)
  .refine(v => !Number.isNaN(Date.parse(v)), {
    message: 'must be an ISO 8601 time',
  });
/** JSON has no undefined: an optional field may come as null. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess(v => (v === null ? undefined : v), schema.optional());
const amount = z.number().finite().min(0);
const labels = optional(z.record(z.string().max(317), z.string().max(63)));

export const environmentEventSchema = z.object({
  id: text(255),
  environmentId: text(253),
  type: z.enum(['created', 'extended', 'resized', 'deleted']),
  team: text(255),
  costCenter: z.string().max(64),
  pool: z.string().max(32),
  quota: z.object({
    gpus: amount,
    cpu: amount,
    memoryGi: amount,
    storageGi: amount,
  }),
  monthlyBudget: optional(amount),
  at: isoTime,
});

/** A start and an optional end no earlier than it. */
const interval = <T extends { start: string; end?: string }>(
  value: T,
  ctx: z.RefinementCtx,
) => {
  if (
    value.end !== undefined &&
    Date.parse(value.end) < Date.parse(value.start)
  ) {
    ctx.addIssue({ code: 'custom', path: ['end'], message: 'is before start' });
  }
};

export const jobSchema = z
  .object({
    jobId: text(255),
    environmentId: text(253),
    team: text(255),
    costCenter: z.string().max(64),
    pool: z.string().max(32),
    gpus: amount,
    start: isoTime,
    end: optional(isoTime),
    nodeLabels: labels,
  })
  .superRefine(interval);

export const podSchema = z
  .object({
    id: text(255),
    environmentId: text(253),
    team: text(255),
    costCenter: z.string().max(64),
    pool: z.string().max(32),
    gpus: amount,
    cpu: amount,
    memoryGi: amount,
    start: isoTime,
    end: optional(isoTime),
    nodeLabels: labels,
  })
  .superRefine(interval);

export const tokenUsageSchema = z.object({
  id: text(255),
  environmentId: optional(text(253)),
  team: text(255),
  costCenter: optional(z.string().max(64)),
  pool: optional(z.string().max(32)),
  keyId: optional(z.string().max(255)),
  userRef: optional(z.string().max(255)),
  model: text(255),
  inputTokens: z.number().int().min(0),
  outputTokens: z.number().int().min(0),
  at: isoTime,
});

/** The columns' lengths are migrations/20261230130000_idle_facts.js's. */
export const idleGpuSchema = z
  .object({
    id: text(64),
    environmentId: text(253),
    team: optional(text(255)),
    pool: z.string().max(63),
    gpus: amount,
    start: isoTime,
    end: optional(isoTime),
  })
  .superRefine(interval);

/** Facts of any kinds, as a fact source returns them. */
export const factsSchema = z.object({
  environmentEvents: z.array(environmentEventSchema).optional(),
  jobs: z.array(jobSchema).optional(),
  pods: z.array(podSchema).optional(),
  tokens: z.array(tokenUsageSchema).optional(),
  idleGpus: z.array(idleGpuSchema).optional(),
});

/**
 * One page of the playground's feed, `GET /api/genai-playground/facts`. Fields the feed adds
 * later are ignored; a missing or wrong one rejects the whole page.
 */
export const feedPageSchema = z.object({
  facts: z.object({
    environmentEvents: z.array(environmentEventSchema),
    jobs: z.array(jobSchema),
    tokens: z.array(tokenUsageSchema),
  }),
  cursor: z.string().min(1).max(1000),
  more: z.boolean(),
});

/** A page of the feed, checked. */
export interface FeedPage {
  facts: Pick<LedgerFacts, 'environmentEvents' | 'jobs' | 'tokens'>;
  cursor: string;
  more: boolean;
}

/** A schema's issues as one line: `facts.jobs[3].gpus: expected number, received string`. */
export function describeIssues(error: z.ZodError, limit = 5): string {
  const issues = error.issues.slice(0, limit).map(issue => {
    const path = issue.path
      .map(p => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
      .join('')
      .replace(/^\./, '');
    return `${path || '(root)'}: ${issue.message}`;
  });
  const more = error.issues.length - issues.length;
  return issues.join('; ') + (more > 0 ? ` (and ${more} more)` : '');
}

/**
 * The earliest time (ms) in some facts: events' `at`, jobs', pods' and idle GPUs' `start`,
 * tokens' `at`. A fact delivered again (ended, or started earlier) marks its hours from its start.
 */
export function earliestTime(facts: Partial<LedgerFacts>): number | undefined {
  const times = [
    ...(facts.environmentEvents ?? []).map(e => e.at),
    ...(facts.jobs ?? []).map(j => j.start),
    ...(facts.pods ?? []).map(p => p.start),
    ...(facts.tokens ?? []).map(t => t.at),
    ...(facts.idleGpus ?? []).map(g => g.start),
  ];
  let earliest: number | undefined;
  for (const time of times) {
    const ms = Date.parse(time);
    if (earliest === undefined || ms < earliest) earliest = ms;
  }
  return earliest;
}

/** How many facts. */
export function countFacts(facts: Partial<LedgerFacts>): number {
  return (
    (facts.environmentEvents?.length ?? 0) +
    (facts.jobs?.length ?? 0) +
    (facts.pods?.length ?? 0) +
    (facts.tokens?.length ?? 0) +
    (facts.idleGpus?.length ?? 0)
  );
}

/** The last of each id: a page may hold a job twice (started, then ended), a batch upsert not. */
function lastById<T>(items: T[] | undefined, id: (item: T) => string) {
  if (!items) return undefined;
  const byId = new Map<string, T>();
  for (const item of items) {
    byId.delete(id(item));
    byId.set(id(item), item);
  }
  return [...byId.values()];
}

/** The facts with each id once, its last delivery winning. */
export function dedupeFacts(facts: Partial<LedgerFacts>): Partial<LedgerFacts> {
  return {
    environmentEvents: lastById(facts.environmentEvents, e => e.id),
    jobs: lastById(facts.jobs, j => j.jobId),
    pods: lastById(facts.pods, p => p.id),
    tokens: lastById(facts.tokens, t => t.id),
    idleGpus: lastById(facts.idleGpus, g => g.id),
  };
}
