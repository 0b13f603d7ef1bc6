import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import {
  cpSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { repoRoot } from './productionBackend';

/**
 * The container image where no image builder runs: packages/backend/Containerfile is read and its
 * steps done here, in a new temporary folder standing for the image's working directory (COPY from
 * the repository, RUN with sh: unpack the skeleton, install the production dependencies with Yarn
 * offline from its cache, unpack the bundle), after building the backend when its build is
 * missing or older than the sources. The result is what `startProductionBackend({ image })`
 * runs: the production build (`yarn build:backend` output) as the image holds it.
 */

export interface BackendImage {
  /** The image's working directory. */
  dir: string;
  /** The final stage's ENV. */
  env: Record<string, string>;
  /** The final stage's CMD. */
  cmd: string[];
  /** The final stage's USER. */
  user?: string;
  /** Seconds each slow step took (the build, each RUN). */
  timings: Record<string, number>;
}

/** The Containerfile's stages' bases, in order: the ones assembleBackendImage knows how to do. */
const STAGE_BASES = [
  'registry.access.redhat.com/ubi9/nodejs-22',
  'registry.access.redhat.com/ubi9/nodejs-22-minimal',
];

interface Instruction {
  op: string;
  args: string;
}

/** The Containerfile's instructions, stage by stage (continuations joined, comments dropped). */
export function readContainerfile(file: string) {
  const text = readFileSync(file, 'utf8')
    .split('\n')
    .filter(line => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ');
  const stages: { from: string; name?: string; steps: Instruction[] }[] = [];
  for (const line of text.split('\n')) {
    const match = /^\s*([A-Z]+)\s+(.*)$/.exec(line);
    if (!match) {
      if (line.trim()) throw new Error(`cannot read line: ${line}`);
      continue;
    }
    const [, op, args] = match;
    if (op === 'FROM') {
      const [from, , name] = args.trim().split(/\s+/);
      stages.push({ from, name, steps: [] });
    } else {
      stages[stages.length - 1].steps.push({ op, args: args.trim() });
    }
  }
  return stages;
}

/** Splits `--flag=value ... a b dest` into flags and words. */
function words(args: string) {
  const all = args.split(/\s+/);
  return {
    flags: all.filter(w => w.startsWith('--')),
    paths: all.filter(w => !w.startsWith('--')),
  };
}

async function sh(command: string, cwd: string, env: NodeJS.ProcessEnv) {
  const child = spawn('sh', ['-c', command], { cwd, env });
  let output = '';
  child.stdout.on('data', d => (output += d));
  child.stderr.on('data', d => (output += d));
  const [code] = await once(child, 'exit');
  if (code !== 0) {
    throw new Error(`RUN ${command} exited ${code}:\n${output.slice(-4000)}`);
  }
}

/** Seconds since `start`, to one decimal. */
const since = (start: number) => Math.round((Date.now() - start) / 100) / 10;

function expectThat(ok: boolean, what: string) {
  if (!ok) throw new Error(`Containerfile: ${what}`);
}

/** What the host build does not read: dependencies, outputs, benchmarks, tests. */
const NOT_BUILT = /^(node_modules|dist|dist-types|bench)$|\.test\.tsx?$/;

/** The newest modification time (ms) of the files under `dir` the build reads. */
function newestUnder(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (NOT_BUILT.test(entry.name)) continue;
    const path = join(dir, entry.name);
    newest = Math.max(
      newest,
      entry.isDirectory() ? newestUnder(path) : statSync(path).mtimeMs,
    );
  }
  return newest;
}

/** Whether packages/backend/dist's bundles are missing or older than a source of the build. */
function hostBuildStale(): boolean {
  const dist = join(repoRoot, 'packages/backend/dist');
  let built = Infinity;
  for (const file of ['skeleton.tar.gz', 'bundle.tar.gz']) {
    try {
      built = Math.min(built, statSync(join(dist, file)).mtimeMs);
    } catch {
      return true;
    }
  }
  const sources = Math.max(
    newestUnder(join(repoRoot, 'packages')),
    newestUnder(join(repoRoot, 'plugins')),
  );
  return built < sources;
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/**
 * Runs `yarn build:backend` when packages/backend/dist/{skeleton,bundle}.tar.gz are missing or
 * older than a source (scripts/test.sh builds them before jest; about 40 s here otherwise), so
 * that what runs is the code as it is. One build at a time across processes (jest workers): a
 * lock folder, taken over when a crashed build left it for 10 minutes.
 */
async function ensureHostBuild(timings: Record<string, number>) {
  if (!hostBuildStale()) return;
  const lock = join(
    tmpdir(),
    `genai-portal-build-${createHash('sha256')
      .update(repoRoot)
      .digest('hex')
      .slice(0, 12)}.lock`,
  );
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const held = statSync(lock, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > 600_000) {
        rmSync(lock, { recursive: true, force: true });
      } else if (held) {
        await sleep(1_000);
      }
    }
  }
  try {
    // Another process may have built it while this one waited.
    if (!hostBuildStale()) return;
    const start = Date.now();
    const yarn = readdirSync(join(repoRoot, '.yarn/releases')).find(f =>
      f.endsWith('.cjs'),
    )!;
    // Not under jest's NODE_ENV=test: the app's browserslist has no such environment.
    const { NODE_ENV: _test, ...buildEnv } = process.env;
    await sh(
      `"${process.execPath}" .yarn/releases/${yarn} build:backend`,
      repoRoot,
      buildEnv,
    );
    timings['yarn build:backend'] = since(start);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Does what the Containerfile does into a new folder: the build stage's COPY and RUN steps, then
 * the final stage's COPY --from of that stage's working directory (the same folder here), its
 * ENV, USER and CMD. The caller removes `dir` when done.
 */
export async function assembleBackendImage(): Promise<BackendImage> {
  const timings: Record<string, number> = {};
  const started = Date.now();
  await ensureHostBuild(timings);
  const dir = mkdtempSync(join(tmpdir(), 'portal-image-'));

  const stages = readContainerfile(
    join(repoRoot, 'packages/backend/Containerfile'),
  );
  expectThat(
    JSON.stringify(stages.map(s => s.from)) === JSON.stringify(STAGE_BASES),
    `stages are ${stages.map(s => s.from).join(', ')}`,
  );
  const [build, final] = stages;
  // RUN finds this Node.js as `node`, and Yarn reaches no registry: only its cache.
  const runEnv = {
    ...process.env,
    PATH: `${dirname(process.execPath)}:${process.env.PATH}`,
    YARN_ENABLE_NETWORK: '0',
  };
  let workdir: string | undefined;
  for (const { op, args } of build.steps) {
    const start = Date.now();
    if (op === 'WORKDIR') {
      workdir = args;
    } else if (op === 'USER') {
      // As this runs: every step may write.
      expectThat(args === '0', `the build stage runs as ${args}, not 0`);
    } else if (op === 'COPY') {
      const { flags, paths } = words(args);
      const other = flags.filter(f => !f.startsWith('--chown='));
      expectThat(other.length === 0, `COPY ${other.join(' ')} is not done`);
      const dest = paths.pop()!;
      for (const src of paths) {
        const from = join(repoRoot, src);
        // A folder's contents go into dest; a file goes into dest/ or becomes dest.
        const to = lstatSync(from).isDirectory()
          ? join(dir, dest)
          : join(
              dir,
              dest.endsWith('/') ? join(dest, src.split('/').pop()!) : dest,
            );
        mkdirSync(dirname(to), { recursive: true });
        cpSync(from, to, { recursive: true });
      }
    } else if (op === 'RUN') {
      await sh(args, dir, runEnv);
      timings[`RUN ${args.slice(0, 60)}`] = since(start);
    } else {
      throw new Error(`the build stage's ${op} is not done here: ${args}`);
    }
  }

  const env: Record<string, string> = {};
  let cmd: string[] | undefined;
  let user: string | undefined;
  for (const { op, args } of final.steps) {
    if (op === 'WORKDIR') {
      expectThat(args === workdir, `the stages' WORKDIRs differ`);
    } else if (op === 'COPY') {
      // The build stage's working directory, whole: that is `dir` already.
      const { flags, paths } = words(args);
      expectThat(
        flags.includes(`--from=${build.name}`) &&
          paths[0].replace(/\/$/, '') === workdir,
        `the final stage copies ${args}, not the build stage's ${workdir}`,
      );
    } else if (op === 'ENV') {
      for (const pair of args.split(/\s+/)) {
        const [key, ...value] = pair.split('=');
        env[key] = value.join('=');
      }
    } else if (op === 'USER') {
      user = args;
    } else if (op === 'CMD') {
      cmd = JSON.parse(args);
    } else if (op !== 'EXPOSE') {
      throw new Error(`the final stage's ${op} is not done here: ${args}`);
    }
  }
  expectThat(cmd !== undefined, 'no CMD');
  timings['assembled in all'] = since(started);
  return { dir, env, cmd: cmd!, user, timings };
}
