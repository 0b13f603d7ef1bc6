import http from 'node:http';
import { AddressInfo } from 'node:net';

/** One answer of the fake API server; `delayMs` holds the answer back (to provoke timeouts). */
export interface FakeAnswer {
  status: number;
  body?: unknown;
  delayMs?: number;
}

export interface FakeRequest {
  method?: string;
  url?: string;
}

/**
 * A tiny HTTP server that plays a Kubernetes API server badly: it answers each request with the
 * next of the given answers (the last one repeats), or with what a function picks for it, and
 * records the requests.
 */
export async function startFakeApiServer(
  answers: FakeAnswer[] | ((request: FakeRequest) => FakeAnswer),
) {
  const requests: FakeRequest[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    const request = { method: req.method, url: req.url };
    requests.push(request);
    const answer =
      typeof answers === 'function'
        ? answers(request)
        : answers[Math.min(requests.length - 1, answers.length - 1)];
    const send = () => {
      if (res.destroyed) return;
      res.writeHead(answer.status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(answer.body ?? {}));
    };
    if (answer.delayMs) setTimeout(send, answer.delayMs);
    else send();
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>(resolve => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A Kubernetes Status body. */
export function status(code: number, reason: string, message: string) {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  };
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>(resolve => server.close(() => resolve()));
  return port;
}
