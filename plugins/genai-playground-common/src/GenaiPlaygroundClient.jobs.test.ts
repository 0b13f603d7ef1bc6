import { ResponseError } from '@backstage/errors';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { GenaiPlaygroundClient } from './GenaiPlaygroundClient';

const baseUrl = 'http://backstage.test/api/genai-playground';

describe('GenaiPlaygroundClient (jobs)', () => {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());

  const client = new GenaiPlaygroundClient({
    discoveryApi: { getBaseUrl: async () => baseUrl },
  });

  it('submits with the Idempotency-Key header and lists with a status filter', async () => {
    const seen: Array<{ url: string; key: string | null; body?: unknown }> = [];
    server.use(
      http.post(`${baseUrl}/jobs`, async ({ request }) => {
        seen.push({
          url: request.url,
          key: request.headers.get('idempotency-key'),
          body: await request.json(),
        });
        return HttpResponse.json(
          { id: 'j1', status: 'Pending' },
          { status: 201 },
        );
      }),
      http.get(`${baseUrl}/jobs`, ({ request }) => {
        seen.push({ url: request.url, key: null });
        return HttpResponse.json({ items: [] });
      }),
    );
    await client.submitJob(
      { environment: 'e', image: 'x/y:1', gpus: 1 },
      { idempotencyKey: 'k' },
    );
    await client.listJobs({ owner: 'user:default/guest', status: ['Failed'] });
    expect(seen).toEqual([
      {
        url: `${baseUrl}/jobs`,
        key: 'k',
        body: { environment: 'e', image: 'x/y:1', gpus: 1 },
      },
      {
        url: `${baseUrl}/jobs?owner=user%3Adefault%2Fguest&status=Failed`,
        key: null,
      },
    ]);
  });

  it('streams followed logs and throws the backend error for a job without pods', async () => {
    server.use(
      http.get(`${baseUrl}/jobs/j1/logs`, ({ request }) => {
        expect(new URL(request.url).searchParams.get('follow')).toBe('true');
        const encoder = new TextEncoder();
        const stream = new ReadableStream({
          start(controller) {
            controller.enqueue(encoder.encode('a\n'));
            controller.enqueue(encoder.encode('b\n'));
            controller.close();
          },
        });
        return new HttpResponse(stream, {
          headers: { 'Content-Type': 'text/plain' },
        });
      }),
      http.get(`${baseUrl}/jobs/j2/logs`, () =>
        HttpResponse.json(
          {
            error: { name: 'NotFoundError', message: 'job j2 has no pods yet' },
            response: { statusCode: 404 },
          },
          { status: 404 },
        ),
      ),
    );
    let text = '';
    for await (const chunk of client.followJobLogs('j1')) {
      text += chunk;
    }
    expect(text).toBe('a\nb\n');
    const error = await client.getJobLogs('j2').catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.body.error.message).toBe('job j2 has no pods yet');
  });

  it('reads logs as text, lists with a limit and cancels with a body', async () => {
    const seen: Array<{ url: string; accept: string | null; body?: unknown }> =
      [];
    server.use(
      http.get(`${baseUrl}/jobs/j1/logs`, ({ request }) => {
        seen.push({ url: request.url, accept: request.headers.get('accept') });
        return new HttpResponse('line 1\nline 2\n', {
          headers: { 'Content-Type': 'text/plain' },
        });
      }),
      http.get(`${baseUrl}/jobs`, ({ request }) => {
        seen.push({ url: request.url, accept: request.headers.get('accept') });
        return HttpResponse.json({ items: [] });
      }),
      http.post(`${baseUrl}/jobs/j1/cancel`, async ({ request }) => {
        seen.push({
          url: request.url,
          accept: request.headers.get('accept'),
          body: await request.json(),
        });
        return HttpResponse.json({ id: 'j1', status: 'Cancelled' });
      }),
    );
    await expect(
      client.getJobLogs('j1', { tailLines: 2, container: '' }),
    ).resolves.toBe('line 1\nline 2\n');
    await client.listJobs({ environment: 'e', limit: 5 });
    await client.cancelJob('j1', { propagationPolicy: 'Foreground' });
    await client.cancelJob('j1');
    expect(seen).toEqual([
      {
        url: `${baseUrl}/jobs/j1/logs?tailLines=2`,
        accept: 'text/plain',
      },
      {
        url: `${baseUrl}/jobs?environment=e&limit=5`,
        accept: 'application/json',
      },
      {
        url: `${baseUrl}/jobs/j1/cancel`,
        accept: 'application/json',
        body: { propagationPolicy: 'Foreground' },
      },
      {
        url: `${baseUrl}/jobs/j1/cancel`,
        accept: 'application/json',
        body: {},
      },
    ]);
  });
});
