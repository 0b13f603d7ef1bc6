import { validateAmount } from '../components/BudgetDialogs';
import { budgetSeries } from './budgetSeries';
import { stackPoints } from './chartData';
import { formatMoney, formatPercent } from './format';
import { environmentIdOf, environmentTeamOf } from './entities';
import {
  formatAgo,
  formatDateTime,
  formatDuration,
  idleRuleText,
  resolveGpuRange,
  usageByPool,
} from './gpu';
import { periodsOf, resolveRange, validateCustomRange } from './ranges';
import { parseTeamParams, teamsOutsideScope } from './teams';
import { scope, teamBudget } from '../__testUtils__/fixtures';

describe('format', () => {
  it('formats micros in the currency', () => {
    expect(formatMoney(1_234_567_890, 'USD')).toBe('$1,234.57');
    expect(formatMoney(500_000, 'EUR')).toBe('€0.50');
    expect(formatMoney(0, 'USD')).toBe('$0.00');
    // An unknown code still reads.
    expect(formatMoney(1_000_000, 'XX1')).toBe('1.00 XX1');
    expect(formatPercent(0.125)).toBe('12.5%');
    expect(formatPercent(-0.5)).toBe('50%');
  });
});

describe('ranges', () => {
  const now = new Date('2026-11-18T10:20:00Z');

  it('resolves this month, the last 30 and 90 days, and custom days', () => {
    expect(resolveRange('month', now)).toEqual({
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-11-18T11:00:00.000Z',
    });
    expect(resolveRange('30d', now).from).toBe('2026-10-20T00:00:00.000Z');
    expect(resolveRange('90d', now).from).toBe('2026-08-21T00:00:00.000Z');
    expect(
      resolveRange('custom', now, { from: '2026-10-01', to: '2026-10-31' }),
    ).toEqual({
      from: '2026-10-01T00:00:00.000Z',
      to: '2026-11-01T00:00:00.000Z',
    });
  });

  it('checks custom dates', () => {
    expect(validateCustomRange('2026-10-01', '2026-10-31')).toBeUndefined();
    expect(validateCustomRange('', '2026-10-31')).toBe('Pick a start date');
    expect(validateCustomRange('2026-10-31', '2026-10-01')).toMatch(
      /must not be before/,
    );
    expect(validateCustomRange('2025-01-01', '2026-10-01')).toBe(
      'At most 400 days',
    );
  });

  it('lists the periods of a range: days, weeks by their Monday, months', () => {
    const range = {
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-11-04T05:00:00.000Z',
    };
    expect(periodsOf(range, 'day')).toEqual([
      '2026-11-01',
      '2026-11-02',
      '2026-11-03',
      '2026-11-04',
    ]);
    // 2026-11-01 is a Sunday: its week began on Monday 26 October.
    expect(periodsOf(range, 'week')).toEqual(['2026-10-26', '2026-11-02']);
    expect(
      periodsOf(
        { from: '2026-10-15T00:00:00Z', to: '2027-01-01T00:00:00Z' },
        'month',
      ),
    ).toEqual(['2026-10', '2026-11', '2026-12']);
  });
});

describe('stackPoints', () => {
  it('pivots the points, most expensive key first, with empty periods', () => {
    const data = stackPoints(
      [
        { period: '2026-11-01', key: 'llama-3.3-70b', costMicros: 1_000_000 },
        { period: '2026-11-01', key: '', costMicros: 3_000_000 },
        { period: '2026-11-03', key: 'llama-3.3-70b', costMicros: 500_000 },
      ],
      ['2026-11-01', '2026-11-02', '2026-11-03'],
    );
    expect(data.series).toEqual([
      { key: '', dataKey: 'k0', totalMicros: 3_000_000 },
      { key: 'llama-3.3-70b', dataKey: 'k1', totalMicros: 1_500_000 },
    ]);
    expect(data.rows).toEqual([
      { period: '2026-11-01', k0: 3, k1: 1 },
      { period: '2026-11-02', k0: 0, k1: 0 },
      { period: '2026-11-03', k0: 0, k1: 0.5 },
    ]);
    expect(data.totalMicros).toBe(4_500_000);
  });
});

describe('budgetSeries', () => {
  it('adds up the days so far, then draws the forecast to the month end', () => {
    const start = Date.UTC(2026, 1, 1); // February 2026: 28 days
    const end = Date.UTC(2026, 2, 1);
    const rows = budgetSeries({
      status: {
        ...teamBudget,
        monthToDateMicros: 3_000_000,
        forecast: {
          costMicros: 30_000_000,
          lowMicros: 3_000_000,
          highMicros: 57_000_000,
        },
      },
      daily: [
        { period: '2026-02-01', key: 'x', costMicros: 1_000_000 },
        { period: '2026-02-02', key: 'x', costMicros: 2_000_000 },
      ],
      monthStart: start,
      monthEnd: end,
      now: new Date('2026-02-02T12:00:00Z'),
    });
    expect(rows).toHaveLength(28);
    expect(rows[0]).toEqual({ day: '2026-02-01', actual: 1 });
    expect(rows[1]).toEqual({
      day: '2026-02-02',
      actual: 3,
      forecast: 3,
      range: [3, 3],
    });
    expect(rows[2].actual).toBeUndefined();
    expect(rows[27]).toEqual({
      day: '2026-02-28',
      forecast: 30,
      range: [3, 57],
    });
  });
});

