/**
 * The portal database failing under the gateway: keys already known keep working from memory (no
 * call waits on the database); a key not known yet, or a user's environment not read yet, gets a
 * 503 to retry: not a 401 that would tell its owner the key is wrong, nor a 500.
 */
import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import {
  CHAT_MODEL,
  MARCO,
  post,
  startGateway,
} from '../__testUtils__/gatewayHarness';

jest.setTimeout(30_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('the gateway when its database fails', () => {
  it('serves known keys from memory and answers 503 for a key it cannot check', async () => {
    const knex = await databases.init('SQLITE_3');
    const h = await startGateway({ knex, llamaReplicas: 1 });
    try {
      const env = await h.addEnvironment('db-outage');
      const known = await h.createKey(env, { name: 'known' });
      const unknown = await h.createKey(env, { name: 'not used yet' });
      const call = (key: string) =>
        post(
          `${h.baseURL}/chat/completions`,
          JSON.stringify({
            model: CHAT_MODEL,
            messages: [{ role: 'user', content: 'hi' }],
            max_tokens: 4,
          }),
          { authorization: `Bearer ${key}` },
        );
      expect((await call(known.key)).status).toBe(200);

      await knex.destroy();

      expect((await call(known.key)).status).toBe(200);
      const started = Date.now();
      const refused = await call(unknown.key);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('2');
      expect(refused.json.error).toMatchObject({
        type: 'api_error',
        code: 'auth_unavailable',
      });
      // the database's own words stay in the log
      expect(refused.json.error.message).not.toMatch(/knex|sqlite|pool/i);

      // a signed-in user charging an environment the gateway has not read yet: the same
      const asUser = await post(
        `${h.baseURL}/chat/completions`,
        JSON.stringify({
          model: CHAT_MODEL,
          messages: [{ role: 'user', content: 'hi' }],
        }),
        {
          authorization: mockCredentials.user.header(MARCO),
          'x-genai-environment': 'ml-research-not-read-yet',
        },
      );
      expect(asUser.status).toBe(503);
      expect(asUser.json.error.code).toBe('auth_unavailable');
      expect(asUser.json.error.message).toMatch(
        /^Your access cannot be checked/,
      );
    } finally {
      await h.close();
    }
  });
});
