import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { BudgetService } from '../budgets/BudgetService';
import { DatabaseBudgetStore } from '../budgets/DatabaseBudgetStore';
import type { InsightsConfig } from '../config';
import { DatabaseFactStore } from '../facts/DatabaseFactStore';
import { DatabaseLedgerStore } from '../ledger/DatabaseLedgerStore';
import { LedgerService } from '../ledger/LedgerService';
import { migrateDatabase } from '../lib/migrateDatabase';
import { testConfig } from './fixtures';

/** PostgreSQL 15 and SQLite, the engines of production and of development. */
export const databases = TestDatabases.create({
  ids: ['POSTGRES_15', 'SQLITE_3'],
});

export type DatabaseId = Parameters<typeof databases.init>[0];

/** The plugin's stores and services on a fresh, migrated database. */
export async function makeStores(
  databaseId: DatabaseId,
  config: InsightsConfig = testConfig(),
) {
  const knex = await databases.init(databaseId);
  const database = mockServices.database({ knex });
  await migrateDatabase(database);
  const facts = await DatabaseFactStore.create({ database });
  const ledger = await DatabaseLedgerStore.create({ database });
  const budgets = await DatabaseBudgetStore.create({ database });
  const service = new LedgerService({
    facts,
    ledger,
    rateCard: config.rateCard,
  });
  const budgetService = new BudgetService({
    budgets,
    facts,
    ledger,
    currency: config.currency,
    basis: config.chargeback,
  });
  /** Every ledger row, without its id, in key order. */
  const allRows = async () =>
    (
      await knex('ledger_rows').orderBy([
        'hour',
        'environment',
        'team',
        'category',
        'unit',
        'model',
        'basis',
        'capacity',
      ])
    ).map(({ id, ...row }) => ({
      ...row,
      rate_micros: Number(row.rate_micros),
      cost_micros: Number(row.cost_micros),
    }));
  return {
    knex,
    database,
    facts,
    ledger,
    budgets,
    service,
    budgetService,
    allRows,
  };
}
