import { freePort } from '@genai-portal/test-utils';
import { once } from 'node:events';
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { PrometheusUnavailableError } from '../types';
import {
  alignRange,
  describePrometheusError,
  PrometheusClient,
  type PrometheusClientOptions,
} from './PrometheusClient';

/** A request as the fake server saw it. */
interface Seen {
  method: string;
  path: string;
  params: URLSearchParams;
  authorization?: string;
}

type Handler = (
  req: IncomingMessage,
  res: ServerResponse,
  seen: Seen,
) => void | Promise<void>;

/** A local HTTP server standing in for Prometheus. */
class FakePrometheus {
  readonly seen: Seen[] = [];
  handler: Handler = (_req, res) => json(res, 200, vector([]));
  private server!: Server;
  url = '';

  async start() {
    this.server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const u = new URL(req.url ?? '/', 'http://fake');
      const params =
        req.method === 'POST'
          ? new URLSearchParams(Buffer.concat(chunks).toString())
          : u.searchParams;
      const seen: Seen = {
        method: req.method ?? '',
        path: u.pathname,
        params,
        authorization: req.headers.authorization,
      };
      this.seen.push(seen);
      await this.handler(req, res, seen);
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    const { port } = this.server.address() as { port: number };
    this.url = `http://127.0.0.1:${port}`;
  }

