/**
 * Budgets hold whatever shape the request has: a key whose budget covers one plain call (its
 * body, a little more, and one prompt's one choice of max_tokens) cannot spend more with a list
 * of prompts, token ids, n, best_of or a second output-length field. An audit found a key with a
 * budget of 0.001 spending 0.0059 in one /v1/completions call of 200 prompts.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import {
  CHAT_MODEL,
  EMBEDDING_MODEL,
  post,
  startGateway,
  type GatewayHarness,
} from '../__testUtils__/gatewayHarness';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const PRICES = {
  [CHAT_MODEL]: { input: 0.2, output: 0.6, context: 131072 },
  [EMBEDDING_MODEL]: { input: 0.01, output: 0, context: 8192 },
};

type Route = 'completions' | 'chat/completions' | 'embeddings';

/**
 * A budget (micro-units) that covers one plain call: every byte of its body and 100 tokens more
 * as input, and `maxTokens` once as output.
 */
function plainBudgetMicros(
  model: keyof typeof PRICES,
  plain: object,
  maxTokens: number,
) {
  const p = PRICES[model];
  const bytes = Buffer.byteLength(JSON.stringify(plain));
  return Math.ceil((bytes + 100) * p.input + maxTokens * p.output);
}

const many = <T>(n: number, item: (i: number) => T) =>
  Array.from({ length: n }, (_, i) => item(i));

interface Shape {
  name: string;
  route: Route;
  model: keyof typeof PRICES;
  /** The plain call the budget covers, and its max_tokens (the context window when none). */
  plain: object;
  plainMaxTokens: number;
  body: object;
  status: 200 | 429;
}

const completion = { model: CHAT_MODEL, ignore_eos: true, temperature: 1 };
const plainCompletion = { ...completion, prompt: 'a', max_tokens: 20 };
const chat = {
  model: CHAT_MODEL,
  ignore_eos: true,
  temperature: 1,
  messages: [{ role: 'user', content: 'a' }],
};
const plainChat = { ...chat, max_tokens: 20 };
const plainEmbedding = { model: EMBEDDING_MODEL, input: 'a' };

const SHAPES: Shape[] = [
  ['a string prompt', { prompt: 'a', max_tokens: 20 }, 200],
  ['20 string prompts', { prompt: many(20, () => 'a'), max_tokens: 20 }, 429],
  ['one prompt of token ids', { prompt: [1, 2, 3], max_tokens: 20 }, 200],
  [
    '20 prompts of token ids',
    { prompt: many(20, () => [1]), max_tokens: 20 },
    429,
  ],
  ['n 3', { prompt: 'a', max_tokens: 20, n: 3 }, 429],
  ['best_of 3', { prompt: 'a', max_tokens: 20, best_of: 3 }, 429],
  [
    'max_tokens 200 beside max_completion_tokens 1',
    { prompt: 'a', max_tokens: 200, max_completion_tokens: 1 },
    429,
  ],
].map(([name, extra, status]) => ({
  name: `completions: ${name}`,
  route: 'completions' as Route,
  model: CHAT_MODEL,
  plain: plainCompletion,
  plainMaxTokens: 20,
  body: { ...completion, ...(extra as object) },
  status: status as 200 | 429,
}));

SHAPES.push(
  {
    name: 'completions without max_tokens: 2 prompts of the context window each',
    route: 'completions',
    model: CHAT_MODEL,
    plain: { model: CHAT_MODEL, prompt: 'a' },
    plainMaxTokens: PRICES[CHAT_MODEL].context,
    body: { model: CHAT_MODEL, prompt: ['a', 'b'] },
    status: 429,
  },
  {
    name: 'chat: plain',
    route: 'chat/completions',
    model: CHAT_MODEL,
    plain: plainChat,
    plainMaxTokens: 20,
    body: plainChat,
    status: 200,
  },
  {
    name: 'chat: n 3',
    route: 'chat/completions',
    model: CHAT_MODEL,
    plain: plainChat,
    plainMaxTokens: 20,
    body: { ...plainChat, n: 3 },
    status: 429,
  },
  {
    name: 'chat: max_tokens 200 beside max_completion_tokens 1',
    route: 'chat/completions',
    model: CHAT_MODEL,
    plain: plainChat,
    plainMaxTokens: 20,
    body: { ...chat, max_tokens: 200, max_completion_tokens: 1 },
    status: 429,
  },
  ...(
    [
      ['a string', 'a', 200],
      ['token ids', [1, 2, 3], 200],
      ['200 strings', many(200, () => 'a'), 429],
      ['200 lists of token ids', many(200, () => [1]), 429],
    ] as const
  ).map(([name, input, status]) => ({
    name: `embeddings: ${name}`,
    route: 'embeddings' as Route,
    model: EMBEDDING_MODEL as keyof typeof PRICES,
    plain: plainEmbedding,
    plainMaxTokens: 0,
    body: { model: EMBEDDING_MODEL, input },
    status: status as 200 | 429,
  })),
);

