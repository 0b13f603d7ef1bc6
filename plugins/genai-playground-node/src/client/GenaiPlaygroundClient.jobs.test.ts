import { InputError, NotFoundError } from '@backstage/errors';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { GenaiPlaygroundClient } from './GenaiPlaygroundClient';

interface Seen {
  method?: string;
  url?: string;
  authorization?: string;
  idempotencyKey?: string;
  body?: unknown;
}

/** A stand-in of the jobs routes; the logs route streams three chunks when asked to follow. */
async function startStub() {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', chunk => (raw += chunk));
    req.on('end', () => {
      seen.push({
        method: req.method,
        url: req.url,
        authorization: req.headers.authorization,
        idempotencyKey: req.headers['idempotency-key'] as string | undefined,
        body: raw ? JSON.parse(raw) : undefined,
      });
      const url = new URL(req.url!, 'http://x');
      if (url.pathname.endsWith('/logs')) {
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
        if (url.searchParams.get('follow') !== 'true') {
          res.end('line 1\nline 2\n');
          return;
        }
        let n = 0;
        const timer = setInterval(() => {
          res.write(`chunk ${++n}\n`);
          if (n === 3) {
            clearInterval(timer);
            res.end();
          }
        }, 10);
        return;
      }
      if (url.pathname.endsWith('/jobs/nope')) {
        res.writeHead(404, { 'Content-Type': 'application/json' });
        res.end(
          JSON.stringify({
            error: { name: 'NotFoundError', message: 'no job nope' },
            response: { statusCode: 404 },
          }),
        );
        return;
      }
      if (req.method === 'POST' && url.pathname.endsWith('/jobs')) {
        res.writeHead(400, { 'Content-Type': 'application/json' });
        res.end(
          JSON.stringify({
            error: {
              name: 'InputError',
              message:
                'Invalid request: gpus: refused: the quota allows 8 GPUs (8 in use)',
            },
            response: { statusCode: 400 },
          }),
        );
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ id: 'j1', items: [] }));
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}/api/genai-playground`;
  return {
    seen,
    client: new GenaiPlaygroundClient({
      discovery: { getBaseUrl: async () => baseUrl },
    }),
    close: () =>
      new Promise<void>(resolve => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe('GenaiPlaygroundClient (jobs)', () => {
  it('calls the jobs routes with the token and the idempotency key', async () => {
    const stub = await startStub();
    try {
      const { client, seen } = stub;
      await expect(
        client.submitJob(
          { environment: 'ml-research-a', image: 'x/y:1', gpus: 8 },
          { token: 't', idempotencyKey: 'k-1' },
        ),
      ).rejects.toThrow(
        new InputError(
          'Invalid request: gpus: refused: the quota allows 8 GPUs (8 in use)',
        ),
      );
      await client.listJobs(
        { environment: 'e', status: ['Pending', 'Running'], limit: 5 },
        { token: 't' },
      );
      await client.getJob('j1', { token: 't' });
      await client.cancelJob(
        'j1',
        { propagationPolicy: 'Foreground' },
        { token: 't' },
      );
      await expect(client.getJob('nope')).rejects.toThrow(NotFoundError);
      expect(seen.map(s => `${s.method} ${s.url}`)).toEqual([
        'POST /api/genai-playground/jobs',
        'GET /api/genai-playground/jobs?environment=e&status=Pending%2CRunning&limit=5',
        'GET /api/genai-playground/jobs/j1',
        'POST /api/genai-playground/jobs/j1/cancel',
        'GET /api/genai-playground/jobs/nope',
      ]);
      expect(seen[0]).toMatchObject({
        authorization: 'Bearer t',
        idempotencyKey: 'k-1',
        body: { environment: 'ml-research-a', image: 'x/y:1', gpus: 8 },
      });
      expect(seen[3].body).toEqual({ propagationPolicy: 'Foreground' });
    } finally {
      await stub.close();
    }
  });

  it('reads logs as text and follows them chunk by chunk', async () => {
    const stub = await startStub();
    try {
      const { client, seen } = stub;
      expect(await client.getJobLogs('j1', { tailLines: 2 })).toBe(
        'line 1\nline 2\n',
      );
      const chunks: string[] = [];
      for await (const chunk of client.followJobLogs('j1', { pod: 'p0' })) {
        chunks.push(chunk);
      }
      expect(chunks.join('')).toBe('chunk 1\nchunk 2\nchunk 3\n');
      expect(chunks.length).toBeGreaterThan(1);
      expect(seen.map(s => s.url)).toEqual([
        '/api/genai-playground/jobs/j1/logs?tailLines=2',
        '/api/genai-playground/jobs/j1/logs?pod=p0&follow=true',
      ]);
    } finally {
      await stub.close();
    }
  });
});
