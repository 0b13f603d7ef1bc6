import type {
  LedgerFacts,
  LedgerRow,
  PodInterval,
} from '@genai-portal/plugin-genai-insights-common';
import {
  event,
  idleGpu,
  job,
  ML,
  testConfig,
  tokens,
} from '../__testUtils__/fixtures';
import { computeLedger, reservations } from './computeLedger';

const card = testConfig().rateCard;
const T = (s: string) => Date.parse(s);
const none: LedgerFacts = {
  environmentEvents: [],
  jobs: [],
  pods: [],
  tokens: [],
};

function compute(
  facts: Partial<LedgerFacts>,
  from: string,
  to: string,
  now = to,
) {
  return computeLedger(
    { ...none, ...facts },
    { from: T(from), to: T(to), now: T(now) },
    card,
  );
}

describe('computeLedger', () => {
  it('pro-rates a reservation to the second within each hour', () => {
    const rows = compute(
      {
        environmentEvents: [
          event({ id: 'e1', at: '2026-11-02T10:30:00Z' }),
          event({ id: 'e2', at: '2026-11-02T11:15:00Z', type: 'deleted' }),
        ],
      },
      '2026-11-02T00:00:00Z',
      '2026-11-03T00:00:00Z',
    );
    const gpu = rows.filter(r => r.category === 'gpu');
    expect(gpu.map(r => [r.hour, r.quantity, r.costMicros])).toEqual([
      // 30 minutes of 2 GPUs at 2.90: 1 GPU-hour
      ['2026-11-02T10:00:00.000Z', 1, 2_900_000],
      // 15 minutes of 2 GPUs: 0.5 GPU-hours
      ['2026-11-02T11:00:00.000Z', 0.5, 1_450_000],
    ]);
    expect(gpu[0]).toMatchObject({
      environment: 'ml-research-lab',
      team: ML,
      costCenter: 'CC-100',
      pool: 'mi300x',
      unit: 'gpu-hours',
      basis: 'reserved',
      capacity: 'on-demand',
      rateMicros: 2_900_000,
      ratePer: 1,
    });
    const storage = rows.find(r => r.category === 'storage')!;
    // 500 GiB for half an hour at 0.08 per GiB-month of 730 hours
    expect(storage).toMatchObject({
      quantity: 250,
      ratePer: 730,
      rateMicros: 80_000,
    });
    expect(storage.costMicros).toBe(Math.round((250 / 730) * 80_000));
    expect(rows.every(r => r.basis === 'reserved')).toBe(true);
  });

  it('follows a resize and ignores an extend; an open reservation runs to now', () => {
    const facts = {
      environmentEvents: [
        event({ id: 'a', at: '2026-11-02T10:00:00Z' }),
        event({ id: 'b', at: '2026-11-02T10:20:00Z', type: 'extended' }),
        event({
          id: 'c',
          at: '2026-11-02T10:30:00Z',
          type: 'resized',
          quota: { gpus: 4, cpu: 16, memoryGi: 128, storageGi: 500 },
        }),
      ],
    };
    const spans = reservations(
      facts.environmentEvents,
      T('2026-11-02T12:00:00Z'),
    );
    expect(spans.map(s => [s.quota.gpus, s.end - s.start])).toEqual([
      [2, 1_800_000],
      [4, 5_400_000],
    ]);
    const rows = compute(
      facts,
      '2026-11-02T10:00:00Z',
      '2026-11-02T13:00:00Z',
      '2026-11-02T11:45:00Z',
    );
    expect(
      rows.filter(r => r.category === 'gpu').map(r => [r.hour, r.quantity]),
    ).toEqual([
      ['2026-11-02T10:00:00.000Z', 1 + 2],
      ['2026-11-02T11:00:00.000Z', 3],
    ]);
  });

  it('counts each life of an environment id deleted and created again', () => {
    const spans = reservations(
      [
        event({ id: '1', at: '2026-11-02T10:00:00Z' }),
        event({ id: '2', at: '2026-11-02T10:10:00Z', type: 'deleted' }),
        event({ id: '3', at: '2026-11-02T10:40:00Z' }),
      ],
      T('2026-11-02T11:00:00Z'),
    );
    expect(spans.map(s => (s.end - s.start) / 60_000)).toEqual([10, 20]);
  });

  it('prices used GPU-seconds of jobs, spot nodes at the spot price', () => {
    const rows = compute(
      {
        jobs: [
          job({
            jobId: 'j1',
            start: '2026-11-02T10:59:00Z',
            end: '2026-11-02T11:01:30Z',
            gpus: 8,
          }),
          job({
            jobId: 'j2',
            start: '2026-11-02T10:00:00Z',
            end: '2026-11-02T10:30:00Z',
            nodeLabels: { 'capacity-type': 'spot' },
          }),
        ],
      },
      '2026-11-02T00:00:00Z',
      '2026-11-03T00:00:00Z',
    );
    expect(
      rows.map(r => [r.hour, r.basis, r.capacity, r.quantity, r.costMicros]),
    ).toEqual([
      [
        '2026-11-02T10:00:00.000Z',
        'used',
        'on-demand',
        (8 * 60) / 3600,
        Math.round((8 / 60) * 2_900_000),
      ],
      ['2026-11-02T10:00:00.000Z', 'used', 'spot', 0.5, 600_000],
      [
        '2026-11-02T11:00:00.000Z',
        'used',
        'on-demand',
        (8 * 90) / 3600,
        580_000,
      ],
    ]);
  });

  it('counts pods requests in the used basis', () => {
    const rows = compute(
      {
        pods: [
          {
            id: 'p1',
            environmentId: 'ml-research-lab',
            team: ML,
            costCenter: 'CC-100',
            pool: 'mi355x',
            gpus: 1,
            cpu: 4,
            memoryGi: 32,
            start: '2026-11-02T10:00:00Z',
            end: '2026-11-02T11:00:00Z',
          },
        ],
      },
      '2026-11-02T10:00:00Z',
      '2026-11-02T11:00:00Z',
    );
    expect(rows.map(r => [r.category, r.quantity, r.costMicros])).toEqual([
      ['cpu', 4, 160_000],
      ['gpu', 1, 4_100_000],
      ['memory', 32, 160_000],
    ]);
  });

  it('prices tokens per model in both bases, taking the environment cost center', () => {
    const rows = compute(
      {
        environmentEvents: [
          event({
            id: 'e',
            at: '2026-11-01T00:00:00Z',
            costCenter: 'CC-7',
            quota: { gpus: 0, cpu: 0, memoryGi: 0, storageGi: 0 },
          }),
        ],
        tokens: [
          tokens({ id: 't1', at: '2026-11-02T10:05:00Z' }),
          tokens({ id: 't2', at: '2026-11-02T10:55:00Z', inputTokens: 3000 }),
          tokens({
            id: 't3',
            at: '2026-11-02T10:10:00Z',
            model: 'qwen',
            outputTokens: 0,
          }),
        ],
      },
      '2026-11-02T10:00:00Z',
      '2026-11-02T11:00:00Z',
    );
    const used = rows.filter(r => r.basis === 'used');
    expect(used.map(r => [r.model, r.unit, r.quantity, r.costMicros])).toEqual([
      ['llama', 'input-tokens', 4000, 600],
      ['qwen', 'input-tokens', 1000, 1000],
      ['llama', 'output-tokens', 1000, 600],
    ]);
    expect(used.every(r => r.costCenter === 'CC-7')).toBe(true);
    expect(rows.filter(r => r.basis === 'reserved')).toHaveLength(3);
  });

  it('prices each hour by the rate version in effect at its start: a rate change never reprices the past', () => {
    const facts = {
      environmentEvents: [event({ id: 'e', at: '2026-11-14T23:00:00Z' })],
    };
    const rows = compute(facts, '2026-11-14T23:00:00Z', '2026-11-15T01:00:00Z');
    expect(
      rows
        .filter(r => r.category === 'gpu')
        .map(r => [r.hour, r.rateMicros, r.costMicros]),
    ).toEqual([
      ['2026-11-14T23:00:00.000Z', 2_900_000, 5_800_000],
      ['2026-11-15T00:00:00.000Z', 3_500_000, 7_000_000],
    ]);
    // The hour before the change computed alone is the same as within a wider range.
    const before = compute(
      facts,
      '2026-11-14T23:00:00Z',
      '2026-11-15T00:00:00Z',
    );
    expect(before).toEqual(
      rows.filter(r => r.hour === '2026-11-14T23:00:00.000Z'),
    );
  });

  it('gives the same rows for a range as for its hours computed one by one', () => {
    const facts = {
      environmentEvents: [
        event({ id: 'e1', at: '2026-11-02T10:17:13Z' }),
        event({ id: 'e2', at: '2026-11-02T13:42:01Z', type: 'deleted' }),
      ],
      jobs: [
        job({
          jobId: 'j',
          start: '2026-11-02T10:20:00Z',
          end: '2026-11-02T12:10:00Z',
        }),
      ],
      tokens: [tokens({ id: 't', at: '2026-11-02T11:00:00Z' })],
    };
    const whole = compute(
      facts,
      '2026-11-02T10:00:00Z',
      '2026-11-02T14:00:00Z',
    );
    const pieces = ['10', '11', '12', '13'].flatMap(h =>
      compute(
        facts,
        `2026-11-02T${h}:00:00Z`,
        `2026-11-02T${Number(h) + 1}:00:00Z`,
      ),
    );
    expect(pieces).toEqual(whole);
  });

  describe('idle GPUs', () => {
    const H = '2026-11-02T10:00:00.000Z';
    const pod = (overrides: Partial<PodInterval> = {}): PodInterval => ({
      id: 'p1',
      environmentId: 'ml-research-lab',
      team: ML,
      costCenter: 'CC-100',
      pool: 'mi300x',
      gpus: 2,
      cpu: 4,
      memoryGi: 32,
      start: '2026-11-02T10:00:00Z',
      end: '2026-11-02T11:00:00Z',
      ...overrides,
    });
    const quantities = (rows: LedgerRow[], basis: string, category: string) =>
      rows
        .filter(r => r.basis === basis && r.category === category)
        .map(r => [r.hour, r.capacity, r.quantity, r.costMicros]);

    it('takes the idle GPU-hours off the used GPUs only', () => {
      const facts = {
        environmentEvents: [event({ id: 'e1', at: '2026-11-02T09:00:00Z' })],
        pods: [pod()],
      };
      const idle = {
        ...facts,
        // one of the pod's 2 GPUs idle for 30 minutes
        idleGpus: [
          idleGpu({
            id: '7',
            start: '2026-11-02T10:15:00Z',
            end: '2026-11-02T10:45:00Z',
          }),
        ],
      };
      const range = ['2026-11-02T10:00:00Z', '2026-11-02T11:00:00Z'] as const;
      const before = compute(facts, ...range);
      const after = compute(idle, ...range);
      expect(quantities(after, 'used', 'gpu')).toEqual([
        [H, 'on-demand', 1.5, 4_350_000],
      ]);
      // reserved, and the used CPU and memory, do not change
      expect(
        after.filter(r => r.category !== 'gpu' || r.basis !== 'used'),
      ).toEqual(before.filter(r => r.category !== 'gpu' || r.basis !== 'used'));
      expect(quantities(after, 'reserved', 'gpu')).toEqual([
        [H, 'on-demand', 2, 5_800_000],
      ]);
    });

    it('counts an open episode to now, hour by hour', () => {
      const rows = compute(
        {
          pods: [pod({ gpus: 1, end: undefined })],
          idleGpus: [idleGpu({ id: '7', start: '2026-11-02T10:30:00Z' })],
        },
        '2026-11-02T10:00:00Z',
        '2026-11-02T12:00:00Z',
        '2026-11-02T11:15:00Z',
      );
      // 10:00 1 GPU-hour used less 0.5 idle; 11:00 0.25 used, all of it idle
      expect(quantities(rows, 'used', 'gpu').map(r => r[2])).toEqual([0.5]);
    });

    it('never goes below zero, and takes nothing off other environments', () => {
      const rows = compute(
        {
          jobs: [
            job({
              jobId: 'j1',
              start: '2026-11-02T10:00:00Z',
              end: '2026-11-02T10:30:00Z',
            }),
            job({
              jobId: 'j2',
              environmentId: 'other',
              start: '2026-11-02T10:00:00Z',
              end: '2026-11-02T11:00:00Z',
            }),
          ],
          idleGpus: [
            idleGpu({
              id: '1',
              gpus: 4,
              start: '2026-11-02T10:00:00Z',
              end: '2026-11-02T11:00:00Z',
            }),
            // an environment with no used GPUs
            idleGpu({
              id: '2',
              environmentId: 'nothing',
              start: '2026-11-02T10:00:00Z',
              end: '2026-11-02T11:00:00Z',
            }),
          ],
        },
        '2026-11-02T10:00:00Z',
        '2026-11-02T11:00:00Z',
      );
      expect(
        rows
          .filter(r => r.basis === 'used')
          .map(r => [r.environment, r.quantity]),
      ).toEqual([['other', 1]]);
    });

    it('takes off the idle pool first, spot and on-demand in proportion', () => {
      const rows = compute(
        {
          pods: [
            pod({ id: 'a', gpus: 3 }),
            pod({ id: 'b', gpus: 1, nodeLabels: { 'capacity-type': 'spot' } }),
            pod({ id: 'c', gpus: 2, pool: 'mi355x' }),
          ],
          idleGpus: [
            idleGpu({
              id: '1',
              gpus: 2,
              start: '2026-11-02T10:00:00Z',
              end: '2026-11-02T11:00:00Z',
            }),
            // a pool the environment used none of: off all its pools
            idleGpu({
              id: '2',
              pool: 'other',
              start: '2026-11-02T10:00:00Z',
              end: '2026-11-02T11:00:00Z',
            }),
          ],
        },
        '2026-11-02T10:00:00Z',
        '2026-11-02T11:00:00Z',
      );
      expect(
        rows
          .filter(r => r.basis === 'used' && r.category === 'gpu')
          .map(r => [r.pool, r.capacity, r.quantity]),
      ).toEqual([
        // 3 and 1 less 2 idle: 1.5 and 0.5; then 1 idle of 'other' off all 4 left
        ['mi300x', 'on-demand', 1.125],
        ['mi300x', 'spot', 0.375],
        ['mi355x', 'on-demand', 1.5],
      ]);
    });
  });
});
