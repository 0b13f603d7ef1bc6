import { formatMoney, formatRelative, hoursUntil, shortRef } from './format';

describe('format', () => {
  it('formats money with the currency code', () => {
    expect(formatMoney(8760, 'USD')).toBe('USD 8,760.00');
    expect(formatMoney(0.5, 'EUR')).toBe('EUR 0.50');
  });

  it('formats relative times in the largest whole unit', () => {
    const now = new Date('2025-01-01T00:00:00Z');
    expect(formatRelative('2025-01-04T00:00:00Z', now)).toBe('in 3 days');
    expect(formatRelative('2025-01-01T05:30:00Z', now)).toBe('in 5 hours');
    expect(formatRelative('2024-12-31T22:00:00Z', now)).toBe('2 hours ago');
    expect(formatRelative('2025-01-01T00:00:10Z', now)).toBe(
      'in less than a minute',
    );
  });

  it('shortens entity refs in the default namespace', () => {
    expect(shortRef('group:default/ml-research')).toBe('ml-research');
    expect(shortRef('user:other/jane')).toBe('other/jane');
    expect(shortRef('ml-research')).toBe('ml-research');
  });

  it('counts hours until a time', () => {
    const now = new Date('2025-01-01T00:00:00Z');
    expect(hoursUntil('2025-01-01T12:00:00Z', now)).toBe(12);
  });
});
