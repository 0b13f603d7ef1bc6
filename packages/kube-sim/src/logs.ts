/**
 * Container logs (pods/log): a few deterministic lines per simulated second
 * of running, computed by index so a tail of a long-running pod costs no more
 * than its length. Supports container, tailLines, sinceSeconds, timestamps,
 * limitBytes, previous and follow=true (streams new lines until the
 * container ends).
 */
import http from 'node:http';
import { Cluster, PodRuntime } from './cluster';
import { behaviourOf } from './controllers/kubelet';
import { badRequest } from './status';
import { StoredObject } from './types';
import { fnv32a } from './util';
import { keyOf, R } from './api/resources';

const LINES_PER_SECOND = 2;

interface LogView {
  count: number;
  line: (i: number) => string;
  /** Real time (ms) at which line i was written. */
  time: (i: number) => number;
  done: boolean;
}

function view(
  cluster: Cluster,
  pod: StoredObject,
  container: string,
  rt: PodRuntime,
  previous: boolean,
): LogView {
  const behaviour = behaviourOf(pod);
  const terminated = rt.state === 'terminated' || rt.state === 'backoff';
  let ran = 0;
  if (previous || terminated) ran = rt.ranSeconds ?? 0;
  else if (rt.startedAt !== undefined)
    ran = cluster.simSecondsSince(rt.startedAt);
  const seconds = Math.floor(Math.min(ran, behaviour.runSeconds ?? Infinity));
  const body = seconds * LINES_PER_SECOND;
  const ended = previous || terminated;
  const count = 1 + body + (ended ? 1 : 0);
  const start = rt.startedAt ?? Date.now();
  const image =
    (pod.spec?.containers ?? []).find((c: any) => c.name === container)
      ?.image ?? '';
  const seed = `${pod.metadata.namespace}/${pod.metadata.name}/${container}`;
  const line = (i: number): string => {
    if (i === 0)
      return `kube-sim: starting container ${container} (image ${image}) on ${pod.spec?.nodeName}`;
    if (ended && i === count - 1) {
      const code = rt.exitCode ?? 0;
      if (rt.reason === 'OOMKilled') return 'Killed';
      return code === 0
        ? 'kube-sim: work complete, exiting with code 0'
        : `kube-sim: error: simulated failure, exiting with code ${code}`;
    }
    const step = i - 1;
    const second = Math.floor(step / LINES_PER_SECOND) + 1;
    const h = fnv32a(`${seed}/${step}`);
    if (step % LINES_PER_SECOND === 0) {
      const loss = (2.5 / Math.sqrt(second) + (h % 100) / 1000).toFixed(4);
      return `step ${second}: loss=${loss} lr=3.0e-05`;
    }
    return `step ${second}: throughput=${1800 + (h % 400)} tokens/s gpu_util=${
      88 + (h % 11)
    }%`;
  };
  const time = (i: number): number => {
    if (i === 0) return start;
    if (ended && i === count - 1) return rt.finishedAt ?? Date.now();
    const second = Math.floor((i - 1) / LINES_PER_SECOND) + 1;
    return start + cluster.realMs(second);
  };
  return { count, line, time, done: ended };
}

function rfc3339Nano(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

export function serveLogs(
  cluster: Cluster,
  pod: StoredObject,
  query: URLSearchParams,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  followers: Set<() => void>,
) {
  const containers: string[] = (pod.spec?.containers ?? []).map(
    (c: any) => c.name,
  );
  let container = query.get('container') ?? '';
  if (!container) {
    if (containers.length !== 1) {
      throw badRequest(
        `a container name must be specified for pod ${
          pod.metadata.name
        }, choose one of: [${containers.join(' ')}]`,
      );
    }
    container = containers[0];
  }
  const initNames: string[] = (pod.spec?.initContainers ?? []).map(
    (c: any) => c.name,
  );
  if (!containers.includes(container) && !initNames.includes(container)) {
    throw badRequest(
      `container ${container} is not valid for pod ${pod.metadata.name}`,
    );
  }
  if (!pod.spec?.nodeName) {
    // An unscheduled pod has no log location: the server answers with nothing.
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': 0 });
    res.end();
    return;
  }
  const rt = cluster.runtime.get(pod.metadata.uid);
  const previous = query.get('previous') === 'true';
  if (!rt || rt.state === 'creating' || rt.state === 'pull-failed') {
    const why =
      rt?.state === 'pull-failed'
        ? 'trying and failing to pull image'
        : 'ContainerCreating';
    throw badRequest(
      `container "${container}" in pod "${pod.metadata.name}" is waiting to start: ${why}`,
    );
  }
  if (previous && rt.restarts === 0 && rt.state !== 'backoff') {
    throw badRequest(
      `previous terminated container "${container}" in pod "${pod.metadata.name}" not found`,
    );
  }
  const timestamps = query.get('timestamps') === 'true';
  const follow = query.get('follow') === 'true' && !previous;
  const tail = query.has('tailLines')
    ? Math.max(0, Number(query.get('tailLines')))
    : undefined;
  const since = query.has('sinceSeconds')
    ? Date.now() - Number(query.get('sinceSeconds')) * 1000
    : undefined;
  let budget = query.has('limitBytes')
    ? Number(query.get('limitBytes'))
    : Infinity;

  const format = (v: LogView, i: number) =>
    `${timestamps ? `${rfc3339Nano(v.time(i))} ` : ''}${v.line(i)}\n`;
  let v = view(cluster, pod, container, rt, previous);
  let from = 0;
  if (tail !== undefined) from = Math.max(0, v.count - tail);
  if (since !== undefined)
    while (from < v.count && v.time(from) < since) from++;

  res.writeHead(200, {
    'Content-Type': 'text/plain',
    'Transfer-Encoding': 'chunked',
    'Cache-Control': 'no-cache, private',
  });
  const write = (upTo: number) => {
    let chunk = '';
    for (; from < upTo && budget > 0; from++) {
      let text = format(v, from);
      if (text.length > budget) text = text.slice(0, budget);
      budget -= Buffer.byteLength(text);
      chunk += text;
    }
    if (chunk) res.write(chunk);
  };
  write(v.count);
  if (!follow || v.done || budget <= 0) {
    res.end();
    return;
  }
  let closed = false;
  let timer: NodeJS.Timeout | undefined = undefined;
  const stop = () => {
    if (closed) return;
    closed = true;
    clearInterval(timer);
    followers.delete(stop);
    res.end();
  };
  timer = setInterval(() => {
    const current = cluster.store.get(
      keyOf(R.pods),
      pod.metadata.namespace ?? '',
      pod.metadata.name,
    );
    const now = cluster.runtime.get(pod.metadata.uid);
    if (!current || current.metadata.uid !== pod.metadata.uid || !now) {
      stop();
      return;
    }
    v = view(cluster, current, container, now, false);
    write(v.count);
    if (v.done || budget <= 0) stop();
  }, 100);
  followers.add(stop);
  req.on('close', stop);
}
