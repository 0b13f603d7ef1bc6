import fs from 'node:fs';
import path from 'node:path';

/**
 * The installed folder of a package. kubernetes-models and @kubernetes-models/* are ES modules
 * whose exports hide their files from `require.resolve`, so the folder is found as Node finds it:
 * the nearest node_modules up from here that holds it.
 */
export function packageDir(name: string): string {
  // Tests only run from source, so the search starts from this file's folder.
  // eslint-disable-next-line no-restricted-syntax
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`${name} is not installed`);
  }
}

/** An ES module by its absolute path (Node 22 and Jest's transform both load it with require). */
export function requireModule(file: string): Record<string, any> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(file);
}
