import {
  AuthenticationError,
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

/** A stand-in of the plugin's router that gives every request the same answer. */
async function startStub(answer: { status: number; body: unknown }) {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(answer.status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}/api/genai-playground`;
  return {
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

// Routes, headers and queries are the shared client's, tested in -common; here: the backend's
// options and error classes.
describe('GenaiPlaygroundClient', () => {
  it.each([
    ['InputError', 400, InputError],
    ['AuthenticationError', 401, AuthenticationError],
    ['NotAllowedError', 403, NotAllowedError],
    ['NotFoundError', 404, NotFoundError],
    ['ConflictError', 409, ConflictError],
    ['ServiceUnavailableError', 503, ServiceUnavailableError],
  ])(
    'rethrows a %s answer as that class with the server message',
    async (name, status, ErrorClass) => {
      const message = `team ml-research may hold 16 GPUs (${name})`;
      const stub = await startStub(backstageError(name, message, status));
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

  it('keeps a ResponseError for answers it has no class for', async () => {
    const stub = await startStub(backstageError('Error', 'boom', 500));
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