describe('teams', () => {
  it('reads ?team= values as group refs', () => {
    expect(
      parseTeamParams(['ml-research', 'group:default/genai-apps,ml-research']),
    ).toEqual({
      teams: ['group:default/ml-research', 'group:default/genai-apps'],
      invalid: [],
    });
    expect(parseTeamParams(['user:default/guest']).invalid).toEqual([
      'user:default/guest',
    ]);
  });

  it('finds the teams outside the scope', () => {
    expect(
      teamsOutsideScope(
        ['group:default/ml-research', 'group:default/x'],
        scope,
      ),
    ).toEqual(['group:default/x']);
    expect(
      teamsOutsideScope(['group:default/x'], { ...scope, all: true }),
    ).toEqual([]);
  });
});

describe('validateAmount', () => {
  it('takes a positive number and says what is wrong otherwise', () => {
    expect(validateAmount('5000')).toBeUndefined();
    expect(validateAmount(' 2500.50 ')).toBeUndefined();
    expect(validateAmount('')).toBe('Enter the monthly budget');
    expect(validateAmount('5,000')).toMatch(/^Enter a number/);
    expect(validateAmount('$5')).toMatch(/^Enter a number/);
    expect(validateAmount('0')).toMatch(/positive/);
    expect(validateAmount('-10')).toMatch(/positive/);
    expect(validateAmount('2000000000')).toMatch(/at most/);
  });
});

describe('environment entities', () => {
  it('reads the environment id and the owning team', () => {
    const entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: 'ml-research-llama',
        namespace: 'default',
        annotations: {
          'genai-playground.io/environment-id': 'ml-research-llama',
        },
      },
      spec: { type: 'playground-environment', owner: 'ml-research' },
    };
    expect(environmentIdOf(entity)).toBe('ml-research-llama');
    expect(environmentTeamOf(entity)).toBe('group:default/ml-research');
    expect(
      environmentTeamOf({ ...entity, spec: { owner: 'user:default/guest' } }),
    ).toBeUndefined();
  });
});

describe('gpu', () => {
  const now = new Date('2026-11-18T10:20:30Z');

  it('resolves the last 24 hours, 7 and 30 days on whole minutes', () => {
    expect(resolveGpuRange('24h', now)).toEqual({
      from: '2026-11-17T10:21:00.000Z',
      to: '2026-11-18T10:21:00.000Z',
    });
    expect(resolveGpuRange('7d', now).from).toBe('2026-11-11T10:21:00.000Z');
    expect(resolveGpuRange('30d', now).from).toBe('2026-10-19T10:21:00.000Z');
  });

  it('formats durations and times', () => {
    expect(formatDuration(30 * 60_000)).toBe('30 min');
    expect(formatDuration(125 * 60_000)).toBe('2 h 5 min');
    expect(formatDuration(3 * 86_400_000 + 4 * 3_600_000)).toBe('3 d 4 h');
    expect(formatDuration(10_000)).toBe('< 1 min');
    expect(formatAgo('2026-11-18T08:15:30Z', now)).toBe('2 h 5 min ago');
    expect(formatDateTime('2026-11-03T14:05:00Z')).toBe(
      'Nov 3, 2026, 14:05 UTC',
    );
  });

  it('says the idle rule in words', () => {
    const rule = {
      thresholdPercent: 5,
      windowMinutes: 30,
      inferenceNeedsNoRequests: true,
      notify: true,
    };
    expect(idleRuleText(rule)).toBe(
      'held GPUs under 5% activity for 30 min; inference servers also served no request',
    );
    expect(
      idleRuleText({
        ...rule,
        windowMinutes: 90,
        inferenceNeedsNoRequests: false,
      }),
    ).toBe('held GPUs under 5% activity for 1 h 30 min');
  });

  it('splits usage per pool, in time order, with totals', () => {
    const pools = usageByPool([
      {
        at: '2026-11-18T01:00:00Z',
        pool: 'b',
        allocatedGpuHours: 2,
        activeGpuHours: 1,
        idleGpuHours: 1,
      },
      {
        at: '2026-11-18T00:00:00Z',
        pool: 'b',
        allocatedGpuHours: 4,
        activeGpuHours: 4,
        idleGpuHours: 0,
      },
      {
        at: '2026-11-18T00:00:00Z',
        pool: 'a',
        allocatedGpuHours: 1,
        activeGpuHours: 0,
        idleGpuHours: 1,
      },
    ]);
    expect(pools.map(p => p.pool)).toEqual(['a', 'b']);
    expect(pools[1].rows.map(r => r.allocated)).toEqual([4, 2]);
    expect(pools[1]).toMatchObject({
      activeGpuHours: 5,
      idleGpuHours: 1,
      allocatedGpuHours: 6,
    });
  });
});
