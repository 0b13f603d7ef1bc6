import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ResponseError,
  ServiceUnavailableError,
} from '@backstage/errors';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { GenaiPlaygroundClient } from './GenaiPlaygroundClient';

interface Seen {
  method?: string;
  url?: string;
  authorization?: string;
  contentType?: string;
  body?: unknown;
}

/** A stand-in of the plugin's router: answers per path, records what it was sent. */
async function startStub(
  answer: (seen: Seen) => { status: number; body: unknown },
) {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', chunk => (raw += chunk));
    req.on('end', () => {
      const s: Seen = {
        method: req.method,
        url: req.url,
        authorization: req.headers.authorization,
        contentType: req.headers['content-type'],
        body: raw ? JSON.parse(raw) : undefined,
      };
      seen.push(s);
      const { status, body } = answer(s);
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
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
    close: () => new Promise<void>(resolve => server.close(() => resolve())),
  };
}

const backstageError = (name: string, message: string, statusCode: number) => ({
  status: statusCode,
  body: {
    error: { name, message },
    request: { method: 'POST', url: '/environments' },
    response: { statusCode },
  },
});

describe('GenaiPlaygroundClient', () => {
  it('sends each call to its route with the token and parses the answer', async () => {
    const stub = await startStub(() => ({ status: 200, body: { items: [] } }));
    try {
      const opts = { token: 'tok' };
      await stub.client.getSettings(opts);
      await stub.client.createEnvironment(
        {
          name: 'demo',
          team: 'ml-research',
          gpuPool: 'mi300x',
          gpus: 2,
          cpu: 8,
          memoryGi: 64,
          ttlHours: 24,
          costCenter: 'CC-2100',
          dataClassification: 'internal',
          securityLevel: 'medium',
        },
        opts,
      );
      await stub.client.listEnvironments(
        { team: 'ml-research', gpuPool: 'mi300x', includeDeleted: true },
        opts,
      );
      await stub.client.getEnvironment('ml-research-demo', opts);
      await stub.client.getEnvironmentHistory('ml-research-demo', opts);
      await stub.client.extendEnvironment(
        'ml-research-demo',
        { ttlHours: 48 },
        opts,
      );
      await stub.client.deleteEnvironment('ml-research-demo', opts);
      await stub.client.getTeamQuotas({ team: 'ml-research' }, opts);
      await expect(stub.client.getPoolUsage(opts)).resolves.toEqual({
        items: [],
      });

      expect(stub.seen.map(s => `${s.method} ${s.url}`)).toEqual([
        'GET /api/genai-playground/settings',
        'POST /api/genai-playground/environments',
        'GET /api/genai-playground/environments?team=ml-research&gpuPool=mi300x&includeDeleted=true',
        'GET /api/genai-playground/environments/ml-research-demo',
        'GET /api/genai-playground/environments/ml-research-demo/history',
        'POST /api/genai-playground/environments/ml-research-demo/extend',
        'DELETE /api/genai-playground/environments/ml-research-demo',
        'GET /api/genai-playground/quota/teams?team=ml-research',
        'GET /api/genai-playground/quota/pools',
      ]);
      expect(stub.seen.every(s => s.authorization === 'Bearer tok')).toBe(true);
      expect(stub.seen[1]).toMatchObject({
        contentType: 'application/json',
        body: { name: 'demo', gpus: 2 },
      });
      expect(stub.seen[5].body).toEqual({ ttlHours: 48 });
    } finally {
      await stub.close();
    }
  });

  it('sends no Authorization header without a token and escapes ids', async () => {
    const stub = await startStub(() => ({ status: 200, body: {} }));
    try {
      await stub.client.getEnvironment('a/b');
      expect(stub.seen[0].authorization).toBeUndefined();
      expect(stub.seen[0].url).toBe('/api/genai-playground/environments/a%2Fb');
    } finally {
      await stub.close();
    }
  });

  it.each([
    ['InputError', 400, InputError],
    ['NotAllowedError', 403, NotAllowedError],
    ['NotFoundError', 404, NotFoundError],
    ['ConflictError', 409, ConflictError],
    ['ServiceUnavailableError', 503, ServiceUnavailableError],
  ])(
    'rethrows a %s answer as that class with the server message',
    async (name, status, ErrorClass) => {
      const message = `team ml-research may hold 16 GPUs (${name})`;
      const stub = await startStub(() => backstageError(name, message, status));
      try {
        const error = await stub.client
          .createEnvironment({} as any, { token: 't' })
          .catch(e => e);
        expect(error).toBeInstanceOf(ErrorClass);
        expect(error.message).toBe(message);
      } finally {
        await stub.close();
      }
    },
  );

  it('deploys an inference service into an environment', async () => {
    const stub = await startStub(() => ({
      status: 201,
      body: { name: 'llama-8b', objects: [] },
    }));
    try {
      const service = await stub.client.deployInferenceService(
        'ml-research-serving',
        { name: 'llama-8b', model: 'meta-llama/Llama-3.1-8B-Instruct' },
        { token: 'tok' },
      );
      expect(service).toEqual({ name: 'llama-8b', objects: [] });
      expect(stub.seen).toEqual([
        {
          method: 'POST',
          url: '/api/genai-playground/environments/ml-research-serving/inference-services',
          authorization: 'Bearer tok',
          contentType: 'application/json',
          body: { name: 'llama-8b', model: 'meta-llama/Llama-3.1-8B-Instruct' },
        },
      ]);
    } finally {
      await stub.close();
    }
  });

  it('keeps a ResponseError for answers it has no class for', async () => {
    const stub = await startStub(() => backstageError('Error', 'boom', 500));
    try {
      const error = await stub.client.getPoolUsage().catch(e => e);
      expect(ResponseError.is(error)).toBe(true);
      expect(error.statusCode).toBe(500);
    } finally {
      await stub.close();
    }
  });

  it('uses the given fetchApi', async () => {
    const fetchMock = jest.fn(
      async () =>
        new Response(JSON.stringify({ items: [] }), {
          status: 200,
          headers: { 'Content-Type': 'application/json' },
        }),
    );
    const client = new GenaiPlaygroundClient({
      discovery: {
        getBaseUrl: async () => 'http://portal/api/genai-playground',
      },
      fetchApi: { fetch: fetchMock as unknown as typeof fetch },
    });
    await client.listEnvironments({ owner: 'user:default/marco.rossi' });
    expect(fetchMock).toHaveBeenCalledWith(
      'http://portal/api/genai-playground/environments?owner=user%3Adefault%2Fmarco.rossi',
      expect.objectContaining({ method: 'GET' }),
    );
  });
});
