import { parseQuantity } from './quantity';

describe('parseQuantity', () => {
  it.each([
    ['8', 8],
    ['500m', 0.5],
    ['1.5', 1.5],
    ['64Gi', 64 * 2 ** 30],
    ['512Mi', 512 * 2 ** 20],
    ['1k', 1000],
    ['2M', 2e6],
    ['3e2', 300],
    ['0', 0],
    ['.5', 0.5],
  ])('%s is %d', (q, n) => {
    expect(parseQuantity(q)).toBeCloseTo(n);
  });

  it.each(['', 'abc', '5Xi', '1.2.3'])('rejects %p', q => {
    expect(parseQuantity(q)).toBeUndefined();
  });

  it('reads no quantity as none', () => {
    expect(parseQuantity(undefined)).toBeUndefined();
  });
});
