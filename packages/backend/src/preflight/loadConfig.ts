import { ConfigSources } from '@backstage/config-loader';
import { Config } from '@backstage/config';
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';

/**
 * Reads the configuration the same way the backend's root config service does (the `--config`
 * arguments, or app-config.yaml and app-config.local.yaml, plus APP_CONFIG_* variables), so a
 * malformed file is reported before any plugin starts.
 */
export async function loadConfig(argv: string[]): Promise<Config> {
  try {
    const config = await ConfigSources.toConfig(
      ConfigSources.default({ argv, watch: false }),
    );
    config.close();
    return config;
  } catch (error) {
    const file = firstMalformedFile(argv);
    throw new Error(
      `invalid configuration${file ? ` in ${file}` : ''}: ${oneLine(error)}`,
    );
  }
}

/** The loader's YAML errors do not say which file they come from; this finds it. */
function firstMalformedFile(argv: string[]): string | undefined {
  const files = argv.flatMap((arg, i) => {
    if (arg.startsWith('--config=')) return [arg.slice('--config='.length)];
    return arg === '--config' && argv[i + 1] ? [argv[i + 1]] : [];
  });
  return files.find(file => {
    try {
      return parseDocument(readFileSync(file, 'utf8')).errors.length > 0;
    } catch {
      return true;
    }
  });
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s*\n\s*/g, ' ').trim();
}
