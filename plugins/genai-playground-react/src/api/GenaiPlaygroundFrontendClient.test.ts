import { GenaiPlaygroundFrontendClient } from './GenaiPlaygroundFrontendClient';
import { readSseData } from './readSseData';

const baseUrl = 'http://backstage.test/api/genai-playground';
const encoder = new TextEncoder();

function streamOf(...chunks: string[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      chunks.forEach(c => controller.enqueue(encoder.encode(c)));
      controller.close();
    },
  });
}

function client(response: Partial<Response>) {
  const fetch = jest.fn(async (_url: string, _init?: RequestInit) => ({
    ok: true,
    status: 200,
    statusText: '',
    ...response,
  })) as jest.Mock;
  const api = new GenaiPlaygroundFrontendClient({
    discoveryApi: { getBaseUrl: async () => baseUrl },
    fetchApi: { fetch },
  });
  return { api, fetch };
}

describe('readSseData', () => {
  it('joins data lines split across chunks', async () => {
    const out: string[] = [];
    for await (const d of readSseData(
      streamOf('data: {"a"', ':1}\n\ndata: [DONE]\n\n'),
    )) {
      out.push(d);
    }
    expect(out).toEqual(['{"a":1}', '[DONE]']);
  });
});

describe('GenaiPlaygroundFrontendClient', () => {
  it('lists the models of the gateway', async () => {
    const { api, fetch } = client({
      json: async () => ({ object: 'list', data: [{ id: 'llama-8b' }] }),
    });
    await expect(api.listModels()).resolves.toEqual({
      data: [{ id: 'llama-8b' }],
    });
    expect(fetch.mock.calls[0][0]).toBe(`${baseUrl}/v1/models`);
  });

  it('streams a chat completion, charging the environment, and returns the usage', async () => {
    const usage = { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 };
    const { api, fetch } = client({
      body: streamOf(
        'data: {"choices":[{"delta":{"content":"Hel"}}]}\n\n',
        'data: {"choices":[{"delta":{"content":"lo"}}]}\n\n',
        `data: ${JSON.stringify({ choices: [], usage })}\n\ndata: [DONE]\n\n`,
      ),
    });
    const chunks: string[] = [];
    const result = await api.streamChatCompletion(
      { model: 'llama-8b', messages: [{ role: 'user', content: 'Hi' }] },
      { environment: 'env-1', onChunk: c => chunks.push(c) },
    );
    expect(chunks).toEqual(['Hel', 'lo']);
    expect(result).toEqual({ usage });
    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe(`${baseUrl}/v1/chat/completions`);
    expect(init.headers['x-genai-environment']).toBe('env-1');
    expect(JSON.parse(init.body)).toEqual({
      model: 'llama-8b',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it("rejects with the gateway's own error message", async () => {
    const { api } = client({
      ok: false,
      status: 429,
      text: async () =>
        JSON.stringify({ error: { message: 'Rate limit reached: 60 RPM' } }),
    });
    await expect(
      api.streamChatCompletion(
        { model: 'm', messages: [] },
        { onChunk: () => {} },
      ),
    ).rejects.toThrow('Rate limit reached: 60 RPM');
  });

  it('rejects when the model server fails in the middle of the stream', async () => {
    const { api } = client({
      body: streamOf('data: {"error":{"message":"upstream timed out"}}\n\n'),
    });
    await expect(
      api.streamChatCompletion(
        { model: 'm', messages: [] },
        { onChunk: () => {} },
      ),
    ).rejects.toThrow('upstream timed out');
  });
});
