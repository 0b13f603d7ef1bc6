import {
  expiryTime,
  formatScore,
  levelCounts,
  refName,
  validateWaiver,
  waiverDates,
} from './compliance';

describe('compliance helpers', () => {
  it('formats scores floored to a tenth, a dash without one', () => {
    expect(formatScore(68.539)).toBe('68.5%');
    expect(formatScore(99.96)).toBe('99.9%');
    expect(formatScore(100)).toBe('100%');
    expect(formatScore(null)).toBe('—');
  });

  it('counts environments per level, the highest first', () => {
    expect(
      levelCounts(
        [
          { name: 'Bronze', checks: ['a'] },
          { name: 'Gold', checks: '*' },
        ],
        [{ level: 'Gold' }, {}, { level: 'Gold' }],
      ),
    ).toEqual([
      { level: 'Gold', count: 2 },
      { level: 'Bronze', count: 0 },
      { level: 'No level', count: 1 },
    ]);
  });

  it('bounds waiver expiry days: tomorrow to 366 days on, 30 by default', () => {
    const now = new Date('2026-12-05T23:30:00Z');
    expect(waiverDates(now)).toEqual({
      min: '2026-12-06',
      max: '2027-12-06',
      initial: '2027-01-04',
    });
    expect(validateWaiver('Root is needed for now', '2027-01-04', now)).toEqual(
      {},
    );
    expect(validateWaiver('  ', '2027-01-04', now).justification).toBe(
      'Say why this check may fail for now',
    );
    expect(validateWaiver('short', '2027-01-04', now).justification).toBe(
      'Say why in at least 10 characters',
    );
    expect(validateWaiver('Long enough text', '2026-12-05', now)).toEqual({
      expiresOn: 'The waiver must expire after today',
    });
    expect(
      validateWaiver('Long enough text', '2027-12-07', now).expiresOn,
    ).toBe('A waiver lasts at most 366 days (until Dec 6, 2027)');
    expect(validateWaiver('Long enough text', '', now).expiresOn).toBe(
      'Pick the day the waiver expires',
    );
    expect(expiryTime('2027-01-04')).toBe('2027-01-04T00:00:00.000Z');
  });

  it('names refs', () => {
    expect(refName('user:default/marco.rossi')).toBe('marco.rossi');
    expect(refName('group:default/ml-research')).toBe('ml-research');
  });
});
