import { formatQuantity, parseQuantity, quantityValue } from './quantity';

describe('quantities', () => {
  it.each([
    ['500m', 0.5],
    ['1', 1],
    ['1.5', 1.5],
    ['2k', 2000],
    ['1M', 1e6],
    ['1G', 1e9],
    ['1Ki', 1024],
    ['1Mi', 1048576],
    ['16Gi', 16 * 2 ** 30],
    ['1Ti', 2 ** 40],
    ['100u', 0.0001],
    ['1e3', 1000],
  ])('parses %s', (text, value) => {
    expect(quantityValue(text)).toBeCloseTo(value, 9);
  });

  it('rejects garbage', () => {
    expect(() => parseQuantity('lots')).toThrow();
    expect(() => parseQuantity('1Gb')).toThrow();
  });

  it('prints canonical forms like apimachinery', () => {
    expect(formatQuantity(0.5)).toBe('500m');
    expect(formatQuantity(1.5)).toBe('1500m');
    expect(formatQuantity(8)).toBe('8');
    expect(formatQuantity(1000)).toBe('1k');
    expect(formatQuantity(1500)).toBe('1500');
    expect(formatQuantity(2 * 2 ** 30, 'BinarySI')).toBe('2Gi');
    expect(formatQuantity(1536 * 2 ** 20, 'BinarySI')).toBe('1536Mi');
    expect(formatQuantity(512, 'BinarySI')).toBe('512');
    expect(formatQuantity(0)).toBe('0');
  });
});
