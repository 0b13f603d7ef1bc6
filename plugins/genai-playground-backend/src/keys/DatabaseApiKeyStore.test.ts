import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import type { ApiKeyRecord } from './ApiKeyStore';
import {
  generateApiKey,
  hashApiKey,
  looksLikeApiKey,
  sameHash,
} from './apiKeySecret';
import { DatabaseApiKeyStore } from './DatabaseApiKeyStore';
import { migrateDatabase } from '../lib/migrateDatabase';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

function keyRecord(overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  const { hash, prefix } = generateApiKey();
  return {
    id:
      overrides.id ??
      `00000000-0000-4000-8000-${String(Math.random())
        .slice(2, 14)
        .padEnd(12, '0')}`,
    hash,
    prefix,
    name: 'ci',
    environmentId: 'ml-research-demo',
    team: 'group:default/ml-research',
    models: ['meta-llama/Llama-3.1-8B-Instruct'],
    rpm: 60,
    tpm: 5_000_000_000,
    monthlyBudget: 12.5,
    currency: 'USD',
    createdBy: 'user:default/marco.rossi',
    createdAt: '2025-06-01T10:00:00.000Z',
    ...overrides,
  };
}

describe('API key secrets', () => {
  it('are gpk- and 256 random bits, stored as SHA-256', () => {
    const { key, hash, prefix } = generateApiKey();
    expect(key).toMatch(/^gpk-[A-Za-z0-9_-]{43}$/);
    expect(prefix).toBe(key.slice(0, 12));
    expect(hash).toBe(hashApiKey(key));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(sameHash(hash, hashApiKey(key))).toBe(true);
    expect(sameHash(hash, hashApiKey(`${key}x`))).toBe(false);
    expect(looksLikeApiKey(key)).toBe(true);
    expect(looksLikeApiKey('gpk-short')).toBe(false);
    expect(looksLikeApiKey('eyJhbGciOi...')).toBe(false);
  });
});

describe.each(databases.eachSupportedId())(
  'DatabaseApiKeyStore on %p',
  databaseId => {
    async function makeStore() {
      const knex = await databases.init(databaseId);
      const database = mockServices.database({ knex });
      await migrateDatabase(database);
      return DatabaseApiKeyStore.create({ database });
    }

    it('stores and finds keys by hash and id, lists them by environment', async () => {
      const store = await makeStore();
      const a = keyRecord({ id: '11111111-1111-4111-8111-111111111111' });
      const b = keyRecord({
        id: '22222222-2222-4222-8222-222222222222',
        models: [],
        monthlyBudget: undefined,
        createdAt: '2025-06-02T10:00:00.000Z',
      });
      const other = keyRecord({
        id: '33333333-3333-4333-8333-333333333333',
        environmentId: 'genai-apps-x',
      });
      await store.insert(a);
      await store.insert(b);
      await store.insert(other);
      expect(await store.getByHash(a.hash)).toEqual(a);
      expect(await store.get(b.id)).toEqual(b);
      expect(await store.getByHash('0'.repeat(64))).toBeUndefined();
      expect(
        (await store.listByEnvironment('ml-research-demo')).map(k => k.id),
      ).toEqual([a.id, b.id]);
    });

    it('refuses a second key with the same hash', async () => {
      const store = await makeStore();
      const a = keyRecord({ id: '44444444-4444-4444-8444-444444444444' });
      await store.insert(a);
      // (by code: better-sqlite3's errors come from another realm once a worker reused it)
      await expect(
        store.insert({ ...a, id: '55555555-5555-4555-8555-555555555555' }),
      ).rejects.toMatchObject({
        code: expect.stringMatching(/^(SQLITE_CONSTRAINT_UNIQUE|23505)$/),
      });
    });

    it('revokes once, and every live key of an environment', async () => {
      const store = await makeStore();
      const a = keyRecord({ id: '66666666-6666-4666-8666-666666666666' });
      const b = keyRecord({ id: '77777777-7777-4777-8777-777777777777' });
      await store.insert(a);
      await store.insert(b);
      const revoked = await store.revoke(a.id, {
        at: '2025-06-03T00:00:00.000Z',
        by: 'user:default/marco.rossi',
      });
      expect(revoked).toMatchObject({
        revokedAt: '2025-06-03T00:00:00.000Z',
        revokedBy: 'user:default/marco.rossi',
      });
      // a second revoke keeps the first one's time
      expect(
        (await store.revoke(a.id, { at: '2025-06-04T00:00:00.000Z', by: 'x' }))
          ?.revokedAt,
      ).toBe('2025-06-03T00:00:00.000Z');
      expect(
        await store.revokeEnvironment('ml-research-demo', {
          at: '2025-06-05T00:00:00.000Z',
          by: 'genai-playground:environment-deleted',
        }),
      ).toEqual([b.id]);
      expect(
        await store.revokeEnvironment('ml-research-demo', { at: 'x', by: 'y' }),
      ).toEqual([]);
    });
  },
);
