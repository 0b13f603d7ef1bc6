import { ConfigReader } from '@backstage/config';
import { readFactsFeedConfig } from './config';

const read = (factsFeed?: object) =>
  readFactsFeedConfig(
    new ConfigReader(factsFeed ? { genaiPlayground: { factsFeed } } : {}),
  );

describe('genaiPlayground.factsFeed', () => {
  it('holds rows back 10 seconds unless told otherwise', () => {
    expect(read()).toEqual({ settleSeconds: 10 });
    expect(read({})).toEqual({ settleSeconds: 10 });
    expect(read({ settleSeconds: 2.5 })).toEqual({ settleSeconds: 2.5 });
    expect(read({ settleSeconds: 0 })).toEqual({ settleSeconds: 0 });
  });

  it.each([
    [
      -1,
      'Invalid config at genaiPlayground.factsFeed.settleSeconds: must be a number of at least 0, got -1',
    ],
    [
      'soon',
      "Unable to convert config value for key 'genaiPlayground.factsFeed.settleSeconds'",
    ],
  ])('refuses settleSeconds %p, naming the key', (settleSeconds, problem) => {
    expect(() => read({ settleSeconds })).toThrow(problem);
  });
});
