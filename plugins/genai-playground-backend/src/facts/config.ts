import type { Config } from '@backstage/config';
import { readNumber } from '../lib/configReader';

const KEY = 'genaiPlayground.factsFeed';

/** What the facts feed reads from `genaiPlayground.factsFeed`, validated. */
export interface FactsFeedConfig {
  /**
   * Rows are delivered only once they are this many seconds old, so that a row whose id was
   * taken before a higher one's, but committed after it was read, is not passed over.
   */
  settleSeconds: number;
}

/** Reads `genaiPlayground.factsFeed`; a wrong value throws naming the key. */
export function readFactsFeedConfig(root: Config): FactsFeedConfig {
  const config = root.getOptionalConfig(KEY);
  return {
    settleSeconds: readNumber(config, 'settleSeconds', {
      key: `${KEY}.settleSeconds`,
      fallback: 10,
      min: 0,
    }),
  };
}
