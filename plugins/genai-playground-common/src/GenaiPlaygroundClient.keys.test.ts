import { ResponseError } from '@backstage/errors';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { GenaiPlaygroundClient } from './GenaiPlaygroundClient';

const baseUrl = 'http://backstage.test/api/genai-playground';

describe('GenaiPlaygroundClient (API keys)', () => {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());

  const client = new GenaiPlaygroundClient({
    discoveryApi: { getBaseUrl: async () => baseUrl },
  });

  it('creates, lists and revokes keys of an environment', async () => {
    const seen: Array<{ method: string; path: string; body?: unknown }> = [];
    server.use(
      http.post(`${baseUrl}/environments/:id/keys`, async ({ request }) => {
        seen.push({
          method: 'POST',
          path: new URL(request.url).pathname,
          body: await request.json(),
        });
        return HttpResponse.json(
          { id: 'k1', key: 'gpk-secret', status: 'active' },
          { status: 201 },
        );
      }),
      http.get(`${baseUrl}/environments/:id/keys`, ({ request }) => {
        seen.push({ method: 'GET', path: new URL(request.url).pathname });
        return HttpResponse.json({ items: [{ id: 'k1' }] });
      }),
      http.delete(`${baseUrl}/environments/:id/keys/:keyId`, ({ request }) => {
        seen.push({ method: 'DELETE', path: new URL(request.url).pathname });
        return HttpResponse.json({ id: 'k1', status: 'revoked' });
      }),
    );

    const created = await client.createApiKey('env-a', {
      name: 'ci',
      models: ['llama'],
      rpm: 60,
    });
    expect(created.key).toBe('gpk-secret');
    await expect(client.listApiKeys('env-a')).resolves.toEqual({
      items: [{ id: 'k1' }],
    });
    const revoked = await client.revokeApiKey('env-a', 'k1');
    expect(revoked.status).toBe('revoked');

    expect(seen).toEqual([
      {
        method: 'POST',
        path: '/api/genai-playground/environments/env-a/keys',
        body: { name: 'ci', models: ['llama'], rpm: 60 },
      },
      { method: 'GET', path: '/api/genai-playground/environments/env-a/keys' },
      {
        method: 'DELETE',
        path: '/api/genai-playground/environments/env-a/keys/k1',
      },
    ]);
  });

  it('throws the backend error when the caller may not read keys', async () => {
    server.use(
      http.get(`${baseUrl}/environments/:id/keys`, () =>
        HttpResponse.json(
          {
            error: { name: 'NotAllowedError', message: 'not your team' },
            response: { statusCode: 403 },
          },
          { status: 403 },
        ),
      ),
    );
    const error = await client.listApiKeys('env-b').catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(403);
  });
});
