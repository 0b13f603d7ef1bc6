import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import OpenAI from 'openai';
import {
  CHAT_MODEL,
  EMBEDDING_MODEL,
  GENAI_APPS,
  LENA,
  MARCO,
  post,
  QWEN,
  startGateway,
  type GatewayHarness,
} from '../__testUtils__/gatewayHarness';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('bad input gets the right status and an OpenAI-shaped error', () => {
  let h: GatewayHarness;
  let env: string;
  let key: string;
  const chat = (body: object | string, headers: Record<string, string> = {}) =>
    post(
      `${h.baseURL}/chat/completions`,
      typeof body === 'string' ? body : JSON.stringify(body),
      { authorization: `Bearer ${key}`, ...headers },
    );
  const hello = [{ role: 'user', content: 'hello' }];

  beforeAll(async () => {
    h = await startGateway({
      knex: await databases.init('SQLITE_3'),
      inference: { maxBodyBytes: 4096 },
    });
    env = await h.addEnvironment('bad-input');
    key = (await h.createKey(env)).key;
  });
  afterAll(() => h.close());

  it('unknown model: 404', async () => {
    const res = await chat({ model: 'gpt-17', messages: hello });
    expect(res).toMatchObject({
      status: 404,
      json: {
        error: {
          message: "The model 'gpt-17' does not exist",
          type: 'invalid_request_error',
          param: 'model',
          code: 'model_not_found',
        },
      },
    });
  });

  it('missing messages, empty messages, no model: 400', async () => {
    expect(await chat({ model: CHAT_MODEL })).toMatchObject({
      status: 400,
      json: {
        error: {
          message: "Missing required parameter: 'messages'.",
          type: 'invalid_request_error',
          param: 'messages',
          code: 'missing_required_parameter',
        },
      },
    });
    expect(
      (await chat({ model: CHAT_MODEL, messages: [] })).json.error,
    ).toMatchObject({
      param: 'messages',
      code: 'empty_array',
    });
    expect((await chat({ messages: hello })).json.error).toMatchObject({
      message: 'you must provide a model parameter',
      param: 'model',
    });
  });

  it.each([-5, 0, 1.5, '12'])('max_tokens %p: 400', async maxTokens => {
    const res = await chat({
      model: CHAT_MODEL,
      messages: hello,
      max_tokens: maxTokens,
    });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({
      type: 'invalid_request_error',
      param: 'max_tokens',
    });
  });

  it('a body that is not JSON: 400', async () => {
    const res = await chat('{"model": ');
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({
      type: 'invalid_request_error',
      code: 'invalid_json',
      message: expect.stringMatching(/^We could not parse the JSON body/),
    });
    expect((await chat('[1,2]')).status).toBe(400);
  });

  it('stream_options without stream, embeddings without input: 400', async () => {
    expect(
      (
        await chat({
          model: CHAT_MODEL,
          messages: hello,
          stream_options: { include_usage: true },
        })
      ).json.error.param,
    ).toBe('stream_options');
    const res = await post(
      `${h.baseURL}/embeddings`,
      JSON.stringify({ model: EMBEDDING_MODEL }),
      { authorization: `Bearer ${key}` },
    );
    expect(res.status).toBe(400);
    expect(res.json.error.param).toBe('input');
  });

  it('an embedding model on the chat route: 400', async () => {
    const res = await chat({ model: EMBEDDING_MODEL, messages: hello });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('model_not_supported');
  });

  it('a body over the limit: 413', async () => {
    const res = await chat({
      model: CHAT_MODEL,
      messages: [{ role: 'user', content: 'x'.repeat(5000) }],
    });
    expect(res.status).toBe(413);
    expect(res.json.error).toMatchObject({
      type: 'invalid_request_error',
      code: 'request_too_large',
      message: "Request body is larger than the gateway's limit of 4096 bytes",
    });
    // the openai client surfaces it as an APIError with the status
    const client = new OpenAI({
      baseURL: h.baseURL,
      apiKey: key,
      maxRetries: 0,
    });
    await expect(
      client.chat.completions.create({
        model: CHAT_MODEL,
        messages: [{ role: 'user', content: 'y'.repeat(5000) }],
      }),
    ).rejects.toMatchObject({ status: 413 });
  });

  it('no key, a wrong key, a malformed header: 401', async () => {
    const none = await post(
      `${h.baseURL}/chat/completions`,
      JSON.stringify({ model: CHAT_MODEL, messages: hello }),
    );
    expect(none).toMatchObject({
      status: 401,
      json: {
        error: { type: 'authentication_error', code: 'invalid_api_key' },
      },
    });
    expect(none.json.error.message).toMatch(/You didn't provide an API key/);
    const wrong = await chat(
      { model: CHAT_MODEL, messages: hello },
      {
        authorization: `Bearer gpk-${'A'.repeat(43)}`,
      },
    );
    expect(wrong).toMatchObject({
      status: 401,
      json: {
        error: {
          message: 'Incorrect API key provided',
          code: 'invalid_api_key',
        },
      },
    });
    expect(
      (
        await chat(
          { model: CHAT_MODEL, messages: hello },
          { authorization: 'Basic abc' },
        )
      ).status,
    ).toBe(401);
    const client = new OpenAI({
      baseURL: h.baseURL,
      apiKey: 'gpk-nope-nope-nope',
      maxRetries: 0,
    });
    await expect(client.models.list()).rejects.toBeInstanceOf(
      OpenAI.AuthenticationError,
    );
  });

  it('a revoked key: 401, at once on this replica', async () => {
    const created = await h.createKey(env, { name: 'to revoke' });
    const ok = await chat(
      { model: CHAT_MODEL, messages: hello, max_tokens: 2 },
      {
        authorization: `Bearer ${created.key}`,
      },
    );
    expect(ok.status).toBe(200);
    await h.gateway.keys.revoke(env, created.id, {
      credentials: mockCredentials.user(MARCO),
    });
    const res = await chat(
      { model: CHAT_MODEL, messages: hello },
      {
        authorization: `Bearer ${created.key}`,
      },
    );
    expect(res).toMatchObject({
      status: 401,
      json: {
        error: {
          message: `The API key ${created.prefix}... was revoked`,
          type: 'authentication_error',
          code: 'invalid_api_key',
        },
      },
    });
  });

  it('an expired key (its environment’s lease ended): 401; an extend brings it back', async () => {
    const shortEnv = await h.addEnvironment('short-lease');
    const created = await h.createKey(shortEnv);
    const auth = { authorization: `Bearer ${created.key}` };
    expect(
      (await chat({ model: CHAT_MODEL, messages: hello, max_tokens: 2 }, auth))
        .status,
    ).toBe(200);
    const past = new Date(Date.now() - 1000).toISOString();
    await h.environments.extend(shortEnv, { expiresAt: past, now: past });
    await h.gateway.onEnvironmentChange('extend', shortEnv);
    const expired = await chat({ model: CHAT_MODEL, messages: hello }, auth);
    expect(expired).toMatchObject({
      status: 401,
      json: { error: { code: 'invalid_api_key' } },
    });
    expect(expired.json.error.message).toMatch(
      /has expired: environment ml-research-short-lease reached the end of its lease/,
    );
    const later = new Date(Date.now() + 3_600_000).toISOString();
    await h.environments.extend(shortEnv, { expiresAt: later, now: past });
    await h.gateway.onEnvironmentChange('extend', shortEnv);
    expect(
      (await chat({ model: CHAT_MODEL, messages: hello, max_tokens: 2 }, auth))
        .status,
    ).toBe(200);
    // the keys list shows the environment's lease end as the key's
    const [listed] = await h.gateway.keys.list(shortEnv, {
      credentials: mockCredentials.user(MARCO),
    });
    expect(listed.expiresAt).toBe(later);
  });

  it('keys die with their environment: deleted means revoked', async () => {
    const doomed = await h.addEnvironment('doomed');
    const created = await h.createKey(doomed);
    const auth = { authorization: `Bearer ${created.key}` };
    await h.environments.setStatus(doomed, {
      status: 'deleted',
      now: new Date().toISOString(),
      deletedAt: new Date().toISOString(),
    });
    await h.gateway.onEnvironmentChange('delete', doomed);
    const res = await chat({ model: CHAT_MODEL, messages: hello }, auth);
    expect(res.status).toBe(401);
    expect(res.json.error.message).toMatch(/was revoked/);
  });

  it('a key scoped to other models: 403', async () => {
    const scoped = await h.createKey(env, {
      name: 'qwen only',
      models: [QWEN],
    });
    const res = await chat(
      { model: CHAT_MODEL, messages: hello },
      {
        authorization: `Bearer ${scoped.key}`,
      },
    );
    expect(res).toMatchObject({
      status: 403,
      json: {
        error: {
          message: `This API key may not use the model '${CHAT_MODEL}'; it may use: ${QWEN}`,
          type: 'permission_error',
          param: 'model',
          code: 'model_not_allowed',
        },
      },
    });
    // and it lists only what it may use
    const client = new OpenAI({
      baseURL: h.baseURL,
      apiKey: scoped.key,
      maxRetries: 0,
    });
    expect((await client.models.list()).data.map(m => m.id)).toEqual([QWEN]);
    await expect(
      client.chat.completions.create({
        model: CHAT_MODEL,
        messages: hello as any,
      }),
    ).rejects.toBeInstanceOf(OpenAI.PermissionDeniedError);
  });

  it('a user charging an environment of another team: 403', async () => {
    const other = await h.addEnvironment('apps-env', {
      team: GENAI_APPS,
      owner: LENA,
    });
    const asMarco = { authorization: mockCredentials.user.header(MARCO) };
    const res = await chat(
      { model: CHAT_MODEL, messages: hello, max_tokens: 2 },
      {
        ...asMarco,
        'x-genai-environment': other,
      },
    );
    expect(res).toMatchObject({
      status: 403,
      json: {
        error: {
          message: `Environment ${other} belongs to ${GENAI_APPS}; ${MARCO} may not charge it (genai-playground.environment.use)`,
          type: 'permission_error',
        },
      },
    });
    // the user may use their own team's environment, and without one their team is charged
    expect(
      (
        await chat(
          { model: CHAT_MODEL, messages: hello, max_tokens: 2 },
          {
            ...asMarco,
            'x-genai-environment': env,
          },
        )
      ).status,
    ).toBe(200);
    expect(
      (
        await chat(
          { model: CHAT_MODEL, messages: hello, max_tokens: 2 },
          asMarco,
        )
      ).status,
    ).toBe(200);
    // refused before there is a caller to charge: not metered
    const rows = await h.usageRows();
    expect(
      rows
        .filter(r => r.user_ref === MARCO)
        .map(r => [r.team, r.environment_id, r.status]),
    ).toEqual([
      ['group:default/ml-research', env, 200],
      ['group:default/ml-research', null, 200],
    ]);
  });

  it('a key over its budget: 429 insufficient_quota with Retry-After', async () => {
    const poor = await h.createKey(env, {
      name: 'poor',
      monthlyBudget: 0.000001,
    });
    const res = await chat(
      { model: CHAT_MODEL, messages: hello, max_tokens: 100 },
      {
        authorization: `Bearer ${poor.key}`,
      },
    );
    expect(res).toMatchObject({
      status: 429,
      json: {
        error: { type: 'insufficient_quota', code: 'insufficient_quota' },
      },
    });
    expect(res.json.error.message).toMatch(/not enough monthly budget left/);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    const client = new OpenAI({
      baseURL: h.baseURL,
      apiKey: poor.key,
      maxRetries: 0,
    });
    await expect(
      client.chat.completions.create({
        model: CHAT_MODEL,
        messages: hello as any,
        max_tokens: 5,
      }),
    ).rejects.toBeInstanceOf(OpenAI.RateLimitError);
  });

  it('over the RPM limit: 429 with Retry-After, and the rejection is metered', async () => {
    const slow = await h.createKey(env, { name: 'rpm 3', rpm: 3 });
    const auth = { authorization: `Bearer ${slow.key}` };
    const answers = [];
    for (let i = 0; i < 5; i++) {
      answers.push(
        await chat({ model: QWEN, messages: hello, max_tokens: 2 }, auth),
      );
    }
    const statuses = answers.map(a => a.status);
    const refused = answers[3];
    expect(refused.json.error).toMatchObject({
      type: 'rate_limit_error',
      code: 'rate_limit_exceeded',
      message: expect.stringMatching(/requests per minute/),
    });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(120);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const rows = (await h.usageRows()).filter(r => r.key_id === slow.id);
    expect(rows.map(r => r.status)).toEqual([200, 200, 200, 429, 429]);
    expect(rows[3]).toMatchObject({
      input_tokens: 0,
      output_tokens: 0,
      cost: 0,
    });
  });

  it('an unknown /v1 route: 404 in OpenAI shape', async () => {
    const res = await post(`${h.baseURL}/responses`, '{}', {
      authorization: `Bearer ${key}`,
    });
    expect(res.status).toBe(404);
    expect(res.json.error.message).toMatch(
      /Unknown request URL: POST \/v1\/responses/,
    );
  });

  it('answers every error with the time it took', async () => {
    const res = await chat({ model: 'nope', messages: hello });
    expect(
      Number(res.headers.get('x-genai-overhead-ms')),
    ).toBeGreaterThanOrEqual(0);
  });
});
