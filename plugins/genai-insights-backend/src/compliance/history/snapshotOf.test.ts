import { APPS, ML } from '../../__testUtils__/fixtures';
import { evaluation } from './__testUtils__/evaluation';
import { addDays, snapshotOf, utcDay } from './snapshotOf';

describe('snapshotOf', () => {
  const snapshot = snapshotOf(
    evaluation('2026-12-01T23:59:00.000Z', 'fail'),
    '2026-12-01',
  );
  const scoreOf = (kind: string, name: string) =>
    snapshot.scores.find(s => s.kind === kind && s.name === name);
  const checkOf = (kind: string, name: string, checkId: string) =>
    snapshot.checks.find(
      c => c.kind === kind && c.name === name && c.checkId === checkId,
    );

  it('keeps the scorecards: platform, teams, cost centers, environments', () => {
    expect(snapshot.day).toBe('2026-12-01');
    expect(snapshot.scores.map(s => `${s.kind} ${s.name}`)).toEqual([
      'platform platform',
      `team ${APPS}`,
      `team ${ML}`,
      'cost-center CC-1',
      'environment apps-a',
      'environment loose',
      'environment ml-a',
      'environment ml-b',
    ]);
    // ml-a: quota-gpu (10) failed, required-labels (1) passed → 1 of 11.
    expect(scoreOf('environment', 'ml-a')).toEqual({
      kind: 'environment',
      name: 'ml-a',
      team: ML,
      score: {
        percent: (100 * 1) / 11,
        passedWeight: 1,
        applicableWeight: 11,
        passed: 1,
        failed: 1,
        errored: 0,
        waived: 0,
        notApplicable: 0,
      },
    });
    // ml-b passes quota-gpu and has required-labels waived: Gold.
    expect(scoreOf('environment', 'ml-b')).toMatchObject({
      team: ML,
      level: 'Gold',
      score: { percent: 100, waived: 1 },
    });
    // An environment of no team keeps no team (whom its history is for: those who read all).
    expect(scoreOf('environment', 'loose')).not.toHaveProperty('team');
    expect(scoreOf('environment', 'loose')?.level).toBe('Bronze');
    expect(scoreOf('team', ML)?.score).toMatchObject({
      passedWeight: 12,
      applicableWeight: 22,
    });
    expect(scoreOf('team', APPS)?.score).toMatchObject({
      percent: 0,
      errored: 1,
      notApplicable: 1,
    });
    expect(scoreOf('platform', 'platform')?.score.applicableWeight).toBe(43);
  });

  it("counts each check's results by status, per team and over every environment", () => {
    expect(checkOf('team', ML, 'quota-gpu')).toEqual({
      kind: 'team',
      name: ML,
      checkId: 'quota-gpu',
      passed: 1,
      failed: 1,
      errored: 0,
      waived: 0,
      notApplicable: 0,
    });
    expect(checkOf('team', ML, 'required-labels')).toMatchObject({
      passed: 1,
      waived: 1,
    });
    expect(checkOf('team', APPS, 'quota-gpu')).toMatchObject({ errored: 1 });
    expect(checkOf('team', APPS, 'required-labels')).toMatchObject({
      notApplicable: 1,
    });
    // The environment of no team counts in the platform's only.
    expect(checkOf('platform', 'platform', 'required-labels')).toEqual({
      kind: 'platform',
      name: 'platform',
      checkId: 'required-labels',
      passed: 1,
      failed: 1,
      errored: 0,
      waived: 1,
      notApplicable: 1,
    });
    expect(snapshot.checks).toHaveLength(6);
  });

  it('gives the same rows for the same evaluation', () => {
    expect(
      snapshotOf(evaluation('2026-12-01T23:59:00.000Z', 'fail'), '2026-12-01'),
    ).toEqual(snapshot);
  });

  it('keeps a day of nothing as the platform with no score', () => {
    expect(
      snapshotOf(
        {
          evaluatedAt: '2026-12-01T00:00:00.000Z',
          results: [],
          scorecards: {
            platform: {
              percent: null,
              passedWeight: 0,
              applicableWeight: 0,
              passed: 0,
              failed: 0,
              errored: 0,
              waived: 0,
              notApplicable: 0,
            },
            environments: [],
            teams: [],
            costCenters: [],
          },
        },
        '2026-12-01',
      ),
    ).toMatchObject({
      scores: [{ kind: 'platform', score: { percent: null } }],
      checks: [],
    });
  });
});

describe('days', () => {
  it('are UTC, and move across months and years', () => {
    expect(utcDay(new Date('2026-12-31T23:59:59.999Z'))).toBe('2026-12-31');
    expect(utcDay(new Date('2027-01-01T00:30:00+01:00'))).toBe('2026-12-31');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(addDays('2026-12-06', -365)).toBe('2025-12-06');
  });
});
