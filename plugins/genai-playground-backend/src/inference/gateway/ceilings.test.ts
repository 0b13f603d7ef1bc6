/**
 * Spending limits have ceilings the platform's admins set in config: a key's RPM, TPM and
 * budget are at most `keyCeilings`, and a team's monthly budget (`teamBudgets`) holds for calls
 * with its keys and with its members' user tokens alike.
 */
import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  CHAT_MODEL,
  LENA,
  MARCO,
  ML_RESEARCH,
  post,
  startGateway,
  type GatewayHarness,
} from '../__testUtils__/gatewayHarness';
import { readInferenceConfig } from '../config';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const asMarco = { authorization: mockCredentials.user.header(MARCO) };

describe('key ceilings (keyCeilings)', () => {
  let h: GatewayHarness;
  let env: string;

  beforeAll(async () => {
    h = await startGateway({
      knex: await databases.init('SQLITE_3'),
      llamaReplicas: 1,
      inference: {
        keyDefaults: { rpm: 50, tpm: 5_000 },
        keyCeilings: { rpm: 100, tpm: 10_000, monthlyBudget: 5 },
      },
    });
    env = await h.addEnvironment('ceilings');
  });
  afterAll(() => h.close());

  const createKey = (body: object) =>
    post(
      `${h.url}/environments/${env}/keys`,
      JSON.stringify({ name: 'k', ...body }),
      asMarco,
    );

  it.each([
    ['rpm', 101],
    ['tpm', 10_001],
    ['monthlyBudget', 5.01],
  ])(
    'a key with %s %p above the ceiling is a 400 naming it',
    async (field, value) => {
      const res = await createKey({ [field]: value });
      expect(res.status).toBe(400);
      expect(res.json.error.message).toBe(
        `Invalid request: ${field}: ${value} is above the ceiling of ${
          { rpm: 100, tpm: 10_000, monthlyBudget: 5 }[field]
        } the platform admins set (genaiPlayground.inference.keyCeilings.${field})`,
      );
    },
  );

  it('a key at the ceilings is issued; one asking for no budget gets the ceiling', async () => {
    const at = await createKey({ rpm: 100, tpm: 10_000, monthlyBudget: 5 });
    expect(at.status).toBe(201);
    const plain = await createKey({});
    expect(plain.status).toBe(201);
    expect(plain.json).toMatchObject({ rpm: 50, tpm: 5_000, monthlyBudget: 5 });
  });

  it('the config refuses key defaults above the ceilings', () => {
    const read = (inference: object) =>
      readInferenceConfig(new ConfigReader({ genaiPlayground: { inference } }));
    expect(() =>
      read({ keyCeilings: { rpm: 100 }, keyDefaults: { rpm: 600 } }),
    ).toThrow(
      'Invalid config at genaiPlayground.inference.keyDefaults.rpm: 600 is above keyCeilings.rpm (100)',
    );
    expect(() => read({ keyCeilings: { tpm: 0.5 } })).toThrow(
      /genaiPlayground\.inference\.keyCeilings\.tpm/,
    );
    expect(() => read({ teamBudgets: { 'ml-research': -1 } })).toThrow(
      'Invalid config at genaiPlayground.inference.teamBudgets.ml-research: must be a number of at least 0, got -1',
    );
    expect(read({ teamBudgets: { 'ml-research': 7 } }).teamBudgets).toEqual({
      [ML_RESEARCH]: 7,
    });
  });
});

describe("a team's monthly budget (teamBudgets)", () => {
  const body = JSON.stringify({
    model: CHAT_MODEL,
    messages: [{ role: 'user', content: 'a short question' }],
    max_tokens: 20,
  });
  // one call's reservation (see worstCase.ts): bytes and the chat template as input, max_tokens
  const reservation = Math.ceil(
    (Buffer.byteLength(body) + 66) * 0.2 + 20 * 0.6,
  );
  const budget = (reservation + 0.5) / 1e6;

  it('holds for key and user calls of the team, not for other teams', async () => {
    const h = await startGateway({
      knex: await databases.init('SQLITE_3'),
      llamaReplicas: 1,
      inference: { teamBudgets: { 'ml-research': budget } },
    });
    try {
      const env = await h.addEnvironment('team-budget');
      const key = await h.createKey(env);
      const call = (headers: Record<string, string>) =>
        post(`${h.baseURL}/chat/completions`, body, headers);

      // the first call (a key's) fits; what it spent leaves less than another reservation
      expect((await call({ authorization: `Bearer ${key.key}` })).status).toBe(
        200,
      );
      const asUser = await call(asMarco);
      expect(asUser.status).toBe(429);
      expect(asUser.json.error).toMatchObject({
        type: 'insufficient_quota',
        message: expect.stringMatching(
          /^The team group:default\/ml-research has not enough monthly budget left/,
        ),
      });
      const asUserForEnv = await call({
        ...asMarco,
        'x-genai-environment': env,
      });
      expect(asUserForEnv.status).toBe(429);
      const otherKey = await h.createKey(env, { name: 'another key' });
      expect(
        (await call({ authorization: `Bearer ${otherKey.key}` })).status,
      ).toBe(429);
      // genai-apps has no team budget
      expect(
        (await call({ authorization: mockCredentials.user.header(LENA) }))
          .status,
      ).toBe(200);

      const rows = await h.usageRows();
      const spent = rows
        .filter(r => r.team === ML_RESEARCH)
        .reduce((sum, r) => sum + Number(r.cost), 0);
      expect(spent).toBeGreaterThan(0);
      expect(spent).toBeLessThanOrEqual(budget);
    } finally {
      await h.close();
    }
  });
});
