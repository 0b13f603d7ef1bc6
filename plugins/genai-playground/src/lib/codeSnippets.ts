import type {
  ChatMessage,
  ChatParams,
} from '@genai-portal/plugin-genai-playground-react';

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
