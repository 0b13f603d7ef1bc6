import { applyWaivers, type ActiveWaiver } from './applyWaivers';
import type { CheckResult } from './evaluateChecks';

const NOW = new Date('2026-12-06T12:00:00.000Z');
const ML = 'group:default/ml-research';

const result = (
  environment: string,
  checkId: string,
  status: CheckResult['status'],
  team: string | undefined = ML,
): CheckResult => ({
  environment,
  team,
  checkId,
  status,
  failures: [],
  failureCount: status === 'fail' ? 1 : 0,
});

const waiver = (over: Partial<ActiveWaiver>): ActiveWaiver => ({
  id: 'w-1',
  checkId: 'quota-gpu',
  team: ML,
  justification: 'a quota arrives with the next release',
  expiresAt: '2026-12-20T00:00:00.000Z',
  createdBy: 'user:default/marco.rossi',
  ...over,
});

describe('applyWaivers', () => {
  const results = [
    result('ml-a', 'quota-gpu', 'fail'),
    result('ml-a', 'limit-range', 'fail'),
    result('ml-b', 'quota-gpu', 'error'),
    result('ml-c', 'quota-gpu', 'pass'),
  ];

  it('waives the failure of the waived check in the waived environment only', () => {
    const out = applyWaivers(results, [waiver({ environment: 'ml-a' })], NOW);
    expect(out.map(r => r.status)).toEqual(['waived', 'fail', 'error', 'pass']);
    expect(out[0].waiver).toEqual({
      id: 'w-1',
      justification: 'a quota arrives with the next release',
      expiresAt: '2026-12-20T00:00:00.000Z',
      createdBy: 'user:default/marco.rossi',
    });
  });

  it("waives a team's every environment, errors included; a pass stays a pass", () => {
    const out = applyWaivers(results, [waiver({})], NOW);
    expect(out.map(r => r.status)).toEqual([
      'waived',
      'fail',
      'waived',
      'pass',
    ]);
  });

  it('counts nothing for a waiver expired at or before now', () => {
    for (const expiresAt of [
      '2026-12-06T12:00:00.000Z',
      '2026-12-01T00:00:00.000Z',
    ]) {
      const out = applyWaivers(results, [waiver({ expiresAt })], NOW);
      expect(out.map(r => r.status)).toEqual(['fail', 'fail', 'error', 'pass']);
    }
  });

  it('does not follow an environment that moved to another team', () => {
    const moved = [
      result('ml-a', 'quota-gpu', 'fail', 'group:default/genai-apps'),
    ];
    expect(
      applyWaivers(moved, [waiver({ environment: 'ml-a' })], NOW)[0].status,
    ).toBe('fail');
  });

  it("waives an environment of no team for a waiver granted with team ''", () => {
    // (undefined would take the default team: the team is left out instead.)
    const { team: _none, ...noTeam } = result('scratch', 'quota-gpu', 'fail');
    const orphan = [noTeam as CheckResult];
    expect(
      applyWaivers(
        orphan,
        [waiver({ environment: 'scratch', team: '' })],
        NOW,
      )[0].status,
    ).toBe('waived');
    // A team waiver never reaches an environment of no team.
    expect(applyWaivers(orphan, [waiver({ team: '' })], NOW)[0].status).toBe(
      'fail',
    );
  });
});
