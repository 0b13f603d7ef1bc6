import {
  levelOf,
  levelProblems,
  type ScoredResult,
  type ScoredStatus,
  scoreOf,
  scorecards,
  severitiesOf,
} from './score';

// weights: critical 10, high 5, medium 3, low 1
const severityOf = severitiesOf([
  { id: 'labels', severity: 'critical' },
  { id: 'quota', severity: 'high' },
  { id: 'pod-security', severity: 'medium' },
  { id: 'network', severity: 'low' },
  { id: 'idle-gpus', severity: 'high' },
]);

const LEVELS = [
  { name: 'Bronze', checks: ['labels', 'quota'] },
  { name: 'Silver', checks: ['pod-security', 'network'] },
  { name: 'Gold', checks: '*' as const },
];

function results(
  environment: string,
  statuses: Record<string, ScoredStatus>,
  owner: { team?: string; costCenter?: string } = {},
): ScoredResult[] {
  return Object.entries(statuses).map(([checkId, status]) => ({
    environment,
    ...owner,
    checkId,
    status,
  }));
}

describe('scoreOf', () => {
  it('weighs passed over applicable checks by severity', () => {
    const score = scoreOf(
      results('a', {
        labels: 'pass', // 10
        quota: 'fail', // 5
        'pod-security': 'waived', // 3
        network: 'error', // 1
        'idle-gpus': 'not-applicable',
      }),
      severityOf,
    );
    expect(score).toEqual({
      percent: (100 * 13) / 19,
      passedWeight: 13,
      applicableWeight: 19,
      passed: 1,
      failed: 1,
      errored: 1,
      waived: 1,
      notApplicable: 1,
    });
  });

  it('has no percent when nothing applies, and leaves unknown checks out', () => {
    expect(
      scoreOf(
        results('a', { labels: 'not-applicable', gone: 'fail' }),
        severityOf,
      ),
    ).toMatchObject({
      percent: null,
      applicableWeight: 0,
      notApplicable: 1,
      failed: 0,
    });
    expect(scoreOf([], severityOf).percent).toBeNull();
    expect(scoreOf(results('a', { labels: 'pass' }), severityOf).percent).toBe(
      100,
    );
    expect(scoreOf(results('a', { labels: 'error' }), severityOf).percent).toBe(
      0,
    );
  });
});

describe('levelOf', () => {
  it('is the highest level whose checks, and those of the levels below, pass or are waived', () => {
    const all = {
      labels: 'pass',
      quota: 'pass',
      'pod-security': 'pass',
      network: 'pass',
      'idle-gpus': 'pass',
    } as const;
    expect(levelOf(results('a', all), LEVELS)).toBe('Gold');
    expect(levelOf(results('a', { ...all, 'idle-gpus': 'fail' }), LEVELS)).toBe(
      'Silver',
    );
    expect(
      levelOf(
        results('a', { ...all, network: 'waived', 'idle-gpus': 'error' }),
        LEVELS,
      ),
    ).toBe('Silver');
    expect(levelOf(results('a', { ...all, network: 'fail' }), LEVELS)).toBe(
      'Bronze',
    );
    expect(
      levelOf(results('a', { ...all, 'idle-gpus': 'not-applicable' }), LEVELS),
    ).toBe('Gold');
    // a lower level missed: none above counts, even when its own checks pass
    expect(
      levelOf(results('a', { ...all, quota: 'fail' }), LEVELS),
    ).toBeUndefined();
    expect(
      levelOf(results('a', { ...all, labels: 'error' }), LEVELS),
    ).toBeUndefined();
  });

  it('does not reach a level whose check has no result', () => {
    expect(levelOf(results('a', { labels: 'pass' }), LEVELS)).toBeUndefined();
    expect(
      levelOf(results('a', { labels: 'pass', quota: 'pass' }), LEVELS),
    ).toBe('Bronze');
    expect(levelOf(results('a', { labels: 'pass' }), [])).toBeUndefined();
  });
});

describe('levelProblems', () => {
  it('names unknown checks and levels defined twice', () => {
    expect(
      levelProblems(LEVELS, ['labels', 'quota', 'pod-security', 'network']),
    ).toEqual([]);
    expect(
      levelProblems(
        [...LEVELS, { name: 'Bronze', checks: ['labelz'] }],
        ['labels', 'quota', 'pod-security', 'network'],
      ),
    ).toEqual([
      "Level 'Bronze' is defined twice",
      "Level 'Bronze' names an unknown check 'labelz'",
    ]);
  });
});

describe('scorecards', () => {
  it('scores environments, teams, cost centers and the platform over their results', () => {
    const all = [
      ...results(
        'a-dev',
        {
          labels: 'pass',
          quota: 'pass',
          'pod-security': 'fail',
          network: 'pass',
        },
        { team: 'team-a', costCenter: 'CC-1' },
      ),
      ...results(
        'a-prod',
        {
          labels: 'pass',
          quota: 'pass',
          'pod-security': 'pass',
          network: 'pass',
        },
        { team: 'team-a', costCenter: 'CC-2' },
      ),
      ...results(
        'b-dev',
        {
          labels: 'fail',
          quota: 'pass',
          'pod-security': 'not-applicable',
          network: 'pass',
        },
        { team: 'team-b', costCenter: 'CC-1' },
      ),
      ...results('unowned', { labels: 'fail', quota: 'fail' }),
    ];
    const cards = scorecards(all, severityOf, LEVELS);

    expect(
      cards.environments.map(e => [
        e.environment,
        e.team,
        e.costCenter,
        e.score.percent,
        e.level,
      ]),
    ).toEqual([
      ['a-dev', 'team-a', 'CC-1', (100 * 16) / 19, 'Bronze'],
      ['a-prod', 'team-a', 'CC-2', 100, 'Gold'],
      ['b-dev', 'team-b', 'CC-1', (100 * 6) / 16, undefined],
      ['unowned', undefined, undefined, 0, undefined],
    ]);
    expect(cards.teams).toEqual([
      {
        name: 'team-a',
        environments: 2,
        score: expect.objectContaining({
          passedWeight: 35,
          applicableWeight: 38,
        }),
        levels: { Bronze: 1, Gold: 1 },
      },
      {
        name: 'team-b',
        environments: 1,
        score: expect.objectContaining({
          passedWeight: 6,
          applicableWeight: 16,
        }),
        levels: {},
      },
    ]);
    expect(
      cards.costCenters.map(c => [
        c.name,
        c.environments,
        c.score.passedWeight,
        c.score.applicableWeight,
      ]),
    ).toEqual([
      ['CC-1', 2, 22, 35],
      ['CC-2', 1, 19, 19],
    ]);
    expect(cards.platform).toMatchObject({
      passedWeight: 41,
      applicableWeight: 69,
      percent: (100 * 41) / 69,
      notApplicable: 1,
    });
  });
});
