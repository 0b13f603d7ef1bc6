import type { FetchApi } from '@backstage/core-plugin-api';
import {
  ENVIRONMENT_HEADER,
  InferenceModel,
} from '@genai-portal/plugin-genai-playground-common';

/** One message of a chat completion request. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** The usage chunk of a stream (`stream_options.include_usage`). */
export interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** Sampling parameters the page sends. */
export interface ChatParams {
  temperature: number;
  top_p: number;
  max_tokens: number;
}

/** The message of an OpenAI-shaped error body, else the status line. */
export async function readError(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text);
    const message = body?.error?.message;
    if (typeof message === 'string' && message) {
      return message;
    }
  } catch {
    // not JSON: fall through
  }
  return text || `${response.status} ${response.statusText}`.trim();
}

/** The models the signed-in user may call (`GET /v1/models`). */
export async function listModels(
  fetchApi: FetchApi,
  baseUrl: string,
): Promise<InferenceModel[]> {
  const response = await fetchApi.fetch(`${baseUrl}/v1/models`, {
    headers: { Accept: 'application/json' },
  });
  if (!response.ok) {
    throw new Error(await readError(response));
  }
  const body = (await response.json()) as { data?: InferenceModel[] };
  return body.data ?? [];
}

/** Yields the payloads of the `data:` lines of a server-sent event stream. */
export async function* readSseData(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (value) {
        buffer += decoder.decode(value, { stream: true });
      }
      if (done) {
        buffer += decoder.decode();
      }
      let newline = buffer.indexOf('\n');
      while (newline >= 0) {
        const line = buffer.slice(0, newline).replace(/\r$/, '');
        buffer = buffer.slice(newline + 1);
        if (line.startsWith('data:')) {
          yield line.slice(5).trim();
        }
        newline = buffer.indexOf('\n');
      }
      if (done) {
        if (buffer.startsWith('data:')) {
          yield buffer.slice(5).trim();
        }
        return;
      }
    }
  } finally {
    reader.releaseLock();
  }
}

/**
 * Streams a chat completion from the gateway: calls `onDelta` with each piece of text as it
 * arrives and resolves with the usage chunk (if the gateway sent one) after `[DONE]`.
 */
export async function streamChatCompletion(options: {
  fetchApi: FetchApi;
  baseUrl: string;
  model: string;
  messages: ChatMessage[];
  params: ChatParams;
  environment?: string;
  signal?: AbortSignal;
  onDelta: (text: string) => void;
}): Promise<{ usage?: ChatUsage }> {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    Accept: 'text/event-stream',
  };
  if (options.environment) {
    headers[ENVIRONMENT_HEADER] = options.environment;
  }
  const response = await options.fetchApi.fetch(
    `${options.baseUrl}/v1/chat/completions`,
    {
      method: 'POST',
      headers,
      signal: options.signal,
      body: JSON.stringify({
        model: options.model,
        messages: options.messages,
        ...options.params,
        stream: true,
        stream_options: { include_usage: true },
      }),
    },
  );
  if (!response.ok) {
    throw new Error(await readError(response));
  }
  if (!response.body) {
    throw new Error('The gateway answered without a body');
  }
  let usage: ChatUsage | undefined;
  for await (const data of readSseData(response.body)) {
    if (data === '[DONE]') {
      break;
    }
    if (!data) {
      continue;
    }
    const chunk = JSON.parse(data);
    if (chunk.error) {
      throw new Error(chunk.error.message ?? 'The model server failed');
    }
    const text = chunk.choices?.[0]?.delta?.content;
    if (typeof text === 'string' && text) {
      options.onDelta(text);
    }
    if (chunk.usage) {
      usage = chunk.usage;
    }
  }
  return { usage };
}

/** The price of an answer from the model's rate, or undefined without one. */
export function answerCost(
  usage: ChatUsage,
  model?: InferenceModel,
): { amount: number; currency: string } | undefined {
  const genai = model?.genai;
  if (
    !genai ||
    typeof genai.pricePer1MInput !== 'number' ||
    typeof genai.pricePer1MOutput !== 'number'
  ) {
    return undefined;
  }
  return {
    amount:
      (usage.prompt_tokens * genai.pricePer1MInput +
        usage.completion_tokens * genai.pricePer1MOutput) /
      1_000_000,
    currency: genai.currency,
  };
}

/** The curl and TypeScript snippets of "View code". */
export function codeSnippets(options: {
  baseUrl: string;
  model: string;
  systemPrompt: string;
  params: ChatParams;
}): { curl: string; typescript: string } {
  const { baseUrl, model, systemPrompt, params } = options;
  const messages: ChatMessage[] = [
    ...(systemPrompt
      ? [{ role: 'system' as const, content: systemPrompt }]
      : []),
    { role: 'user', content: 'Hello!' },
  ];
  const body = { model, messages, ...params };
  const curl = [
    `curl ${baseUrl}/v1/chat/completions \\`,
    `  -H "Authorization: Bearer $GENAI_API_KEY" \\`,
    `  -H "Content-Type: application/json" \\`,
    `  -d '${JSON.stringify(body).replace(/'/g, "'\\''")}'`,
  ].join('\n');
  const typescript = [
    `import OpenAI from 'openai';`,
    ``,
    `const client = new OpenAI({`,
    `  baseURL: '${baseUrl}/v1',`,
    `  apiKey: process.env.GENAI_API_KEY,`,
    `});`,
    ``,
    `const completion = await client.chat.completions.create(${JSON.stringify(
      body,
      null,
      2,
    )});`,
    `console.log(completion.choices[0].message.content);`,
  ].join('\n');
  return { curl, typescript };
}
