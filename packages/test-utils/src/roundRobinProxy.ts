import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';

export interface RoundRobinProxy {
  url: string;
  /** The backends it routes to now (a refused one is left out until it is ready again). */
  routable(): string[];
  close(): Promise<void>;
}

const READINESS = '/.backstage/health/v1/readiness';

/**
 * A round-robin HTTP proxy in front of several backends, as the cluster's Service and router
 * are in front of the portal's replicas. Responses are piped as they come, so SSE streams pass
 * through token by token. Like a router following readiness, it probes each backend's readiness
 * every `probeIntervalMs` and routes only to those answering 200; a backend that refuses the
 * connection is dropped at once and the call goes to the next one (nothing was sent, so nothing
 * runs twice). A backend that dies mid-response ends the client's connection abruptly, as a
 * router does. It listens on 127.0.0.1, on `port` or a free one.
 */
export async function startRoundRobinProxy(
  backends: string[],
  options: { probeIntervalMs?: number; port?: number } = {},
): Promise<RoundRobinProxy> {
  const down = new Set<string>();
  let next = 0;

  const pick = (tried: Set<string>) => {
    for (let i = 0; i < backends.length; i++) {
      const candidate = backends[next++ % backends.length];
      if (!down.has(candidate) && !tried.has(candidate)) return candidate;
    }
    return undefined;
  };

  const forward = (
    req: http.IncomingMessage,
    body: Buffer,
    res: http.ServerResponse,
    tried: Set<string>,
  ) => {
    const target = pick(tried);
    if (!target) {
      res.writeHead(503, { 'content-type': 'text/plain' });
      res.end('no backend is ready');
      return;
    }
    tried.add(target);
    const upstream = http.request(
      new URL(req.url ?? '/', target),
      {
        method: req.method,
        headers: { ...req.headers, host: new URL(target).host },
      },
      answer => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on('error', () => res.destroy());
        answer.on('aborted', () => res.destroy());
      },
    );
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED' && !res.headersSent) {
        down.add(target);
        forward(req, body, res, tried);
        return;
      }
      res.destroy();
    });
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    upstream.end(body);
  };

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    forward(req, Buffer.concat(chunks), res, new Set());
  });
  server.listen(options.port ?? 0, '127.0.0.1');
  await once(server, 'listening');

  const probe = setInterval(async () => {
    await Promise.all(
      backends.map(async backend => {
        const ready = await fetch(`${backend}${READINESS}`)
          .then(r => r.status === 200)
          .catch(() => false);
        if (ready) down.delete(backend);
        else down.add(backend);
      }),
    );
  }, options.probeIntervalMs ?? 250);

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    routable: () => backends.filter(b => !down.has(b)),
    close: async () => {
      clearInterval(probe);
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
