import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { migrateDatabase } from '../lib/migrateDatabase';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const row = (recordId: string | null) => ({
  at: '2026-01-01T00:00:00.000Z',
  team: 'group:default/ml-research',
  model: 'm',
  endpoint: 'chat',
  input_tokens: 1,
  output_tokens: 1,
  cost: 0,
  latency_ms: 1,
  status: 200,
  stream: false,
  record_id: recordId,
});

describe.each(databases.eachSupportedId())(
  'the usage_records.record_id migration on %p',
  id => {
    it('keeps a record id once, allows rows without one, and rolls back keeping the rows', async () => {
      const knex = await databases.init(id);
      await migrateDatabase(mockServices.database({ knex }));
      await knex('usage_records').insert([row(null), row(null), row('a')]);
      // ON CONFLICT (record_id) is refused without a unique index on the column
      await knex('usage_records')
        .insert(row('a'))
        .onConflict('record_id')
        .ignore();
      expect(await knex('usage_records').where('record_id', 'a')).toHaveLength(
        1,
      );

      const directory = resolvePackagePath(
        '@genai-portal/plugin-genai-playground-backend',
        'migrations',
      );
      await knex.migrate.down({
        directory,
        name: '20251206120000_usage_record_id.js',
      });
      expect(await knex.schema.hasColumn('usage_records', 'record_id')).toBe(
        false,
      );
      // rolling back keeps the calls metered so far
      const [{ n }] = await knex('usage_records').count({ n: '*' });
      expect(Number(n)).toBe(3);
      await knex.migrate.latest({ directory });
      expect(await knex.schema.hasColumn('usage_records', 'record_id')).toBe(
        true,
      );
    });
  },
);
