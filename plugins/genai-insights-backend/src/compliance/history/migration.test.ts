import { mockServices } from '@backstage/backend-test-utils';
import path from 'node:path';
import { databases } from '../../__testUtils__/database';
import { migrateDatabase } from '../../lib/migrateDatabase';

jest.setTimeout(120_000);

const directory = path.resolve(__dirname, '../../../migrations');
const MIGRATION = '20261231110000_compliance_history.js';
const TABLES = ['compliance_daily_scores', 'compliance_daily_checks'];

describe.each(databases.eachSupportedId())(
  'the compliance history migration on %p',
  databaseId => {
    it('creates the tables keyed by kind, name and day, and its down drops them', async () => {
      const knex = await databases.init(databaseId);
      await migrateDatabase(mockServices.database({ knex }));
      for (const table of TABLES) {
        expect(await knex.schema.hasTable(table)).toBe(true);
      }
      const row = {
        day: '2026-12-01',
        kind: 'team',
        name: 'group:default/ml-research',
        percent: null,
        passed_weight: 0,
        applicable_weight: 0,
        passed: 0,
        failed: 0,
        errored: 0,
        waived: 0,
        not_applicable: 0,
      };
      await knex('compliance_daily_scores').insert(row);
      // The same kind, name and day is the same row: an upsert on the key (which both engines
      // refuse unless the key is the table's primary or unique key) changes the one row.
      await knex('compliance_daily_scores')
        .insert({ ...row, passed: 1 })
        .onConflict(['kind', 'name', 'day'])
        .merge(['passed']);
      expect(await knex('compliance_daily_scores').select('passed')).toEqual([
        { passed: 1 },
      ]);

      await knex.migrate.down({ directory, name: MIGRATION });
      for (const table of TABLES) {
        expect(await knex.schema.hasTable(table)).toBe(false);
      }
    });
  },
);
