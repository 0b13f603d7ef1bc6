/**
 * Model servers deployed into team namespaces are not trusted: what they report is bounded by
 * what the request could produce, what they send is bounded in size, and one bad answer never
 * breaks the metering of the others. The upstream here is a tiny server that misbehaves on
 * purpose, one way per model name.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { post, startGateway } from '../__testUtils__/gatewayHarness';
import { monthOf } from '../limits/LimitStore';
import { MemoryLimitStore } from '../limits/MemoryLimitStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const MAX_RESPONSE = 1024 * 1024;
const MAX_EVENT = 64 * 1024;

/** How each model misbehaves. */
const BEHAVIOURS = [
  'good',
  'huge-usage',
  'bad-usage',
  'endless-body',
  'endless-line',
  'stream-huge-usage',
] as const;
type Behaviour = (typeof BEHAVIOURS)[number];

const answer = (usage: unknown) =>
  JSON.stringify({
    id: 'chatcmpl-evil',
    object: 'chat.completion',
    created: 1,
    model: 'x',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: 'hi' },
        finish_reason: 'stop',
      },
    ],
    usage,
  });

/** The misbehaving model server; counts what it managed to send. */
async function startEvilServer() {
  const sent = { bytes: 0 };
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', c => {
      raw += c;
    });
    req.on('end', () => {
      const behaviour = JSON.parse(raw).model.split('/')[1] as Behaviour;
      const endless = (chunk: string) => {
        const write = () => {
          if (res.destroyed) return;
          sent.bytes += chunk.length;
          if (res.write(chunk)) setImmediate(write);
          else res.once('drain', write);
        };
        write();
      };
      switch (behaviour) {
        case 'good':
          res.setHeader('content-type', 'application/json');
          res.end(
            answer({ prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 }),
          );
          return;
        case 'huge-usage':
          res.setHeader('content-type', 'application/json');
          res.end(answer({ prompt_tokens: 1e12, completion_tokens: 1e12 }));
          return;
        case 'bad-usage':
          res.setHeader('content-type', 'application/json');
          res.end(answer({ prompt_tokens: 'lots', completion_tokens: -5 }));
          return;
        case 'endless-body':
          res.writeHead(200, { 'content-type': 'application/json' });
          res.write('{"id":"x","choices":[{"message":{"content":"');
          endless('x'.repeat(64 * 1024));
          return;
        case 'endless-line':
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.write('data: {"choices":[{"delta":{"content":"');
          endless('x'.repeat(16 * 1024));
          return;
        case 'stream-huge-usage':
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.write(
            'data: {"id":"c","choices":[{"index":0,"delta":{"content":"hi"}}]}\n\n',
          );
          res.write(
            `data: {"id":"c","choices":[],"usage":{"prompt_tokens":1e12,"completion_tokens":1e12}}\n\n`,
          );
          res.end('data: [DONE]\n\n');
          return;
        default:
          res.statusCode = 404;
          res.end();
      }
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sent,
    close: () =>
      new Promise<void>(r => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('answers of untrusted model servers are bounded', () => {
  it('clamps usage, ignores invalid usage, caps bodies and events, and meters every call', async () => {
    const evil = await startEvilServer();
    const limits = new MemoryLimitStore();
    const h = await startGateway({
      knex: await databases.init('SQLITE_3'),
      llamaReplicas: 1,
      limits,
      inference: {
        models: BEHAVIOURS.map(b => ({
          name: `evil/${b}`,
          upstreams: [evil.url],
          pricePer1MInput: 0.2,
          pricePer1MOutput: 0.6,
          contextLength: 4096,
        })),
        upstreamLimits: {
          maxResponseBytes: MAX_RESPONSE,
          maxEventBytes: MAX_EVENT,
        },
      },
    });
    try {
      const env = await h.addEnvironment('evil');
      const key = await h.createKey(env, { monthlyBudget: 1 });
      const call = (behaviour: Behaviour, extra: object = {}) =>
        post(
          `${h.baseURL}/chat/completions`,
          JSON.stringify({
            model: `evil/${behaviour}`,
            messages: [{ role: 'user', content: 'hi' }],
            max_tokens: 10,
            ...extra,
          }),
          { authorization: `Bearer ${key.key}` },
        );

      expect((await call('huge-usage')).status).toBe(200);
      expect((await call('bad-usage')).status).toBe(200);
      const stream = await call('stream-huge-usage', { stream: true });
      expect(stream.status).toBe(200);

      const body = await call('endless-body');
      expect(body.status).toBe(502);
      expect(body.json.error.code).toBe('upstream_too_large');

      const line = await call('endless-line', { stream: true });
      expect(line.status).toBe(200);
      expect(line.text).toMatch(/upstream_too_large|too large|longer than/);
      expect(line.text.length).toBeLessThan(MAX_EVENT * 2);

      expect((await call('good')).status).toBe(200);

      const rows = (await h.usageRows()).filter(r => r.key_id === key.id);
      // every call is metered, the good one after the bad ones included
      expect(rows.map(r => [r.model, r.status])).toEqual([
        ['evil/huge-usage', 200],
        ['evil/bad-usage', 200],
        ['evil/stream-huge-usage', 200],
        ['evil/endless-body', 502],
        ['evil/endless-line', 502],
        ['evil/good', 200],
      ]);
      for (const r of rows) {
        for (const v of [r.input_tokens, r.output_tokens, Number(r.cost)]) {
          expect(Number.isFinite(Number(v))).toBe(true);
          expect(Number(v)).toBeGreaterThanOrEqual(0);
        }
        // never more than max_tokens out, never more than the body (and template) in
        expect(r.output_tokens).toBeLessThanOrEqual(10);
        expect(r.input_tokens).toBeLessThanOrEqual(300);
      }
      expect(rows[5]).toMatchObject({ input_tokens: 5, output_tokens: 1 });
      // the budget holds what was metered, not a trillion tokens
      const spent = rows.reduce((sum, r) => sum + Number(r.cost), 0);
      expect(spent).toBeLessThan(0.001);
      const held = await limits.getSpent(
        [`key:${key.id}`],
        monthOf(Date.now()),
      );
      expect(held.get(`key:${key.id}`)! / 1e6).toBeCloseTo(spent, 6);
    } finally {
      await h.close();
      await evil.close();
    }
  });
});
