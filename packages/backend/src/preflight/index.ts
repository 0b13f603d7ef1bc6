import { Config } from '@backstage/config';
import { loadConfig } from './loadConfig';
import { checkDatabase } from './checkDatabase';
import { checkCache } from './checkCache';

/**
 * Checks what would otherwise fail inside every plugin at once: the configuration parses, and the
 * database and cache it names answer. Throws one Error whose message says what is wrong; returns
 * the configuration it read.
 */
export async function preflight(
  argv: string[] = process.argv,
): Promise<Config> {
  const config = await loadConfig(argv);
  await checkDatabase(config);
  await checkCache(config);
  return config;
}
