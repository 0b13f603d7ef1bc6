import type {
  EnvironmentEvent,
  JobGpuRecord,
  PodInterval,
  TokenUsage,
} from '@genai-portal/plugin-genai-insights-common';
import type { z } from 'zod';
import { event, job, tokens } from '../__testUtils__/fixtures';
import {
  dedupeFacts,
  describeIssues,
  earliestTime,
  environmentEventSchema,
  factsSchema,
  feedPageSchema,
  jobSchema,
  podSchema,
  tokenUsageSchema,
} from './factSchemas';

// The schemas' output is the common types: a drift between them fails to compile here.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const shapes: [
  Same<z.output<typeof environmentEventSchema>, EnvironmentEvent>,
  Same<z.output<typeof jobSchema>, JobGpuRecord>,
  Same<z.output<typeof podSchema>, PodInterval>,
  Same<z.output<typeof tokenUsageSchema>, TokenUsage>,
] = [true, true, true, true];

const page = (facts: object, rest: object = {}) => ({
  facts: { environmentEvents: [], jobs: [], tokens: [], ...facts },
  cursor: 'MTA',
  more: false,
  ...rest,
});

describe('feedPageSchema', () => {
  it('has the shapes of the common fact types', () => {
    expect(shapes).toEqual([true, true, true, true]);
  });

  it('takes the contract, with nulls for absent fields and fields it does not know', () => {
    const body = page(
      {
        environmentEvents: [
          {
            ...event({ id: 'e', at: '2026-12-01T00:00:00Z' }),
            monthlyBudget: null,
          },
        ],
        jobs: [
          { ...job({ jobId: 'j', start: '2026-12-01T01:00:00Z' }), end: null },
        ],
        tokens: [
          { ...tokens({ id: 't', at: '2026-12-01T02:00:00Z' }), keyId: null },
        ],
        podsSomeday: [1, 2],
      },
      { generatedAt: 'later' },
    );
    const parsed = feedPageSchema.parse(body);
    expect(parsed.facts.environmentEvents[0]).not.toHaveProperty(
      'monthlyBudget',
      null,
    );
    expect(parsed.facts.environmentEvents[0].monthlyBudget).toBeUndefined();
    expect(parsed.facts.jobs[0].end).toBeUndefined();
    expect(parsed).not.toHaveProperty('generatedAt');
  });

  it.each([
    [
      {
        jobs: [
          { ...job({ jobId: 'j', start: '2026-12-01T01:00:00Z' }), gpus: '1' },
        ],
      },
      {},
      'facts.jobs[0].gpus',
    ],
    [
      {
        jobs: [
          job({
            jobId: 'j',
            start: '2026-12-01T01:00:00Z',
            end: '2026-12-01T00:00:00Z',
          }),
        ],
      },
      {},
      'facts.jobs[0].end: is before start',
    ],
    [
      { tokens: [{ ...tokens({ id: 't', at: 'yesterday' }) }] },
      {},
      'facts.tokens[0].at',
    ],
    [
      {
        tokens: [
          {
            ...tokens({ id: 't', at: '2026-12-01T00:00:00Z' }),
            inputTokens: 1.5,
          },
        ],
      },
      {},
      'facts.tokens[0].inputTokens',
    ],
    [
      {
        environmentEvents: [
          { ...event({ id: 'e', at: '2026-12-01T00:00:00Z' }), type: 'moved' },
        ],
      },
      {},
      'facts.environmentEvents[0].type',
    ],
    [
      {
        environmentEvents: [
          {
            ...event({ id: 'e', at: '2026-12-01T00:00:00Z' }),
            costCenter: 'x'.repeat(65),
          },
        ],
      },
      {},
      'facts.environmentEvents[0].costCenter',
    ],
    [{ jobs: undefined }, {}, 'facts.jobs'],
    [{}, { cursor: '' }, 'cursor'],
    [{}, { more: 'no' }, 'more'],
  ])('rejects a page with a bad field (%#)', (facts, rest, message) => {
    const result = feedPageSchema.safeParse(page(facts, rest));
    expect(result.success).toBe(false);
    expect(describeIssues(result.error!)).toContain(message);
  });

  it('checks pods, which only fact sources send', () => {
    const pod = {
      id: 'p',
      environmentId: 'ml-a',
      team: 'group:default/ml-research',
      costCenter: '',
      pool: '',
      gpus: 0,
      cpu: 0.5,
      memoryGi: 1,
      start: '2026-12-01T00:00:00Z',
    };
    expect(factsSchema.safeParse({ pods: [pod] }).success).toBe(true);
    expect(factsSchema.safeParse({ pods: [{ ...pod, cpu: -1 }] }).success).toBe(
      false,
    );
    expect(
      factsSchema.safeParse({ pods: [{ ...pod, team: '' }] }).success,
    ).toBe(false);
  });
});

describe('earliestTime and dedupeFacts', () => {
  it('finds the earliest time of every kind', () => {
    expect(earliestTime({})).toBeUndefined();
    expect(
      earliestTime({
        environmentEvents: [event({ id: 'e', at: '2026-12-01T05:00:00Z' })],
        jobs: [job({ jobId: 'j', start: '2026-12-01T03:00:00Z' })],
        tokens: [tokens({ id: 't', at: '2026-12-01T04:00:00Z' })],
      }),
    ).toBe(Date.parse('2026-12-01T03:00:00Z'));
  });

  it('keeps the last delivery of each id', () => {
    const started = job({ jobId: 'j', start: '2026-12-01T03:00:00Z' });
    const ended = { ...started, end: '2026-12-01T04:00:00Z' };
    expect(
      dedupeFacts({
        jobs: [started, job({ jobId: 'k', start: started.start }), ended],
      }).jobs,
    ).toEqual([expect.objectContaining({ jobId: 'k' }), ended]);
  });
});