  async stop() {
    this.server.closeAllConnections();
    await new Promise(done => this.server.close(done));
  }
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function vector(
  result: Array<{ metric: Record<string, string>; value: [number, string] }>,
) {
  return { status: 'success', data: { resultType: 'vector', result } };
}

function matrix(
  result: Array<{
    metric: Record<string, string>;
    values: Array<[number, string]>;
  }>,
) {
  return { status: 'success', data: { resultType: 'matrix', result } };
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

describe('PrometheusClient', () => {
  let prom: FakePrometheus;
  const client = (options: Partial<PrometheusClientOptions> = {}) =>
    new PrometheusClient({
      baseUrl: prom.url,
      timeoutMs: 2000,
      cacheTtlMs: 0,
      ...options,
    });

  beforeEach(async () => {
    prom = new FakePrometheus();
    await prom.start();
  });

  afterEach(async () => {
    await prom.stop();
  });

  describe('answers', () => {
    it('parses an instant vector, skipping NaN and infinite samples', async () => {
      prom.handler = (_req, res) =>
        json(
          res,
          200,
          vector([
            {
              metric: { gpu_id: '0', hostname: 'n1' },
              value: [1700000000, '42'],
            },
            {
              metric: { gpu_id: '1', hostname: 'n1' },
              value: [1700000000, 'NaN'],
            },
            {
              metric: { gpu_id: '2', hostname: 'n1' },
              value: [1700000000, '+Inf'],
            },
            {
              metric: { gpu_id: '3', hostname: 'n1' },
              value: [1700000000, '-Inf'],
            },
            {
              metric: { gpu_id: '4', hostname: 'n1' },
              value: [1700000000, '0.5'],
            },
          ]),
        );
      const samples = await client().instant('gpu_gfx_activity');
      expect(samples).toEqual([
        { labels: { gpu_id: '0', hostname: 'n1' }, value: 42 },
        { labels: { gpu_id: '4', hostname: 'n1' }, value: 0.5 },
      ]);
      expect(prom.seen).toHaveLength(1);
      expect(prom.seen[0].method).toBe('GET');
      expect(prom.seen[0].path).toBe('/api/v1/query');
      expect(prom.seen[0].params.get('query')).toBe('gpu_gfx_activity');
      expect(prom.seen[0].params.has('time')).toBe(false);
    });

    it('sends the time of an instant query in unix seconds', async () => {
      await client().instant('up', new Date(1700000000500));
      expect(prom.seen[0].params.get('time')).toBe('1700000000.5');
    });

    it('accepts a scalar answer as one sample without labels', async () => {
      prom.handler = (_req, res) =>
        json(res, 200, {
          status: 'success',
          data: { resultType: 'scalar', result: [1700000000, '3'] },
        });
      expect(await client().instant('scalar(up)')).toEqual([
        { labels: {}, value: 3 },
      ]);
      prom.handler = (_req, res) =>
        json(res, 200, {
          status: 'success',
          data: { resultType: 'scalar', result: [1700000000, 'NaN'] },
        });
      expect(await client().instant('scalar(nothing)')).toEqual([]);
    });

    it('form-encodes queries with special characters', async () => {
      const query = 'sum by (pod) (rate(x{pod=~"a.+&b", ns!="c d"}[5m])) + 1';
      await client().instant(query);
      expect(prom.seen[0].params.get('query')).toBe(query);
    });

    it('POSTs queries too long for a URL', async () => {
      const query = `sum(${Array.from({ length: 1000 }, (_, i) => `m${i}`).join(
        ' + ',
      )})`;
      await client().instant(query);
      expect(prom.seen[0].method).toBe('POST');
      expect(prom.seen[0].path).toBe('/api/v1/query');
      expect(prom.seen[0].params.get('query')).toBe(query);
    });

    it('sends the token as a bearer token and keeps a path prefix', async () => {
      const base = prom.url;
      await new PrometheusClient({
        baseUrl: `${base}/prometheus/`,
        token: 's3cret',
        timeoutMs: 2000,
        cacheTtlMs: 0,
      }).instant('up');
      expect(prom.seen[0].path).toBe('/prometheus/api/v1/query');
      expect(prom.seen[0].authorization).toBe('Bearer s3cret');
    });

    it('parses a range matrix into [ms, value] points, skipping non-finite values', async () => {
      prom.handler = (_req, res) =>
        json(
          res,
          200,
          matrix([
            {
              metric: { gpu_id: '0' },
              values: [
                [1700000000, '1'],
                [1700000015, 'NaN'],
                [1700000030, '+Inf'],
                [1700000045, '2.5'],
              ],
            },
          ]),
        );
      const result = await client().range('x', {
        start: new Date(1700000000_000),
        end: new Date(1700000045_000),
        stepSeconds: 15,
      });
      expect(result).toEqual({
        stepSeconds: 15,
        series: [
          {
            labels: { gpu_id: '0' },
            points: [
              [1700000000_000, 1],
              [1700000045_000, 2.5],
            ],
          },
        ],
      });
    });

    it('aligns start down and end up to the step', async () => {
      prom.handler = (_req, res) => json(res, 200, matrix([]));
      const result = await client().range('x', {
        start: new Date(1700000007_000),
        end: new Date(1700000093_500),
        stepSeconds: 30,
      });
      expect(result.stepSeconds).toBe(30);
      const p = prom.seen[0].params;
      expect(prom.seen[0].path).toBe('/api/v1/query_range');
      expect([p.get('start'), p.get('end'), p.get('step')]).toEqual([
        '1699999980',
        '1700000100',
        '30',
      ]);
    });

    it('widens the step until the points fit, aligning to the wider step', async () => {
      prom.handler = (_req, res) => json(res, 200, matrix([]));
      // 30 days at 60 s would be 43201 points; 1100 allowed → 3600 s (721 points).
      const end = 1700000000_000;
      const start = end - 30 * 86400_000;
      const result = await client().range('x', {
        start: new Date(start),
        end: new Date(end),
        stepSeconds: 60,
      });
      expect(result.stepSeconds).toBe(3600);
      const p = prom.seen[0].params;
      expect(p.get('step')).toBe('3600');
      expect(Number(p.get('start')) % 3600).toBe(0);
      expect(Number(p.get('end')) % 3600).toBe(0);
      expect(Number(p.get('start'))).toBeLessThanOrEqual(start / 1000);
      expect(Number(p.get('end'))).toBeGreaterThanOrEqual(end / 1000);
      expect(
        (Number(p.get('end')) - Number(p.get('start'))) / 3600 + 1,
      ).toBeLessThanOrEqual(1100);
    });

    it('honours maxPointsPerSeries', async () => {
      prom.handler = (_req, res) => json(res, 200, matrix([]));
      const result = await client({ maxPointsPerSeries: 11 }).range('x', {
        start: new Date(0),
        end: new Date(600_000),
        stepSeconds: 15,
      });
      // 600 s: 15 → 41 points, 30 → 21, 60 → 11.
      expect(result.stepSeconds).toBe(60);
      expect(prom.seen[0].params.get('step')).toBe('60');
    });

    it('rejects programming errors with a plain Error', async () => {
      const c = client();
      for (const range of [
        { start: new Date(1000), end: new Date(1000), stepSeconds: 15 },
        { start: new Date(2000), end: new Date(1000), stepSeconds: 15 },
        { start: new Date(0), end: new Date(60_000), stepSeconds: 0.5 },
        { start: new Date(0), end: new Date(60_000), stepSeconds: NaN },
      ]) {
        const e = await c.range('x', range).catch(err => err);
        expect(e).toBeInstanceOf(Error);
        expect(e).not.toBeInstanceOf(PrometheusUnavailableError);
      }
      expect(prom.seen).toHaveLength(0);
    });
  });

  describe('failures', () => {
    async function failure(
      promise: Promise<unknown>,
    ): Promise<PrometheusUnavailableError> {
      const e = await promise.then(
        () => undefined,
        err => err,
      );
      expect(e).toBeInstanceOf(PrometheusUnavailableError);
      return e as PrometheusUnavailableError;
    }

    it('reports a refused connection', async () => {
      const port = await freePort();
      const e = await failure(
        new PrometheusClient({
          baseUrl: `http://127.0.0.1:${port}`,
          timeoutMs: 2000,
          cacheTtlMs: 0,
        }).instant('up'),
      );
      expect(e.message).toBe(
        `Prometheus at http://127.0.0.1:${port} did not answer: connect ECONNREFUSED 127.0.0.1:${port}`,
      );
    });

    it('reports a server that never answers', async () => {
      prom.handler = () => {};
      const started = Date.now();
      const e = await failure(client({ timeoutMs: 200 }).instant('up'));
      expect(Date.now() - started).toBeLessThan(1500);
      expect(e.message).toBe(
        `Prometheus at ${prom.url} did not answer within 0.2 s`,
      );
    });

    it('reports a server that stalls in the middle of the body', async () => {
      prom.handler = (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.write('{"status":"success","data":');
      };
      const e = await failure(client({ timeoutMs: 200 }).instant('up'));
      expect(e.message).toBe(
        `Prometheus at ${prom.url} did not answer within 0.2 s`,
      );
    });

    it("reports Prometheus's error answer (503)", async () => {
      prom.handler = (_req, res) =>
        json(res, 503, {
          status: 'error',
          errorType: 'unavailable',
          error: 'TSDB not ready',
        });
      const e = await failure(client().instant('up'));
      expect(e.message).toBe(
        'Prometheus rejected the query: TSDB not ready (HTTP 503, unavailable)',
      );
    });

    it('reports a bad query (400 bad_data)', async () => {
      prom.handler = (_req, res) =>
        json(res, 400, {
          status: 'error',
          errorType: 'bad_data',
          error: '1:5: parse error: unexpected end of input',
        });
      const e = await failure(
        client().range('sum(', {
          start: new Date(0),
          end: new Date(60_000),
          stepSeconds: 15,
        }),
      );
      expect(e.message).toMatch(
        /^Prometheus rejected the query: 1:5: parse error/,
      );
    });

    it('reports an error answer that is not JSON (a proxy)', async () => {
      prom.handler = (_req, res) => {
        res.writeHead(502, { 'Content-Type': 'text/html' });
        res.end('<html><body>Bad   Gateway</body></html>');
      };
      const e = await failure(client().instant('up'));
      expect(e.message).toBe(
        `Prometheus at ${prom.url} answered HTTP 502: <html><body>Bad Gateway</body></html>`,
      );
    });

    it.each([
      ['not JSON', '<html>login</html>', /unexpected body \(not JSON\)/],
      ['the wrong shape', '{"status":"success","data":{}}', /unexpected body/],
      [
        'a malformed sample',
        '{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":["x"]}]}}',
        /unexpected body/,
      ],
      [
        'a matrix for an instant query',
        JSON.stringify(matrix([])),
        /unexpected body \(resultType "matrix" for an instant query\)/,
      ],
    ])('reports a body that is %s', async (_what, body, message) => {
      prom.handler = (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(body);
      };
      const e = await failure(client().instant('up'));
      expect(e.message).toMatch(/^Prometheus answered with an unexpected body/);
      expect(e.message).toMatch(message);
    });

    it('reports a vector for a range query as unexpected', async () => {
      const e = await failure(
        client().range('x', {
          start: new Date(0),
          end: new Date(60_000),
          stepSeconds: 15,
        }),
      );
      expect(e.message).toBe(
        'Prometheus answered with an unexpected body (resultType "vector" for a range query)',
      );
    });

    it('reports a refused token without showing it', async () => {
      prom.handler = (_req, res) => {
        res.writeHead(403);
        res.end('token s3cret-token is not allowed');
      };
      const e = await failure(client({ token: 's3cret-token' }).instant('up'));
      expect(e.message).toBe(
        "Prometheus refused the portal's token (HTTP 403)",
      );
      expect(prom.seen[0].authorization).toBe('Bearer s3cret-token');
    });

    it('reports a 401 when no token is configured', async () => {
      prom.handler = (_req, res) => {
        res.writeHead(401);
        res.end();
      };
      const e = await failure(client().instant('up'));
      expect(e.message).toBe(
        `Prometheus at ${prom.url} requires a token (HTTP 401); none is configured`,
      );
    });

    it('never shows the token, even when the server echoes it', async () => {
      prom.handler = (req, res) =>
        json(res, 422, {
          status: 'error',
          errorType: 'execution',
          error: `bad header ${req.headers.authorization}`,
        });
      const e = await failure(client({ token: 'tok-123' }).instant('up'));
      expect(e.message).not.toContain('tok-123');
      expect(e.message).toBe(
        'Prometheus rejected the query: bad header Bearer *** (HTTP 422, execution)',
      );
    });

    it('sends credentials from the URL as basic auth, never showing them', async () => {
      prom.handler = (_req, res) => json(res, 500, 'oops pa55word');
      const e = await failure(
        new PrometheusClient({
          baseUrl: prom.url.replace('http://', 'http://user:pa55word@'),
          timeoutMs: 2000,
          cacheTtlMs: 0,
        }).instant('up'),
      );
      expect(prom.seen[0].authorization).toBe(
        `Basic ${Buffer.from('user:pa55word').toString('base64')}`,
      );
      expect(e.message).toBe(
        `Prometheus at ${prom.url} answered HTTP 500: "oops ***"`,
      );
    });

    it('refuses a body over the limit', async () => {
      prom.handler = (_req, res) =>
        json(
          res,
          200,
          vector(
            Array.from({ length: 1000 }, (_, i) => ({
              metric: { i: String(i) },
              value: [1, '1'] as [number, string],
            })),
          ),
        );
      const e = await failure(client({ maxBodyBytes: 10_000 }).instant('up'));
      expect(e.message).toBe(
        'Prometheus answered with a body over 10000 bytes; narrow the query',
      );
      // Also when the length is not announced (chunked).
      prom.handler = (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.write(
          '{"status":"success","data":{"resultType":"vector","result":[',
        );
        res.write(`${'{"metric":{},"value":[1,"1"]},'.repeat(1000)}`);
        res.end('{"metric":{},"value":[1,"1"]}]}}');
      };
      const e2 = await failure(client({ maxBodyBytes: 10_000 }).instant('up'));
      expect(e2.message).toMatch(/body over 10000 bytes/);
    });

    it('describes errors for a status reason', async () => {
      expect(
        describePrometheusError(new PrometheusUnavailableError('down')),
      ).toBe('down');
      expect(describePrometheusError(new Error('boom'))).toBe(
        'Prometheus could not be queried: boom',
      );
      expect(describePrometheusError('x')).toBe(
        'Prometheus could not be queried: x',
      );
    });
  });

  describe('cache', () => {
    const answer = () => {
      prom.handler = (_req, res) =>
        json(res, 200, vector([{ metric: { a: 'b' }, value: [1, '7'] }]));
    };

    it('answers repeated instant queries from the cache within the TTL', async () => {
      answer();
      let now = 1_000_000;
      const c = client({ cacheTtlMs: 30_000, now: () => now });
      expect(await c.instant('up')).toEqual([{ labels: { a: 'b' }, value: 7 }]);
      now += 29_000;
      expect(await c.instant('up')).toEqual([{ labels: { a: 'b' }, value: 7 }]);
      expect(prom.seen).toHaveLength(1);
      await c.instant('up', new Date(5000));
      await c.instant('up', new Date(5000));
      expect(prom.seen).toHaveLength(2);
      now += 2_000;
      await c.instant('up');
      expect(prom.seen).toHaveLength(3);
    });

    it('answers range queries that align to the same window from the cache', async () => {
      prom.handler = (_req, res) => json(res, 200, matrix([]));
      const c = client({ cacheTtlMs: 30_000 });
      await c.range('x', {
        start: new Date(1700000001_000),
        end: new Date(1700000059_000),
        stepSeconds: 60,
      });
      await c.range('x', {
        start: new Date(1700000002_000),
        end: new Date(1700000058_000),
        stepSeconds: 60,
      });
      expect(prom.seen).toHaveLength(1);
      await c.range('y', {
        start: new Date(1700000002_000),
        end: new Date(1700000058_000),
        stepSeconds: 60,
      });
      expect(prom.seen).toHaveLength(2);
    });

    it('hands each caller its own copy', async () => {
      answer();
      const c = client({ cacheTtlMs: 30_000 });
      const first = await c.instant('up');
      first[0].labels.a = 'changed';
      first.push({ labels: {}, value: 1 });
      expect(await c.instant('up')).toEqual([{ labels: { a: 'b' }, value: 7 }]);
    });

    it('shares one request among concurrent identical queries', async () => {
      prom.handler = async (_req, res) => {
        await sleep(100);
        json(res, 200, vector([{ metric: {}, value: [1, '1'] }]));
      };
      const c = client({ cacheTtlMs: 0 });
      const answers = await Promise.all([
        c.instant('up'),
        c.instant('up'),
        c.instant('up'),
        c.instant('other'),
      ]);
      expect(answers.map(a => a[0].value)).toEqual([1, 1, 1, 1]);
      expect(prom.seen.map(s => s.params.get('query')).sort()).toEqual([
        'other',
        'up',
      ]);
    });

    it('shares a failure among concurrent queries but does not cache it', async () => {
      let fail = true;
      prom.handler = async (_req, res) => {
        await sleep(50);
        if (fail) {
          json(res, 503, { status: 'error', errorType: 'x', error: 'down' });
        } else {
          json(res, 200, vector([]));
        }
      };
      const c = client({ cacheTtlMs: 30_000 });
      const results = await Promise.allSettled([
        c.instant('up'),
        c.instant('up'),
      ]);
      expect(results.map(r => r.status)).toEqual(['rejected', 'rejected']);
      expect(prom.seen).toHaveLength(1);
      fail = false;
      expect(await c.instant('up')).toEqual([]);
      expect(prom.seen).toHaveLength(2);
    });

    it('evicts the least recently used answer', async () => {
      answer();
      const c = client({ cacheTtlMs: 60_000, maxCacheEntries: 2 });
      await c.instant('a');
      await c.instant('b');
      await c.instant('a'); // hit: b is now the least recently used
      expect(prom.seen).toHaveLength(2);
      await c.instant('c'); // evicts b
      await c.instant('a'); // hit
      expect(prom.seen).toHaveLength(3);
      await c.instant('b'); // miss
      expect(prom.seen.map(s => s.params.get('query'))).toEqual([
        'a',
        'b',
        'c',
        'b',
      ]);
    });
  });
});

describe('alignRange', () => {
  it('keeps a step that fits', () => {
    expect(alignRange(100, 200, 15, 1100)).toEqual({
      start: 90,
      end: 210,
      step: 15,
    });
  });

  it('widens through the ladder, then doubles', () => {
    expect(alignRange(0, 1000, 1, 11).step).toBe(120);
    expect(alignRange(0, 400 * 86400, 60, 100).step).toBe(8 * 86400);
    expect(alignRange(0, 1000, 45, 11).step).toBe(120);
  });
});