describe('reservations cover the worst case of every input shape', () => {
  let h: GatewayHarness;
  let env: string;

  beforeAll(async () => {
    h = await startGateway({
      knex: await databases.init('SQLITE_3'),
      llamaReplicas: 1,
    });
    env = await h.addEnvironment('shapes');
  });
  afterAll(() => h.close());

  it.each(SHAPES.map(s => [s.name, s] as const))('%s', async (_name, shape) => {
    const budgetMicros = plainBudgetMicros(
      shape.model,
      shape.plain,
      shape.plainMaxTokens,
    );
    // (half a micro more: the budget is given in the currency, a float)
    const key = await h.createKey(env, {
      name: shape.name.slice(0, 100),
      monthlyBudget: (budgetMicros + 0.5) / 1e6,
    });
    const res = await post(
      `${h.baseURL}/${shape.route}`,
      JSON.stringify(shape.body),
      { authorization: `Bearer ${key.key}` },
    );
    expect({ status: res.status, error: res.json?.error?.type }).toEqual(
      shape.status === 200
        ? { status: 200, error: undefined }
        : { status: 429, error: 'insufficient_quota' },
    );
    const rows = (await h.usageRows()).filter(r => r.key_id === key.id);
    expect(rows).toHaveLength(1);
    const spentMicros = rows.reduce((sum, r) => sum + Number(r.cost), 0) * 1e6;
    expect(spentMicros).toBeLessThanOrEqual(budgetMicros + 1e-6);
    // a refused call costs nothing, a served one something
    expect(spentMicros > 0).toBe(shape.status === 200);
  });
});

describe('how far one request may multiply its work is bounded, with a 400 naming the field', () => {
  let h: GatewayHarness;
  let key: string;

  beforeAll(async () => {
    h = await startGateway({
      knex: await databases.init('SQLITE_3'),
      llamaReplicas: 1,
      inference: {
        requestLimits: { maxChoices: 4, maxPrompts: 10, maxInputs: 20 },
      },
    });
    key = (await h.createKey(await h.addEnvironment('bounds'))).key;
  });
  afterAll(() => h.close());

  it.each([
    [
      'n above maxChoices',
      'completions',
      { ...plainCompletion, n: 5 },
      'n',
      'invalid_value',
    ],
    [
      'best_of above maxChoices',
      'completions',
      { ...plainCompletion, best_of: 5 },
      'best_of',
      'invalid_value',
    ],
    [
      'chat n above maxChoices',
      'chat/completions',
      { ...plainChat, n: 5 },
      'n',
      'invalid_value',
    ],
    [
      '11 string prompts',
      'completions',
      { ...plainCompletion, prompt: many(11, () => 'a') },
      'prompt',
      'array_above_max_length',
    ],
    [
      '11 prompts of token ids',
      'completions',
      { ...plainCompletion, prompt: many(11, () => [1]) },
      'prompt',
      'array_above_max_length',
    ],
    [
      '21 embedding inputs',
      'embeddings',
      { ...plainEmbedding, input: many(21, () => 'a') },
      'input',
      'array_above_max_length',
    ],
    [
      'an empty prompt list',
      'completions',
      { ...plainCompletion, prompt: [] },
      'prompt',
      'invalid_type',
    ],
    [
      'strings and ids mixed',
      'completions',
      { ...plainCompletion, prompt: ['a', 1] },
      'prompt',
      'invalid_type',
    ],
    [
      'an empty list of ids',
      'completions',
      { ...plainCompletion, prompt: [[1], []] },
      'prompt',
      'invalid_type',
    ],
    [
      'an object prompt',
      'completions',
      { ...plainCompletion, prompt: { a: 1 } },
      'prompt',
      'invalid_type',
    ],
    [
      'a fractional token id',
      'embeddings',
      { ...plainEmbedding, input: [1.5] },
      'input',
      'invalid_type',
    ],
  ] as const)('%s (%s): 400', async (_name, route, body, param, code) => {
    const res = await post(`${h.baseURL}/${route}`, JSON.stringify(body), {
      authorization: `Bearer ${key}`,
    });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({
      type: 'invalid_request_error',
      param,
      code,
      message: expect.stringContaining(`'${param}'`),
    });
  });
});
