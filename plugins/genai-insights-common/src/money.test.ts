import { formatMicros, toMicros } from './money';

describe('money', () => {
  it('converts currency units to integer micros', () => {
    expect(toMicros(4.1)).toBe(4_100_000);
    expect(toMicros(0.005)).toBe(5_000);
    expect(toMicros(0.1 + 0.2)).toBe(300_000);
  });

  it('formats micros exactly', () => {
    expect(formatMicros(1_234_567)).toBe('1.234567');
    expect(formatMicros(5)).toBe('0.000005');
    expect(formatMicros(-2_500_000)).toBe('-2.500000');
    expect(formatMicros(0)).toBe('0.000000');
  });
});
