import { mockServices } from '@backstage/backend-test-utils';
import { databases } from '../__testUtils__/database';
import { migrateDatabase } from './migrateDatabase';

jest.setTimeout(120_000);

describe.each(databases.eachSupportedId())('migrations on %p', databaseId => {
  it('go up and all the way down again', async () => {
    const knex = await databases.init(databaseId);
    await migrateDatabase(mockServices.database({ knex }));
    for (const table of [
      'ledger_rows',
      'budgets',
      'environment_events',
      'job_gpu_records',
      'pod_intervals',
      'token_usage',
      'idle_gpu_intervals',
    ]) {
      expect(await knex.schema.hasTable(table)).toBe(true);
    }
    const directory = require('node:path').resolve(
      __dirname,
      '../../migrations',
    );
    await knex.migrate.rollback({ directory }, true);
    expect(await knex.schema.hasTable('ledger_rows')).toBe(false);
    expect(await knex.schema.hasTable('environment_events')).toBe(false);
    expect(await knex.schema.hasTable('idle_gpu_intervals')).toBe(false);
  });
});
