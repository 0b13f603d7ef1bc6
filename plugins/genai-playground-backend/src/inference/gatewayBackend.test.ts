import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { startKubeSim, type KubeSim } from '@genai-portal/kube-sim';
import { startLlmSim, type LlmSim } from '@genai-portal/llm-sim';
import OpenAI from 'openai';
import request from 'supertest';
import { orgServiceFactories } from '../__testUtils__/testBackend';
import type { AddressInfo } from 'node:net';
import { genaiPlaygroundPlugin } from '../plugin';
import { createRequest, MARCO, testConfigData } from '../__testUtils__/harness';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('the gateway in a Backstage backend', () => {
  let kube: KubeSim;
  let sim: LlmSim;
  beforeAll(async () => {
    kube = await startKubeSim({ port: 0, tickMs: 50, timeScale: 20 });
    sim = await startLlmSim({
      models: ['Qwen/Qwen2.5-7B-Instruct'],
      ttftMs: 2,
      tpotMs: 1,
    });
  });
  afterAll(async () => {
    await sim.close();
    await kube.close();
  });

  it('serves /v1 to API keys and users, /metrics to anyone, the keys API to users', async () => {
    const { server } = await startTestBackend({
      features: [
        genaiPlaygroundPlugin,
        mockServices.rootConfig.factory({
          data: testConfigData(kube.url, kube.token, {
            inference: {
              models: [
                {
                  name: 'Qwen/Qwen2.5-7B-Instruct',
                  upstreams: [sim.url],
                  pricePer1MInput: 0.15,
                  pricePer1MOutput: 0.45,
                  contextLength: 32768,
                },
              ],
              discovery: { enabled: false },
            },
          }),
        }),
        mockServices.database.factory({
          knex: await databases.init('SQLITE_3'),
        }),
        ...orgServiceFactories(),
      ],
    });
    const asMarco = { Authorization: mockCredentials.user.header(MARCO) };

    const env = await request(server)
      .post('/api/genai-playground/environments')
      .set(asMarco)
      .send(createRequest({ name: 'gw', gpuPool: 'mi355x', gpus: 1 }))
      .expect(201);
    const created = await request(server)
      .post(`/api/genai-playground/environments/${env.body.id}/keys`)
      .set(asMarco)
      .send({ name: 'backend test' })
      .expect(201);
    expect(created.body.key).toMatch(/^gpk-/);
    expect(created.body.expiresAt).toBe(env.body.expiresAt);

    // an API key is not a Backstage token: the Backstage routes refuse it
    await request(server)
      .get('/api/genai-playground/environments')
      .set('Authorization', `Bearer ${created.body.key}`)
      .expect(401);

    // the openai client through Backstage's HTTP stack
    const { port } = server.address() as AddressInfo;
    const client = new OpenAI({
      baseURL: `http://127.0.0.1:${port}/api/genai-playground/v1`,
      apiKey: created.body.key,
      maxRetries: 0,
    });
    expect((await client.models.list()).data.map(m => m.id)).toEqual([
      'Qwen/Qwen2.5-7B-Instruct',
    ]);
    const stream = await client.chat.completions.create({
      model: 'Qwen/Qwen2.5-7B-Instruct',
      messages: [{ role: 'user', content: 'hello' }],
      max_tokens: 8,
      stream: true,
    });
    let chunks = 0;
    for await (const _ of stream) chunks++;
    expect(chunks).toBeGreaterThan(2);

    // bodies bigger than the plugin's 100 kB JSON limit reach the gateway (limit 1 MB)
    const big = await client.chat.completions.create({
      model: 'Qwen/Qwen2.5-7B-Instruct',
      messages: [{ role: 'user', content: 'word '.repeat(25_000) }],
      max_tokens: 2,
    });
    expect(big.usage!.prompt_tokens).toBeGreaterThan(25_000);

    // a signed-in user, charging their environment
    const asUser = await request(server)
      .post('/api/genai-playground/v1/chat/completions')
      .set(asMarco)
      .set('x-genai-environment', env.body.id)
      .send({
        model: 'Qwen/Qwen2.5-7B-Instruct',
        messages: [{ role: 'user', content: 'hi' }],
        max_tokens: 2,
      })
      .expect(200);
    expect(asUser.headers['x-genai-overhead-ms']).toMatch(/^\d+\.\d{3}$/);

    // no identity at all: the gateway answers in OpenAI's shape
    const none = await request(server)
      .post('/api/genai-playground/v1/chat/completions')
      .send({ model: 'Qwen/Qwen2.5-7B-Instruct', messages: [] })
      .expect(401);
    expect(none.body.error.type).toBe('authentication_error');

    // /metrics needs no identity
    const metrics = await request(server)
      .get('/api/genai-playground/metrics')
      .expect(200);
    expect(metrics.text).toContain(
      'http_request_duration_seconds_count{method="POST",route="/v1/chat/completions",code="200"}',
    );
    expect(metrics.text).toContain(
      'http_request_duration_seconds_count{method="POST",route="/environments",code="201"}',
    );
    expect(metrics.text).toMatch(
      /genai_gateway_tokens_total\{model="Qwen\/Qwen2.5-7B-Instruct",direction="output"\} \d+/,
    );
    expect(metrics.text).toContain(
      'genai_gateway_time_to_first_token_seconds_count{model="Qwen/Qwen2.5-7B-Instruct"} 1',
    );

    // usage, as metered (the recorder flushes every second)
    let usage: any;
    for (let i = 0; i < 40; i++) {
      usage = await request(server)
        .get('/api/genai-playground/usage?groupBy=key')
        .set(asMarco)
        .expect(200);
      if (usage.body.items.some((r: any) => r.requests >= 2)) break;
      await new Promise(r => setTimeout(r, 100));
    }
    expect(usage.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ group: created.body.id, requests: 2 }),
      ]),
    );
  });
});
