import { readFileSync } from 'node:fs';

interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
  }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  where: string;
  ms: number;
  share: number;
}

/**
 * The functions with the most self time in a V8 .cpuprofile (`node --cpu-prof`), counting only the
 * samples of the load: the `loadMs` before the process's last `tailMs` (its shutdown), not the
 * start-up; idle time left out, `share` of the busy time in that window.
 */
export function topSelfTime(
  file: string,
  window: { loadMs: number; tailMs: number },
  top: number,
): { busyMs: number; idleMs: number; entries: SelfTime[] } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const frames = new Map(profile.nodes.map(n => [n.id, n.callFrame]));
  const to = profile.endTime - window.tailMs * 1000;
  const from = to - window.loadMs * 1000;
  const byFunction = new Map<string, SelfTime>();
  let t = profile.startTime;
  let busy = 0;
  let idle = 0;
  profile.samples.forEach((id, i) => {
    t += profile.timeDeltas[i];
    const delta = profile.timeDeltas[i + 1] ?? 0;
    if (t < from || t > to) return;
    const frame = frames.get(id)!;
    if (frame.functionName === '(idle)') {
      idle += delta;
      return;
    }
    busy += delta;
    const where = frame.url
      ? `${frame.url
          .replace(/^.*node_modules\//, '')
          .replace(/^.*\/(packages|plugins)\//, '$1/')}:${frame.lineNumber + 1}`
      : '';
    const key = `${frame.functionName}@${where}`;
    const entry = byFunction.get(key) ?? {
      name: frame.functionName || '(anonymous)',
      where,
      ms: 0,
      share: 0,
    };
    entry.ms += delta / 1000;
    byFunction.set(key, entry);
  });
  const entries = [...byFunction.values()]
    .sort((a, b) => b.ms - a.ms)
    .slice(0, top)
    .map(e => ({ ...e, share: busy ? (e.ms * 1000) / busy : 0 }));
  return { busyMs: busy / 1000, idleMs: idle / 1000, entries };
}

export interface InclusiveTime {
  name: string;
  ms: number;
  share: number;
}

/**
 * Where the busy time of the load window goes, inclusive: each sample's time counts once for
 * every package on its stack (an npm package, a workspace package's source file, or a node:
 * module). Self time alone is flat (GC, writev, crypto); inclusive time names who asked for it.
 * (Async continuations start on a fresh stack, so a route handler's own share is not visible.)
 */
export function inclusiveTime(
  file: string,
  window: { loadMs: number; tailMs: number },
  top: number,
): { byPackage: InclusiveTime[] } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile & {
    nodes: { id: number; children?: number[] }[];
  };
  const nodes = new Map(profile.nodes.map(n => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) {
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const packageOf = (url: string, name: string) => {
    if (!url) return name;
    const npm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
    if (npm) return npm[1];
    const own = /\/((?:packages|plugins)\/[^/]+)\/(?:src\/)?(.*)$/.exec(url);
    if (own) return `${own[1]}/${own[2]}`;
    return url;
  };
  const to = profile.endTime - window.tailMs * 1000;
  const from = to - window.loadMs * 1000;
  const byPackage = new Map<string, number>();
  let busy = 0;
  let t = profile.startTime;
  profile.samples.forEach((id, i) => {
    t += profile.timeDeltas[i];
    const delta = profile.timeDeltas[i + 1] ?? 0;
    if (t < from || t > to) return;
    if (nodes.get(id)!.callFrame.functionName === '(idle)') return;
    busy += delta;
    const packages = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const { url, functionName } = nodes.get(n)!.callFrame;
      packages.add(packageOf(url, functionName));
    }
    for (const p of packages) byPackage.set(p, (byPackage.get(p) ?? 0) + delta);
  });
  const list = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({
        name,
        ms: us / 1000,
        share: busy ? us / busy : 0,
      }));
  return { byPackage: list(byPackage) };
}
