import { loadConfig } from './loadConfig';
import { checkDatabase } from './checkDatabase';
import { checkCache } from './checkCache';

/**
 * Checks what would otherwise fail inside every plugin at once: the configuration parses, and the
 * database and cache it names answer. Throws one Error whose message says what is wrong.
 */
export async function preflight(argv: string[] = process.argv): Promise<void> {
  const config = await loadConfig(argv);
  await checkDatabase(config);
  await checkCache(config);
}
