import { tidy, toGi } from './quantity';

describe('quantity helpers', () => {
  it('converts and tidies', () => {
    expect(toGi(64 * 2 ** 30)).toBe(64);
    expect(tidy(0.1 + 0.2)).toBe(0.3);
  });
});
