import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  discoveryApiRef,
  fetchApiRef,
  FetchApi,
} from '@backstage/core-plugin-api';
import type { InferenceModel } from '@genai-portal/plugin-genai-playground-common';
import {
  GenaiPlaygroundFrontendClient,
  genaiPlaygroundApiRef,
} from '@genai-portal/plugin-genai-playground-react';
import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { fakeApi, makeEnvironment } from '../../testing/fixtures';
import { InferencePage } from './InferencePage';

const baseUrl = 'http://backstage.test/api/genai-playground';

function model(id: string, price = true): InferenceModel {
  return {
    id,
    object: 'model',
    created: 0,
    owned_by: 'genai-playground',
    max_model_len: 8192,
    genai: {
      kind: 'chat',
      gpuPool: 'mi300x',
      pricePer1MInput: price ? 1 : (undefined as unknown as number),
      pricePer1MOutput: price ? 2 : (undefined as unknown as number),
      currency: 'USD',
      source: 'config',
    },
  };
}

const encoder = new TextEncoder();

/** A stream whose chunks the test pushes one at a time. */
function controlledStream() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
  });
  return {
    stream,
    push: (text: string) => controller.enqueue(encoder.encode(text)),
    close: () => controller.close(),
  };
}

function sse(payload: unknown) {
  return `data: ${JSON.stringify(payload)}\n\n`;
}

function fakeResponse(init: {
  status?: number;
  json?: unknown;
  body?: ReadableStream<Uint8Array>;
}): Response {
  const status = init.status ?? 200;
  return {
    ok: status < 400,
    status,
    statusText: '',
    body: init.body ?? null,
    json: async () => init.json,
    text: async () => JSON.stringify(init.json ?? ''),
  } as unknown as Response;
}

async function renderPage(fetch: jest.Mock) {
  const fetchApi: FetchApi = { fetch };
  const discoveryApi = { getBaseUrl: async () => baseUrl };
  // the real gateway calls of the API, over the fetch each test scripts
  const client = new GenaiPlaygroundFrontendClient({ discoveryApi, fetchApi });
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [fetchApiRef, fetchApi],
        [discoveryApiRef, discoveryApi],
        [
          genaiPlaygroundApiRef,
          fakeApi({
            listEnvironments: jest.fn().mockResolvedValue({
              items: [makeEnvironment({ id: 'ml-research-llama' })],
            }),
            listModels: jest.fn(() => client.listModels()),
            streamChatCompletion: jest.fn((request, options) =>
              client.streamChatCompletion(request, options),
            ),
          }),
        ],
      ]}
    >
      <InferencePage />
    </TestApiProvider>,
  );
}

