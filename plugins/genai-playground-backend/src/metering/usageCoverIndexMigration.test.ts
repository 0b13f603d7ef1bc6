import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import type { Knex } from 'knex';
import { migrateDatabase } from '../lib/migrateDatabase';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
const MIGRATION = '20251206130000_usage_records_team_cover.js';
const COVER = 'usage_records_team_at_cover_idx';
const PLAIN = 'usage_records_team_at_idx';

/** The usage table's indexes on PostgreSQL, name to whether it is valid. */
async function indexes(knex: Knex): Promise<Record<string, boolean>> {
  const { rows } = await knex.raw(
    `SELECT c.relname AS name, i.indisvalid AS valid FROM pg_index i
       JOIN pg_class c ON c.oid = i.indexrelid
       WHERE i.indrelid = 'usage_records'::regclass`,
  );
  return Object.fromEntries(
    rows.map((r: { name: string; valid: boolean }) => [r.name, r.valid]),
  );
}

describe.each(databases.eachSupportedId())(
  'the usage report covering index migration on %p',
  id => {
    it('replaces the plain (team, at) index, rolls back to it, and rebuilds an invalid one', async () => {
      const knex = await databases.init(id);
      await migrateDatabase(mockServices.database({ knex }));
      expect(await indexes(knex)).toMatchObject({ [COVER]: true });
      expect(await indexes(knex)).not.toHaveProperty(PLAIN);

      const directory = resolvePackagePath(
        '@genai-portal/plugin-genai-playground-backend',
        'migrations',
      );
      await knex.migrate.down({ directory, name: MIGRATION });
      expect(await indexes(knex)).toMatchObject({ [PLAIN]: true });
      expect(await indexes(knex)).not.toHaveProperty(COVER);

      // What a concurrent build cut short leaves behind: the index, marked invalid.
      await knex.raw(`CREATE INDEX ${COVER} ON usage_records (team, at)`);
      await knex.raw(
        `UPDATE pg_index SET indisvalid = false WHERE indexrelid = '${COVER}'::regclass`,
      );
      await knex.migrate.latest({ directory });
      expect(await indexes(knex)).toMatchObject({ [COVER]: true });
      const { rows } = await knex.raw(
        `SELECT pg_get_indexdef('${COVER}'::regclass) AS def`,
      );
      expect(rows[0].def).toContain('INCLUDE');
    });
  },
);