describe('InferencePage', () => {
  it('streams the answer as it arrives and shows tokens and cost', async () => {
    const s = controlledStream();
    const fetch = jest.fn(async (url: string, _init?: RequestInit) => {
      if (url.endsWith('/v1/models')) {
        return fakeResponse({
          json: { object: 'list', data: [model('llama-8b')] },
        });
      }
      return fakeResponse({ body: s.stream });
    });
    await renderPage(fetch);

    expect(await screen.findByLabelText('Model')).toHaveValue('llama-8b');
    await waitFor(() =>
      expect(
        screen.getByRole('option', { name: /ml-research-llama/ }),
      ).toBeInTheDocument(),
    );
    fireEvent.change(screen.getByLabelText('Environment (charged)'), {
      target: { value: 'ml-research-llama' },
    });
    fireEvent.change(screen.getByLabelText('System prompt'), {
      target: { value: 'Be brief.' },
    });
    fireEvent.change(screen.getByLabelText('Message'), {
      target: { value: 'Hi there' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));

    await waitFor(() => expect(fetch).toHaveBeenCalledTimes(2));
    const [url, init] = fetch.mock.calls[1];
    expect(url).toBe(`${baseUrl}/v1/chat/completions`);
    expect(
      (init!.headers as Record<string, string>)['x-genai-environment'],
    ).toBe('ml-research-llama');
    expect(JSON.parse(init!.body as string)).toEqual({
      model: 'llama-8b',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi there' },
      ],
      temperature: 0.7,
      top_p: 1,
      max_tokens: 512,
      stream: true,
      stream_options: { include_usage: true },
    });

    await act(async () => {
      s.push(sse({ choices: [{ delta: { content: 'Hello' } }] }));
    });
    expect(await screen.findByText('Hello')).toBeInTheDocument();
    expect(screen.queryByText(/output tokens/)).not.toBeInTheDocument();
    // the time to the first token shows as soon as it came
    expect(screen.getByTestId('turn-timing').textContent).toMatch(
      /^first token \d+ ms$/,
    );

    await act(async () => {
      s.push(sse({ choices: [{ delta: { content: ', world' } }] }));
    });
    expect(await screen.findByText('Hello, world')).toBeInTheDocument();

    await act(async () => {
      s.push(
        sse({
          choices: [],
          usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
        }),
      );
      s.push('data: [DONE]\n\n');
      s.close();
    });
    // 10 × 1 + 5 × 2 per million tokens
    expect(
      await screen.findByText('10 input + 5 output tokens · 0.00002 USD'),
    ).toBeInTheDocument();
    // and when the answer is whole: its time, and the rate of the tokens after the first
    expect(screen.getByTestId('turn-timing').textContent).toMatch(
      /^first token \d+ ms · \d+\.\d s · \d+ tokens\/s$/,
    );
  });

  it('stops a stream and keeps the text so far', async () => {
    const s = controlledStream();
    const fetch = jest.fn(async (url: string) => {
      if (url.endsWith('/v1/models')) {
        return fakeResponse({ json: { data: [model('llama-8b')] } });
      }
      return fakeResponse({ body: s.stream });
    });
    await renderPage(fetch);
    await screen.findByLabelText('Model');
    fireEvent.change(screen.getByLabelText('Message'), {
      target: { value: 'Tell me a long story' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(fetch).toHaveBeenCalledTimes(2));
    await act(async () => {
      s.push(sse({ choices: [{ delta: { content: 'Once upon' } }] }));
    });
    expect(await screen.findByText('Once upon')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Stop' }));
    await act(async () => {
      s.push(sse({ choices: [{ delta: { content: ' a time' } }] }));
    });
    expect(screen.getByText('Once upon')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Stop' })).toBeDisabled();
  });

  it('shows the gateway error in an alert', async () => {
    const fetch = jest.fn(async (url: string) => {
      if (url.endsWith('/v1/models')) {
        return fakeResponse({ json: { data: [model('llama-8b', false)] } });
      }
      return fakeResponse({
        status: 429,
        json: { error: { message: 'Rate limit reached: 60 RPM' } },
      });
    });
    await renderPage(fetch);
    await screen.findByLabelText('Model');
    fireEvent.change(screen.getByLabelText('Message'), {
      target: { value: 'Hi' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect(
      await screen.findByText('Rate limit reached: 60 RPM'),
    ).toBeInTheDocument();
  });

  it('compares two models side by side and shows code snippets', async () => {
    const bodies: Array<{ model: string }> = [];
    const fetch = jest.fn(async (url: string, init?: RequestInit) => {
      if (url.endsWith('/v1/models')) {
        return fakeResponse({
          json: { data: [model('llama-8b'), model('qwen-7b', false)] },
        });
      }
      const body = JSON.parse(init!.body as string);
      bodies.push(body);
      const s = controlledStream();
      s.push(sse({ choices: [{ delta: { content: `from ${body.model}` } }] }));
      s.push(
        sse({
          choices: [],
          usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 },
        }),
      );
      s.push('data: [DONE]\n\n');
      s.close();
      return fakeResponse({ body: s.stream });
    });
    await renderPage(fetch);
    await screen.findByLabelText('Model');
    fireEvent.click(screen.getByLabelText('Compare two models'));
    expect(screen.getByLabelText('Model B')).toHaveValue('qwen-7b');
    fireEvent.change(screen.getByLabelText('Message'), {
      target: { value: 'Same prompt' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));

    expect(await screen.findByText('from llama-8b')).toBeInTheDocument();
    expect(await screen.findByText('from qwen-7b')).toBeInTheDocument();
    expect(bodies.map(b => b.model).sort()).toEqual(['llama-8b', 'qwen-7b']);
    // qwen has no price: tokens without cost
    expect(
      await screen.findByText('3 input + 4 output tokens'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('3 input + 4 output tokens · 0.000011 USD'),
    ).toBeInTheDocument();

    fireEvent.click(screen.getByRole('button', { name: 'View code' }));
    expect(
      await screen.findByText(/Authorization: Bearer \$GENAI_API_KEY/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(new RegExp(`${baseUrl}/v1/chat/completions`)),
    ).toBeInTheDocument();
    fireEvent.click(screen.getByRole('tab', { name: 'TypeScript' }));
    await waitFor(() =>
      expect(document.body.textContent).toContain(`baseURL: '${baseUrl}/v1'`),
    );
    expect(document.body.textContent).toContain('process.env.GENAI_API_KEY');
  });
});
